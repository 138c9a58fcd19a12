"""Fixtures shared by the whole suite: people in each role, demo data, a real Celery worker, a
real S3-compatible bucket."""

import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from hypothesis import settings as hypothesis_settings

from portal import permissions
from portal.factories import UserFactory
from portal.reports.frames import frames_forget
from portal.settings import storage
from tests import database_images
from tests.examples import CI
from tests.once import rolled_back_after
from tests.peers.s3 import s3_server_running
from tests.peers.slack import SlackServer
from tests.peers.teams import TeamsPeer
from tests.peers.web import database_url

ROOT = Path(__file__).resolve().parent.parent

# Hypothesis: its default 100 examples in CI, 20 at a desk (see tests/examples.py).
hypothesis_settings.register_profile("ci", deadline=None)
hypothesis_settings.register_profile("dev", max_examples=20, deadline=None)
hypothesis_settings.load_profile("ci" if CI else "dev")
COMMITTING_FIXTURES = {"transactional_db", "live_server", "celery_worker"}


@pytest.fixture(scope="session", autouse=True)
def _media_removed():
    """Uploaded and generated files of this run go when the run ends."""
    from django.conf import settings

    yield
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database, with an image of it just after migrating that a test which
    commits puts back when it ends (tests/database_images.py), instead of Django's flush and
    reload of the data migrations' rows."""
    from django.db import connections

    with django_db_blocker.unblock():
        for connection in connections.all():
            database_images.baseline_kept(connection)


@pytest.fixture(autouse=True)
def _cache_cleared():
    """Each test starts with an empty cache, as a new deployment does (the menu caches the
    FAQ guide's address, search caches word statistics), and with no report frames kept: every
    test is a rolled-back transaction, so ids and counts come back in the next one."""
    cache.clear()
    frames_forget()
    yield
    cache.clear()


ENTITY = re.compile(r"&(?:#x?[0-9a-f]+|[a-z]+);", re.IGNORECASE)


@pytest.fixture(autouse=True)
def _plain_text_mail_is_not_escaped():
    """Every plain-text email part any test sends reads as written: an HTML entity there
    ("customers&#x27; questions") means a text template was autoescaped."""
    yield
    for message in getattr(mail, "outbox", []):
        parts = [message.body] + [
            c for c, kind in getattr(message, "alternatives", []) if kind == "text/plain"
        ]
        for part in parts:
            found = ENTITY.search(part)
            assert found is None, f"{found.group()} in the text of {message.subject!r}"


def pytest_collection_modifyitems(config, items):
    """Every test that commits for real gets the data migrations' rows back after its flush.

    A flush would remove the default tiers, groups and home page. Serialized rollback keeps
    them (here by putting the migrated database's image back: tests/database_images.py), and
    only works if every committing test uses it (a plain flush re-creates content types that
    the restore would then collide with), so it is a rule here, not a choice per test.

    Tests marked `postgres` are skipped here on SQLite, before they pay for a database flush.
    """
    from django.conf import settings

    on_sqlite = settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
    needs_postgres = pytest.mark.skip(
        reason="needs a database several connections can write to at once: PostgreSQL"
    )
    for item in items:
        if on_sqlite and item.get_closest_marker("postgres"):
            item.add_marker(needs_postgres)
        marker = item.get_closest_marker("django_db")
        commits = (marker is not None and marker.kwargs.get("transaction")) or (
            COMMITTING_FIXTURES & set(getattr(item, "fixturenames", ()))
        )
        if commits and not (marker is not None and marker.kwargs.get("serialized_rollback")):
            item.add_marker(
                pytest.mark.django_db(transaction=True, serialized_rollback=True), append=False
            )


def _user_in(*groups: str, **extra):
    user = UserFactory(**extra)
    user.groups.add(*Group.objects.filter(name__in=groups))
    return user


@pytest.fixture
def staff_user(db):
    return _user_in()


@pytest.fixture
def leader_user(db):
    return _user_in(permissions.LEADERS)


@pytest.fixture
def community_manager(db):
    return _user_in(permissions.COMMUNITY_MANAGERS)


@pytest.fixture
def superuser(db):
    return _user_in(is_superuser=True, is_staff=True)


@pytest.fixture
def role_users(staff_user, leader_user, community_manager, superuser):
    return {
        "staff": staff_user,
        "leader": leader_user,
        "community manager": community_manager,
        "superuser": superuser,
    }


# Per database: the row counts the database had when `seeded` last seeded it and kept an image.
_seeded_over: dict[str, dict[str, int]] = {}
SEEDED = "seeded"
SEEDED_IMAGE_MAX_AGE = 600  # seconds: seed_demo places sessions and events relative to now


@pytest.fixture
def seeded(db):
    """The demo data of `seed_demo` (with two extra staff); returns the demo users by username.

    Tests that commit (the browser journeys) get it from an image (see `_seeded`). Inside a
    test's transaction it seeds."""
    from django.db import connection

    return _seeded(connection)


@pytest.fixture(scope="module")
def seeded_once(django_db_setup, django_db_blocker):
    """`seeded`, built once for a module of read-only tests: each test's own transaction rolls
    back what it writes. Where images can be put back (tests/database_images.py) it is put back
    from one (see `_seeded`), and the migrated database's image when the module ends; elsewhere
    it is seeded inside a transaction rolled back when the module ends (tests/once.py)."""
    from django.db import connection

    with django_db_blocker.unblock():
        imaged = database_images.can_put_back(connection)
    if not imaged:
        with rolled_back_after(django_db_blocker):
            yield _seeded(connection)
        return
    with django_db_blocker.unblock():
        users = _seeded(connection)
    yield users
    with django_db_blocker.unblock():
        database_images.put_back(connection, database_images.BASELINE)


def _seeded(connection) -> dict:
    """Seed, or, outside a transaction, put back the image of the database taken just after
    this process last seeded (a tenth of a second instead of five to ten seconds of seeding),
    when the database is as it was then (the migrated database: the same number of rows in
    every table) and the image is under ten minutes old."""
    copyable = not connection.in_atomic_block and database_images.can_put_back(connection)
    before = database_images.row_counts(connection) if copyable else None
    if (
        copyable
        and _seeded_over.get(connection.alias) == before
        and database_images.taken(connection, SEEDED, max_age=SEEDED_IMAGE_MAX_AGE) is not None
    ):
        database_images.put_back(connection, SEEDED)
    else:
        call_command("seed_demo", "--staff", "2", stdout=open("/dev/null", "w"))  # noqa: SIM115
        if copyable:
            database_images.take(connection, SEEDED)
            _seeded_over[connection.alias] = before
    return {user.username: user for user in get_user_model().objects.all()}


@pytest.fixture(scope="session")
def s3_server():
    """A real S3-compatible server (SeaweedFS on loopback, `tests.peers.s3`), started once per
    test process when a test first asks for it."""
    with s3_server_running() as server:
        yield server


@pytest.fixture
def bucket(s3_server, settings):
    """Every file saved in this test goes to the bucket, as with AWS_STORAGE_BUCKET_NAME set:
    the portal's storage pointed at it the way the settings would point it."""
    default = storage.default_storage(s3_server.environ())
    settings.STORAGES = {**settings.STORAGES, "default": default}
    settings.WAGTAILDOCS_SERVE_METHOD = storage.documents_serve_method(default)
    return s3_server


@pytest.fixture
def slack_server(settings):
    """A Slack Web API capture server on loopback (`tests.peers.slack`) that the real slack-sdk
    client talks to, and the portal's Slack settings pointed at it. Empty: add
    `slack_server.users` (email -> user id) and `slack_server.channels` in the test."""
    with SlackServer() as server:
        for name, value in server.settings().items():
            setattr(settings, name, value)
        yield server


@pytest.fixture
def teams_peer(settings):
    """Microsoft Teams on loopback (`tests.peers.teams`: the Workflows webhook, Entra ID's
    token endpoint, Graph's users, the Bot Framework connector), with the portal's TEAMS_*
    settings pointed at it, as the environment would. Add people with `teams_peer.people`."""
    with TeamsPeer() as peer:
        for name, value in peer.settings().items():
            setattr(settings, name, value)
        yield peer


@pytest.fixture
def celery_worker(transactional_db):
    """A real `celery worker` process on the configured broker, reading the test database.

    Tests that use it are about background work, so they run only where there is a real broker
    and a database another process can open (PostgreSQL): `make test` with `CELERY_BROKER_URL`
    and `DATABASE_URL` set, as CI does. The worker consumes a queue of its own, so a stray
    worker elsewhere on the broker cannot take these tasks.
    """
    from django.conf import settings
    from django.db import connection

    from portal.celery import app

    # CI's PostgreSQL pass sets REQUIRE_WORKER_TESTS, so there a missing piece fails, not skips.
    give_up = pytest.fail if os.environ.get("REQUIRE_WORKER_TESTS") else pytest.skip
    if not settings.CELERY_BROKER_URL:
        give_up("needs a real broker: set CELERY_BROKER_URL")
    if connection.vendor == "sqlite":
        give_up("needs a database a worker process can share: set DATABASE_URL to PostgreSQL")

    queue = f"test-{uuid.uuid4().hex[:12]}"
    worker = worker_process(queue=queue)
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        yield WorkerHandle(queue=queue, process=worker)
    finally:
        app.conf.task_always_eager = eager
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()


def worker_process(*, queue: str = "celery", env: dict | None = None) -> subprocess.Popen:
    """A `celery worker` process reading the test database (PostgreSQL), consuming `queue` on
    the broker its environment names (`CELERY_BROKER_URL`, unless `env` says otherwise)."""
    from django.conf import settings

    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "DATABASE_URL": database_url(),
        "PORTAL_TEST_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "PORTAL_TEST_CELERY_QUEUE": queue,
        **(env or {}),
    }
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "--pool=solo",
            "--queues",
            queue,
            "--hostname",
            f"{queue}-{uuid.uuid4().hex[:6]}@%h",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=WARNING",
        ],  # fmt: skip
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


@dataclass
class WorkerHandle:
    queue: str
    process: subprocess.Popen

    def run(self, task, *args, timeout: float = 60, **kwargs):
        """Send `task` to this worker and wait for its result; the worker's log if it died.

        Results are ignored by default (CELERY_TASK_IGNORE_RESULT): this one asks for its own."""
        result = task.apply_async(args=args, kwargs=kwargs, queue=self.queue, ignore_result=False)
        try:
            # the test process is no worker: a flag left set by eager tasks run in threads
            # (the concurrency tests) must not refuse the wait
            return result.get(timeout=timeout, disable_sync_subtasks=False)
        except Exception:
            if self.process.poll() is not None:
                pytest.fail(f"The Celery worker exited:\n{self.process.stdout.read()}")
            raise

    def wait_for(self, count, *, timeout: float = 60):
        """`count()` once it has stopped changing for a second (the worker's work has settled),
        or when `timeout` runs out; fails if the worker died."""
        deadline = time.monotonic() + timeout
        last, since = count(), time.monotonic()
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"The Celery worker exited:\n{self.process.stdout.read()}")
            time.sleep(0.2)
            now = count()
            if now != last:
                last, since = now, time.monotonic()
            elif now and time.monotonic() - since >= 1:
                return now
        return last
