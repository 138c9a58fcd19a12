"""The event log's one way in, and attainments kept in step with it."""

import itertools
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from portal.factories import StaffFactory
from portal.models import EngagementEvent, Requirement, Tier, TierAttainment
from portal.tiers.services import (
    engagement_record,
    tier_attainments_recompute,
    tier_attainments_update,
)

T0 = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)


@pytest.fixture
def person(db):
    return StaffFactory()


_entries = itertools.count()


def record(person, kind, when, **extra):
    if kind == "faq_viewed":  # each reading is of another entry, as "read 5 entries" needs
        extra.setdefault("subject", f"entry-{next(_entries)}")
    return engagement_record(staff=person, kind=kind, occurred_at=when, source="test", **extra)


def periods(person):
    return [
        (a.tier.order, a.reached_at, a.lapsed_at)
        for a in TierAttainment.objects.filter(staff=person).select_related("tier")
    ]


def test_same_idempotency_key_records_once(person):
    first, created = record(person, "faq_viewed", T0, idempotency_key="faq:1:2026-01-05")
    again, created_again = record(person, "faq_viewed", T0, idempotency_key="faq:1:2026-01-05")
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    assert EngagementEvent.objects.count() == 1


def test_events_without_a_key_are_each_recorded(person):
    record(person, "faq_viewed", T0)
    record(person, "faq_viewed", T0)
    assert EngagementEvent.objects.count() == 2


def test_unknown_kind_and_naive_time_are_refused_in_words(person):
    with pytest.raises(ValueError, match="Unknown event kind 'made_up'"):
        record(person, "made_up", T0)
    with pytest.raises(ValueError, match="timezone-aware"):
        record(person, "faq_viewed", datetime(2026, 1, 5))  # noqa: DTZ001
    with pytest.raises(ValueError, match="subject is 201 characters long; at most 200 fit"):
        record(person, "faq_viewed", T0, subject="x" * 201)
    assert not EngagementEvent.objects.exists()


def test_attainment_follows_each_committed_event(person, django_capture_on_commit_callbacks):
    for i in range(5):
        with django_capture_on_commit_callbacks(execute=True):
            record(person, "faq_viewed", T0 + timedelta(hours=i))
    assert periods(person) == []
    with django_capture_on_commit_callbacks(execute=True):
        record(person, "policy_acknowledged", T0 + timedelta(days=1))
    assert periods(person) == [(1, T0 + timedelta(days=1), None)]


def test_windowed_tier_lapses_and_history_is_kept(person):
    # Tiers 1-3 met early; tier 4 by three contributions, which count for 90 days.
    for i, kind in enumerate(
        ["faq_viewed"] * 5 + ["policy_acknowledged", "wiifm_watched", "training_completed"]
    ):
        record(person, kind, T0 + timedelta(minutes=i))
    contributions = [T0 + timedelta(days=d) for d in (10, 20, 30)]
    for when in contributions:
        record(person, "community_contributed", when, subject="reply")
    # Much later, three more: a second Engaged period.
    for d in (200, 201, 202):
        record(person, "community_contributed", T0 + timedelta(days=d), subject="post")
    tier_attainments_update(staff_id=person.pk)
    engaged = [(start, end) for order, start, end in periods(person) if order == 4]
    assert engaged == [
        (contributions[2], contributions[0] + timedelta(days=90)),
        (T0 + timedelta(days=202), T0 + timedelta(days=200 + 90)),
    ]


def test_either_or_requirements_accept_one_alternative(person):
    for i, kind in enumerate(
        ["faq_viewed"] * 5 + ["policy_acknowledged", "wiifm_watched", "training_completed"]
    ):
        record(person, kind, T0 + timedelta(minutes=i))
    record(person, "office_hours_attended", T0 + timedelta(days=3))
    tier_attainments_update(staff_id=person.pk)
    assert (4, T0 + timedelta(days=3), T0 + timedelta(days=93)) in periods(person)


def test_recompute_writes_only_differences(person):
    for i in range(5):
        record(person, "faq_viewed", T0 + timedelta(hours=i))
    record(person, "policy_acknowledged", T0)
    first = tier_attainments_recompute()
    second = tier_attainments_recompute()
    assert (first.created, first.deleted) == (1, 0)
    assert (second.created, second.deleted) == (0, 0)


def test_recompute_follows_a_changed_requirement(person):
    for i in range(5):
        record(person, "faq_viewed", T0 + timedelta(hours=i))
    record(person, "policy_acknowledged", T0)
    tier_attainments_recompute()
    Requirement.objects.filter(tier__order=1, event_kind="faq_viewed").update(min_count=6)
    result = tier_attainments_recompute()
    assert result.deleted == 1
    assert periods(person) == []


def test_a_tier_without_requirements_blocks_the_tiers_above(person):
    for i, kind in enumerate(["faq_viewed"] * 5 + ["policy_acknowledged", "training_completed"]):
        record(person, kind, T0 + timedelta(minutes=i))
    Requirement.objects.filter(tier__order=2).delete()
    tier_attainments_recompute()
    assert [order for order, _, _ in periods(person)] == [1]
    assert Tier.objects.count() == 5


def test_editing_a_tier_in_the_admin_recomputes(
    client, community_manager, person, django_capture_on_commit_callbacks
):
    for i in range(5):
        record(person, "faq_viewed", T0 + timedelta(hours=i))
    record(person, "policy_acknowledged", T0)
    tier_attainments_recompute()
    tier = Tier.objects.get(order=1)
    requirements = list(tier.requirements.all())
    form = {
        "order": "1",
        "name": "Aware",
        "description": tier.description,
        "requirements-TOTAL_FORMS": str(len(requirements)),
        "requirements-INITIAL_FORMS": str(len(requirements)),
        "requirements-MIN_NUM_FORMS": "1",
        "requirements-MAX_NUM_FORMS": "1000",
    }
    for i, r in enumerate(requirements):
        form |= {
            f"requirements-{i}-id": str(r.pk),
            f"requirements-{i}-event_kind": r.event_kind,
            f"requirements-{i}-subject": "",
            f"requirements-{i}-min_count": "6" if r.event_kind == "faq_viewed" else "1",
            f"requirements-{i}-window_days": "",
            f"requirements-{i}-either_group": "",
            f"requirements-{i}-ORDER": str(i + 1),
            f"requirements-{i}-DELETE": "",
        }
    client.force_login(community_manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/snippets/portal/tier/edit/{tier.pk}/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Requirement.objects.get(tier=tier, event_kind="faq_viewed").min_count == 6
    assert periods(person) == []


def test_times_keep_every_microsecond(person):
    # SQLite's date functions round fractions of a second; a period must start at the exact
    # instant of the event that completed it.
    when = datetime(2026, 10, 27, 20, 13, 40, 999_790, tzinfo=UTC)
    for i in range(5):
        record(person, "faq_viewed", when - timedelta(hours=i + 1))
    record(person, "policy_acknowledged", when)
    tier_attainments_update(staff_id=person.pk)
    tier_attainments_recompute()
    assert periods(person) == [(1, when, None)]
    assert tier_attainments_recompute().created == 0


@pytest.mark.parametrize("history", [10, 1_000])
def test_incremental_update_queries_do_not_grow_with_history(
    person, django_assert_num_queries, history
):
    EngagementEvent.objects.bulk_create(
        EngagementEvent(
            staff=person,
            kind="community_contributed" if i % 2 else "faq_viewed",
            subject=f"entry-{i}",
            occurred_at=T0 + timedelta(hours=i),
            source="test",
            idempotency_key=f"history:{i}",
        )
        for i in range(history)
    )
    tier_attainments_update(staff_id=person.pk)
    record(person, "policy_acknowledged", T0 + timedelta(days=1))
    # tiers, requirements, a savepoint, the writers' lock (PostgreSQL only: `tiers.locks`) and
    # the person's row lock, one query per requirement (7 by default), the stored periods, one
    # insert of the new period, the savepoint's release
    with django_assert_num_queries(14 + (connection.vendor == "postgresql")):
        tier_attainments_update(staff_id=person.pk)
