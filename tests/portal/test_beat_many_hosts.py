"""Beat started on every host still sends each periodic job once (issue 19).

Two `celery beat` processes, as two hosts would run them, share a private redis-server as
broker and schedule store, with the portal's settings and one fast job (every half second).
Nothing consumes the queue, so every message either beat published stays there in order, each
naming the process that sent it (Celery's `origin` header). With the portal's scheduler
(celery-redbeat, chosen by the settings for a Redis broker) only one beat sends while both run;
when it is killed, the other takes over once the lock expires, and the two never alternate. The
same two beats on Celery's default scheduler both send every tick: the control that shows the
test can tell.

The beats skip Django's system checks (`CELERY_SKIP_CHECKS`), which Celery runs as each process
starts: they load every URL pattern (Wagtail's admin, SCIM's models), which a beat never uses,
and take 3 of the 5 seconds of CPU a beat needs to start (four beats in this module). What is
scheduled, and by which scheduler, is the same; `manage.py check` runs the checks in the lint.
"""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis

from tests.peers import process_stop
from tests.peers.redis_server import RedisServer

ROOT = Path(__file__).resolve().parent.parent.parent
QUEUE = "beat-test"
SETTINGS = f'''
from portal.settings.test import *  # noqa

CELERY_TASK_ALWAYS_EAGER = False  # beat publishes; nothing runs here
CELERY_TASK_DEFAULT_QUEUE = "{QUEUE}"
CELERY_BEAT_SCHEDULE = {{"ping": {{"task": "portal.tasks.worker_ping", "schedule": 0.5}}}}
CELERY_BEAT_MAX_LOOP_INTERVAL = 1  # beat wakes (and renews its lock) every second at most
CELERY_REDBEAT_LOCK_TIMEOUT = 3  # a killed beat's lock lapses after three seconds
'''
ENOUGH = 6  # messages: a few ticks
WAIT = 60  # seconds at most for them (a slow machine); never asserted


@pytest.fixture
def broker():
    server = RedisServer().start()
    yield server
    server.stop()


def _beat(tmp_path: Path, name: str, broker_url: str, scheduler: str | None):
    environment = {
        **os.environ,
        "PYTHONPATH": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "beat_settings",
        "DATABASE_URL": "sqlite:///:memory:",
        "CELERY_BROKER_URL": broker_url,
        "CELERY_SKIP_CHECKS": "true",
    }
    environment.pop("CELERY_REDBEAT_REDIS_URL", None)
    log = (tmp_path / f"{name}.log").open("w")
    command = [sys.executable, "-m", "celery", "-A", "portal", "beat", "--loglevel", "INFO"]
    command += ["--schedule", str(tmp_path / f"{name}-schedule"), "--pidfile", ""]
    if scheduler:
        command += ["--scheduler", scheduler]
    return subprocess.Popen(command, cwd=ROOT, env=environment, stdout=log, stderr=log)  # noqa: S603


def _senders(client: redis.Redis) -> list[str]:
    """The process that sent each message in the queue, oldest first."""
    messages = reversed(client.lrange(QUEUE, 0, -1))  # kombu pushes new messages on the left
    return [json.loads(message)["headers"]["origin"] for message in messages]


def _wait(client, enough) -> list[str]:
    deadline = time.monotonic() + WAIT
    while not enough(senders := _senders(client)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return senders


def _process_of(sender: str, beats) -> subprocess.Popen:
    pid = int(sender.split("@")[0].removeprefix("gen"))
    return next(beat for beat in beats if beat.pid == pid)


def _runs(senders: list[str]) -> list[str]:
    """Consecutive senders, one entry per run: ["a", "b"] means all of a's, then all of b's."""
    return [s for i, s in enumerate(senders) if i == 0 or senders[i - 1] != s]


def _log(tmp_path: Path) -> str:
    return "\n".join(path.read_text() for path in sorted(tmp_path.glob("*.log")))


def test_two_beats_send_each_tick_once_and_the_second_takes_over(tmp_path, broker):
    (tmp_path / "beat_settings.py").write_text(SETTINGS)
    client = redis.Redis.from_url(broker.url)
    beats = [_beat(tmp_path, name, broker.url, None) for name in ("host-a", "host-b")]
    try:
        senders = _wait(client, lambda s: len(s) >= ENOUGH)
        assert len(senders) >= ENOUGH, _log(tmp_path)
        assert all(beat.poll() is None for beat in beats), _log(tmp_path)  # both running
        assert len(set(senders)) == 1, "both beats sent the job"
        assert "Acquired lock" in _log(tmp_path)

        holder = _process_of(senders[0], beats)
        holder.send_signal(signal.SIGKILL)  # a host lost: no chance to give the lock back
        holder.wait()
        sent_before = len(senders)
        senders = _wait(client, lambda s: len(s) >= sent_before + ENOUGH and len(set(s)) == 2)

        assert len(set(senders)) == 2, _log(tmp_path)
        assert len(_runs(senders)) == 2  # one beat, then the other: never both
        assert _process_of(senders[-1], beats) is not holder
    finally:
        for beat in beats:
            if beat.poll() is None:
                process_stop(beat)


def test_celerys_default_scheduler_would_send_each_tick_twice(tmp_path, broker):
    """The control: the same two beats without the lock both send."""
    (tmp_path / "beat_settings.py").write_text(SETTINGS)
    client = redis.Redis.from_url(broker.url)
    scheduler = "celery.beat:PersistentScheduler"
    beats = [_beat(tmp_path, name, broker.url, scheduler) for name in ("host-a", "host-b")]
    try:
        senders = _wait(client, lambda s: len(set(s)) == 2 and len(s) >= ENOUGH)
        assert len(set(senders)) == 2, _log(tmp_path)
    finally:
        for beat in beats:
            process_stop(beat)
