"""A private redis-server on loopback (Debian's binary): no files written, stopped at the end.
Started again on the same port, it is the same broker coming back after an outage."""

import subprocess
from pathlib import Path

import pytest
import redis

from tests.examples import CI

from . import free_port, process_stop

REDIS_SERVER = Path("/usr/bin/redis-server")


class RedisServer:
    def __init__(self, port: int | None = None):
        if not REDIS_SERVER.exists():
            (pytest.fail if CI else pytest.skip)(f"needs {REDIS_SERVER} (Debian's redis-server)")
        self.port = port or free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self) -> "RedisServer":
        self.process = subprocess.Popen(  # noqa: S603
            [str(REDIS_SERVER), "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
            + ["--appendonly", "no", "--loglevel", "warning"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        client = redis.Redis.from_url(self.url, socket_connect_timeout=1)
        for _ in range(1000):
            try:
                client.ping()
                return self
            except redis.ConnectionError:
                try:
                    self.process.wait(timeout=0.01)  # a pause that notices an early exit
                except subprocess.TimeoutExpired:
                    continue
                pytest.fail(f"redis-server exited:\n{self.process.stdout.read()}")
        pytest.fail("redis-server never answered")

    def stop(self) -> None:
        if self.process is not None:
            process_stop(self.process)
            self.process = None
