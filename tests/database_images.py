"""Images of the test database, put back in milliseconds after a test that commits.

A test that commits for real (a browser journey, a worker, a live server) leaves rows that the
next test must not see. Django's way (`serialized_rollback`) empties every table, 130 of them
(PostgreSQL's TRUNCATE makes new files for each: 0.4 s on a quiet machine, seconds on a loaded
one), then saves the data migrations' rows back one object at a time from JSON (0.4 s); and a
journey on the seeded organisation seeds it again (10 s). Here an image of the database is
taken once (just after migrating; just after seeding) and put back instead:

- SQLite (in memory): the whole database's bytes, copied back with SQLite's backup.
- PostgreSQL: a schema holding a copy of each table that has rows. Putting it back empties the
  tables that have rows now (DELETE, with triggers and foreign-key checks off for the
  transaction: the append-only audit log's trigger would refuse it) and copies the image's rows
  in with INSERT ... SELECT. Sequences are left alone, as Django's flush leaves them: they only
  go up, so the rows put back never meet a new row's id.

`baseline_kept` takes the image after migrating and makes Django's flush (what a committing
test's teardown calls) put that image back: every test then starts from the migrated database,
whatever ran before it. What the database holds after a put-back is what Django's way gives,
row for row, ids included (`tests/test_database_images.py` compares the two).
"""

import sqlite3
import threading
import time

from django.db import transaction

BASELINE = "baseline"  # the database just after migrating
# alias -> name -> (when it was taken, its row counts, what put_back needs)
_images: dict[str, dict[str, tuple[float, dict[str, int], object]]] = {}
_can: dict[str, bool] = {}  # alias -> can_put_back
# Held while an image is put back. A live server that shares the test's connection (SQLite in
# memory) holds it for each request (tests/browser/conftest.py), so a request still running as
# a test ends (a video's range request as its page closed) finishes before the database under
# it is replaced, and one arriving later starts after.
LOCK = threading.RLock()


def tables(connection) -> list[str]:
    """The tables of the project's models, as Django's flush sees them."""
    return sorted(connection.introspection.django_table_names(only_existing=True))


def row_counts(connection) -> dict[str, int]:
    """Rows per table, in one query."""
    names = tables(connection)
    qn = connection.ops.quote_name
    sql = " UNION ALL ".join(
        f"SELECT '{name}', COUNT(*) FROM {qn(name)}"  # noqa: S608 (the database's own names)
        for name in names
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(cursor.fetchall())


def take(connection, name: str) -> None:
    """Keep the database as it is now under `name` (replacing an older image of that name)."""
    counts = row_counts(connection)
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        kept = connection.connection.serialize()
    else:
        schema = connection.ops.quote_name(f"image_{name}")
        qn = connection.ops.quote_name
        kept = {}  # table -> "INSERT ... SELECT" that puts its rows back, columns named
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
            cursor.execute(f"CREATE SCHEMA {schema}")
            for table, count in counts.items():
                if count:
                    columns = ", ".join(
                        qn(column.name)
                        for column in connection.introspection.get_table_description(cursor, table)
                    )
                    copy = f"{schema}.{qn(table)}"
                    cursor.execute(
                        f"CREATE UNLOGGED TABLE {copy} AS SELECT {columns} FROM {qn(table)}"  # noqa: S608
                    )
                    kept[table] = (
                        f"INSERT INTO {qn(table)} ({columns}) SELECT {columns} FROM {copy}"  # noqa: S608
                    )
    _images.setdefault(connection.alias, {})[name] = (time.monotonic(), counts, kept)


def taken(connection, name: str, *, max_age: float | None = None) -> dict[str, int] | None:
    """The row counts `name` was taken with, or None if there is no such image (or it is older
    than `max_age` seconds)."""
    image = _images.get(connection.alias, {}).get(name)
    if image is None or (max_age is not None and time.monotonic() - image[0] > max_age):
        return None
    return image[1]


def put_back(connection, name: str) -> None:
    """Make the database what it was when `name` was taken."""
    kept = _images[connection.alias][name][2]
    with LOCK:
        if connection.vendor == "sqlite":
            _sqlite_put_back(connection, kept)
        else:
            _postgresql_put_back(connection, kept)


def _sqlite_put_back(connection, kept: bytes) -> None:
    connection.ensure_connection()
    copy = sqlite3.connect(":memory:")
    try:
        copy.deserialize(kept)
        copy.backup(connection.connection)
    finally:
        copy.close()


def _postgresql_put_back(connection, kept: dict[str, str]) -> None:
    qn = connection.ops.quote_name
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        for table, count in row_counts(connection).items():
            if count:
                cursor.execute(f"DELETE FROM {qn(table)}")  # noqa: S608
        for insert in kept.values():
            cursor.execute(insert)
        # Inside an outer transaction LOCAL would last until it ends: triggers back on now.
        cursor.execute("SET LOCAL session_replication_role = DEFAULT")


def can_put_back(connection) -> bool:
    """SQLite in memory, or PostgreSQL as a role that may switch triggers off (a superuser, as
    the test database's owner is in CI and on a developer's machine)."""
    if connection.alias not in _can:
        if connection.vendor == "sqlite":
            _can[connection.alias] = connection.is_in_memory_db()
        elif connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
                _can[connection.alias] = bool(cursor.fetchone()[0])
        else:
            _can[connection.alias] = False
    return _can[connection.alias]


def baseline_kept(connection) -> None:
    """Take the migrated database's image and put it back wherever Django would flush it (the
    teardown of a test that commits) or reload its rows (the set-up of one)."""
    if not can_put_back(connection):
        return
    take(connection, BASELINE)
    ops, creation = type(connection.ops), type(connection.creation)
    if getattr(ops, "_images_installed", False):
        return
    flush, reload = ops.execute_sql_flush, creation.deserialize_db_from_string

    def execute_sql_flush(self, sql_list):
        if taken(self.connection, BASELINE) is None:
            return flush(self, sql_list)
        return put_back(self.connection, BASELINE)

    def deserialize_db_from_string(self, data):
        counts = taken(self.connection, BASELINE)
        if counts is None:
            return reload(self, data)
        # The last committing test's teardown put the image back, and a test in a transaction
        # rolls back; a database that still differs is put back.
        if row_counts(self.connection) != counts:
            put_back(self.connection, BASELINE)
        return None

    ops.execute_sql_flush = execute_sql_flush
    ops._images_installed = True
    creation.deserialize_db_from_string = deserialize_db_from_string
