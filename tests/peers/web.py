"""The portal itself under gunicorn on loopback, as one of several servers behind a load
balancer: its own process, its own media folder, the test database and whatever shared
services its environment names (a bucket, a Redis)."""

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import pytest
import requests

from . import free_port, process_stop

ROOT = Path(__file__).resolve().parents[2]


def database_url() -> str:
    """The test database, for another process (PostgreSQL)."""
    from django.db import connection

    db = connection.settings_dict
    return (
        f"postgres://{quote(db['USER'] or '')}:{quote(db['PASSWORD'] or '')}"
        f"@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"
    )


class WebServer:
    def __init__(self, env: dict[str, str], *, workers: int = 2):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.media = Path(tempfile.mkdtemp(prefix="portal-server-media-"))
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - closed by stop()
        self.process = subprocess.Popen(  # noqa: S603 - our own venv's gunicorn, fixed arguments
            [str(Path(sys.executable).with_name("gunicorn")), "portal.wsgi:application"]
            + ["--workers", str(workers), "--bind", f"127.0.0.1:{self.port}"]
            + ["--log-level", "warning", "--timeout", "120"],
            cwd=ROOT,
            env={
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "portal.settings.test",
                "DATABASE_URL": database_url(),
                "PORTAL_TEST_MEDIA_ROOT": str(self.media),
                **env,
            },
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while True:
            if self.process.poll() is not None:
                pytest.fail(f"gunicorn exited:\n{self.log_tail()}")
            try:
                if requests.get(f"{self.url}/healthz", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"gunicorn never answered /healthz:\n{self.log_tail()}")
            time.sleep(0.2)  # polling a starting server

    def log_tail(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")[-4000:]

    def stop(self) -> None:
        process_stop(self.process)
        self.log.close()
        shutil.rmtree(self.media, ignore_errors=True)
