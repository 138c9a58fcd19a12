"""A booking rush: people post "Book a seat" for a 10-seat session at once, through gunicorn
(2 processes x 8 threads), on a SQLite file in WAL mode (the embedded profile) in the SQLite pass,
and on PostgreSQL in the PostgreSQL pass. Nothing may overbook, and no request may fail.

It runs the portal as deployed, in processes of its own, on a database of its own: a copy of this
run's test database, which pytest-django migrated from empty (`pg_dump` into a new database on
PostgreSQL, SQLite's backup into a file; each copy is a second, where the file's own `migrate`
took 20 seconds on PostgreSQL and a minute of a loaded machine on SQLite). On PostgreSQL, 200
people rush. SQLite takes one writer at a time, so its rush is 40 people (four times the seats,
more than the 32 requests in flight and the 16 server threads: every seat is still raced for,
and 30 are turned away to the waitlist).
"""

import http.client
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.peers.web import database_url

ROOT = Path(__file__).resolve().parents[2]
PEOPLE = {"sqlite": 40, "postgresql": 200}
SEATS = 10
CSRF = "a" * 32

SET_UP = """
import json
from datetime import timedelta
from importlib import import_module
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.utils import timezone
from officehours.models import Occurrence, Series
series = Series.objects.create(
    title="Rush", weekday=0, start_time="10:00", location="x", capacity={seats}
)
starts = timezone.now() + timedelta(days=2)
occurrence = Occurrence.objects.create(series=series, starts_at=starts,
    ends_at=starts + timedelta(minutes=45), capacity={seats}, location="x")
store = import_module(settings.SESSION_ENGINE).SessionStore
keys = []
for i in range({people}):
    user = get_user_model().objects.create(username=f"rush{{i}}", email=f"rush{{i}}@example.com")
    session = store()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    keys.append(session.session_key)
print(json.dumps({{"occurrence": occurrence.pk, "sessions": keys}}))
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _post(port: int, path: str, session: str) -> int | str:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(
            "POST",
            path,
            body="topic=rush",
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"sessionid={session}; csrftoken={CSRF}",
                "X-CSRFToken": CSRF,
            },
        )
        response = connection.getresponse()
        response.read()
        return response.status
    except (OSError, http.client.HTTPException) as error:
        return type(error).__name__
    finally:
        connection.close()


def _databases():
    """The database this pass of the suite runs on: SQLite (the embedded profile) in the SQLite
    pass, PostgreSQL in the PostgreSQL pass; each variant runs once per CI run."""
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        yield "postgresql"
    else:
        yield "sqlite"


@pytest.fixture(params=list(_databases()))
def rush_database(request, tmp_path):
    """(DATABASE_URL, a function running one SQL query, how many people rush) for a migrated
    database of its own."""
    if request.param == "sqlite":
        database = tmp_path / "rush.sqlite3"
        _sqlite_copy_of_the_test_database(database)

        def query(sql):
            with sqlite3.connect(database) as db:
                return db.execute(sql).fetchall()

        yield f"sqlite:///{database}", query, PEOPLE["sqlite"]
        return
    import psycopg

    base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    name = f"portal_rush_{os.getpid()}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')

    def query(sql):
        with psycopg.connect(f"{base}/{name}") as db:
            return db.execute(sql).fetchall()

    _postgresql_copy_of_the_test_database(f"{base}/{name}")
    yield f"{base}/{name}", query, PEOPLE["postgresql"]
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _sqlite_copy_of_the_test_database(database: Path) -> None:
    """This run's SQLite test database (migrated, with the data migrations' rows; the test has
    written nothing yet) copied into the file `database`."""
    from django.db import connection

    connection.ensure_connection()
    assert connection.is_in_memory_db(), connection.settings_dict["NAME"]  # the test database
    # Through a private copy: a backup straight from the test's connection waits forever for
    # the write lock the test's own transaction holds.
    image = sqlite3.connect(":memory:")
    image.deserialize(connection.connection.serialize())
    with sqlite3.connect(database) as copy:
        image.backup(copy)
    copy.close()
    image.close()


def _postgresql_copy_of_the_test_database(url: str) -> None:
    """This run's PostgreSQL test database (migrated, with the data migrations' rows; the test
    has written nothing yet) copied into the empty database at `url`, without the images of
    tests/database_images.py."""
    dump = subprocess.run(  # noqa: S603 - PostgreSQL's own tools, fixed arguments
        [shutil.which("pg_dump"), "--no-owner", "--no-privileges", "--exclude-schema=image_*"]
        + [database_url()],
        capture_output=True,
        check=True,
    )
    subprocess.run(  # noqa: S603
        [shutil.which("psql"), "--quiet", "--set=ON_ERROR_STOP=1", "--output=/dev/null", url],
        input=dump.stdout,
        check=True,
    )


def _environment(url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "DATABASE_URL": url,
        "CELERY_BROKER_URL": "",
    }


@pytest.mark.django_db  # the SQLite pass copies the test database
def test_a_booking_rush_never_overbooks_or_fails(rush_database):
    url, query, people = rush_database
    env = _environment(url)
    manage = [sys.executable, str(ROOT / "manage.py")]
    made = subprocess.run(  # noqa: S603
        [*manage, "shell", "-c", SET_UP.format(seats=SEATS, people=people)],
        env=env,
        check=True,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    data = json.loads(made.stdout.strip().splitlines()[-1])
    port = _free_port()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(  # noqa: S603
        [str(gunicorn), "portal.wsgi:application", "--workers", "2", "--threads", "8",
         "--worker-class", "gthread", "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
        env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"gunicorn did not start:\n{server.stdout.read().decode()}")
            time.sleep(0.2)  # polling a starting server, not hiding a race
        path = f"/office-hours/{data['occurrence']}/book/"
        with ThreadPoolExecutor(max_workers=32) as pool:
            statuses = Counter(pool.map(lambda s: _post(port, path, s), data["sessions"]))
    finally:
        server.terminate()
        server.wait(timeout=20)

    assert statuses == {302: people}  # every request answered with its redirect: no 500
    booked = dict(query("SELECT status, count(*) FROM officehours_booking GROUP BY status"))
    ((confirmed,),) = query("SELECT confirmed FROM officehours_occurrence")
    ((distinct,),) = query("SELECT count(DISTINCT user_id) FROM officehours_booking")
    assert booked == {"confirmed": SEATS, "waitlisted": people - SEATS}
    assert confirmed == SEATS and distinct == people
