"""Locks that keep the two writers of attainment periods from colliding.

Both writers read a person's stored periods, compare them with what they computed and insert
the difference: the bulk recompute (everyone; nightly, and after a tier changes) and the
per-person update after each event. Two of them writing the same person at once insert the
same period twice, and one fails on `attainment_unique_start`.

- `attainments_lock`: one transaction-level advisory lock. The recompute's write takes it
  exclusively, each per-person update shared: updates for different people run side by side
  and none overlaps a recompute's write. One key rather than a key per person plus a global one:
  the update already locks the person's row, which serialises updates of the same person, so a
  per-person key would add nothing. The update must take this lock *before* that row lock: a
  recompute holding the lock inserts periods that reference the person, which waits for the row
  lock, so the other order deadlocks.
- `events_settled_through`: the recompute computes outside that lock (seconds at full size, and
  events keep arriving meanwhile), then catches up the people whose events it may have missed:
  those with an event id above the highest id it could see when it began. On PostgreSQL an id is
  taken when a row is inserted and seen only when its transaction commits, so an event still in
  flight can sit below that highest id, be missed by the computation, and have its own update
  overwritten by the recompute's write. A SHARE lock on the event table waits for the
  transactions that are inserting events, and holds new inserts back only while the highest id
  is read, so every event up to the answer has committed.

SQLite needs neither: every write transaction begins IMMEDIATE (`database_from_url`), so writers
queue one at a time, and an event's id is above every committed one when it is written.
"""

import logging

from django.db import OperationalError, connection, transaction
from django.db.models import Max

from .models import EngagementEvent

logger = logging.getLogger(__name__)

# The advisory lock's key: any bigint no other part of the portal uses ("tiers" in ASCII).
ATTAINMENTS_KEY = 0x7469657273


def attainments_lock(*, exclusive: bool) -> None:
    """Hold the attainment writers' lock until the current transaction ends (PostgreSQL)."""
    if connection.vendor != "postgresql":
        return
    if not connection.in_atomic_block:
        raise RuntimeError("attainments_lock lasts a transaction: call it inside atomic().")
    function = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(%s)", [ATTAINMENTS_KEY])


def events_settled_through(*, wait_seconds: float = 2.0) -> int:
    """The highest event id up to which every event has committed (0 for none).

    Waits at most `wait_seconds` for events being written; past that (a long import holding its
    transaction open) it answers the highest committed id and says so in the log, and the next
    recompute mends what this one may miss. Inside a caller's transaction (seeding) the table
    lock would last until that transaction ends, so there the highest committed id is answered.
    """
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return _highest_id()
    table = connection.ops.quote_name(EngagementEvent._meta.db_table)
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('lock_timeout', %s, true)", [f"{round(wait_seconds * 1000)}ms"]
            )
            cursor.execute(f"LOCK TABLE {table} IN SHARE MODE")
            return _highest_id()
    except OperationalError:
        logger.warning(
            "Events were still being written after %s s; the tier recompute goes on without "
            "waiting, and the next one catches up anyone it misses.",
            wait_seconds,
        )
        return _highest_id()


def _highest_id() -> int:
    return EngagementEvent.objects.aggregate(last=Max("pk"))["last"] or 0
