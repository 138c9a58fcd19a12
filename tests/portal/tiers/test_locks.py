"""The attainment writers never collide: bulk recomputes and per-person updates at once end where
one recompute from scratch does, and a recompute's catch-up misses no event still in flight.

All on PostgreSQL: SQLite writes one transaction at a time, so these races cannot happen there.
"""

import itertools
import threading
from datetime import timedelta
from functools import partial

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from portal.factories import StaffFactory
from portal.models import EngagementEvent, TierAttainment
from portal.tiers import locks
from portal.tiers.services import engagement_record, tier_attainments_recompute

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

_keys = itertools.count()


def history(people, *, start):
    """Events that take people up to the Engaged tier, some with contributions that lapse,
    written straight to the table (as the bench and seeding do): no attainment is stored yet."""
    plan = ["faq_viewed"] * 5 + ["policy_acknowledged", "wiifm_watched", "training_completed"]
    rows = []
    for n, person in enumerate(people):
        kinds = plan[: 5 + n % 4] + ["community_contributed"] * (n % 5)
        for i, kind in enumerate(kinds):
            rows.append(
                EngagementEvent(
                    staff=person,
                    kind=kind,
                    subject=f"entry-{i}" if kind == "faq_viewed" else "",
                    occurred_at=start + timedelta(days=n, hours=i * 7),
                    source="test",
                    idempotency_key=f"history-{next(_keys)}",
                )
            )
    EngagementEvent.objects.bulk_create(rows)


def periods():
    return sorted(
        TierAttainment.objects.values_list("staff_id", "tier_id", "reached_at", "lapsed_at")
    )


def at_once(works):
    """Run each callable in its own thread and connection, all released together."""
    errors = []
    start = threading.Barrier(len(works))

    def run(work):
        try:
            start.wait()
            work()
        except Exception as error:  # noqa: BLE001  (collected and asserted by the caller)
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(work,)) for work in works]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_two_recomputes_and_eight_events_at_once_leave_what_one_recompute_gives():
    now = timezone.now()
    people = StaffFactory.create_batch(16)
    history(people, start=now - timedelta(days=60))
    # Eight events for four people (two each, so updates of one person meet too) that move
    # them up a tier or renew a lapsed one, while two recomputes each insert every period.
    events = [
        partial(
            engagement_record,
            staff=people[i % 4],
            kind=kind,
            occurred_at=now - timedelta(minutes=i),
            source="test",
            idempotency_key=f"race-{i}",
        )
        for i, kind in enumerate(
            ["policy_acknowledged", "wiifm_watched", "training_completed", "office_hours_attended"]
            * 2
        )
    ]

    errors = at_once([tier_attainments_recompute, tier_attainments_recompute, *events])

    assert errors == []
    assert EngagementEvent.objects.filter(idempotency_key__startswith="race-").count() == 8
    stored = periods()
    TierAttainment.objects.all().delete()
    tier_attainments_recompute()
    assert stored == periods()
    assert len({tier for _, tier, *_ in stored}) >= 3  # the work was not trivially empty


def test_a_recompute_writes_alone_and_per_person_updates_side_by_side():
    other = connections.create_connection("default")
    try:

        def can_take(function):
            with other.cursor() as cursor:
                cursor.execute(f"SELECT {function}(%s)", [locks.ATTAINMENTS_KEY])
                taken = cursor.fetchone()[0]
                if taken:
                    cursor.execute(
                        "SELECT pg_advisory_unlock_all()"  # the try_ forms are session locks
                    )
                return taken

        with transaction.atomic():
            locks.attainments_lock(exclusive=False)
            assert can_take("pg_try_advisory_lock_shared")  # another update: goes ahead
            assert not can_take("pg_try_advisory_lock")  # a recompute's write: waits
        with transaction.atomic():
            locks.attainments_lock(exclusive=True)
            assert not can_take("pg_try_advisory_lock_shared")
        assert can_take("pg_try_advisory_lock")  # gone with the transaction
    finally:
        other.close()


def test_the_lock_lasts_a_transaction_so_it_is_refused_outside_one():
    with pytest.raises(RuntimeError, match="inside atomic"):
        locks.attainments_lock(exclusive=True)


def in_flight_event(person, inserted: threading.Event, release: threading.Event):
    """Record an event in a transaction that stays open until `release` is set."""
    try:
        with transaction.atomic():
            engagement_record(staff=person, kind="faq_viewed", source="test", subject="slow")
            inserted.set()
            release.wait()
    finally:
        connections.close_all()


def waiting_backends() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
        return cursor.fetchone()[0]


def test_the_catch_up_point_waits_for_events_still_being_written():
    person = StaffFactory()
    inserted, release = threading.Event(), threading.Event()
    slow = threading.Thread(target=in_flight_event, args=(person, inserted, release))
    slow.start()
    assert inserted.wait(timeout=30)
    # A later event commits first, so the highest committed id is above the one in flight.
    later, _ = engagement_record(staff=person, kind="faq_viewed", source="test", subject="quick")
    seen = {}

    def settle():
        try:
            seen["through"] = locks.events_settled_through(wait_seconds=60)
            seen["visible"] = EngagementEvent.objects.filter(pk__lte=seen["through"]).count()
        finally:
            connections.close_all()

    reader = threading.Thread(target=settle)
    reader.start()
    for _ in range(3000):  # until the reader queues behind the open insert (or has answered)
        if waiting_backends() or not reader.is_alive():
            break
        threading.Event().wait(0.01)
    release.set()
    slow.join()
    reader.join()

    assert seen["through"] >= later.pk
    # Nothing at or below the answer turned up after it was given.
    assert seen["visible"] == EngagementEvent.objects.filter(pk__lte=seen["through"]).count() == 2


def test_the_catch_up_point_gives_up_waiting_in_words(caplog):
    person = StaffFactory()
    committed, _ = engagement_record(staff=person, kind="faq_viewed", source="test")
    inserted, release = threading.Event(), threading.Event()
    slow = threading.Thread(target=in_flight_event, args=(person, inserted, release))
    slow.start()
    try:
        assert inserted.wait(timeout=30)
        assert locks.events_settled_through(wait_seconds=0.05) == committed.pk
    finally:
        release.set()
        slow.join()
    assert "still being written" in caplog.text
