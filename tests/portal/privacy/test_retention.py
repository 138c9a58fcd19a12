"""EVENT_RETENTION_MONTHS: events older than the period keep only what tiers are computed
from, so nobody's tiers change; newer events, and every event while it is unset, keep all."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from portal.factories import StaffFactory
from portal.models import EngagementEvent, TierAttainment
from portal.privacy.retention import events_pseudonymise_old, retention_cutoff
from portal.tasks import privacy_events_retention
from portal.tiers.services import tier_attainments_recompute

pytestmark = pytest.mark.django_db
NOW = timezone.now()  # the task reads the clock: the events are placed around it


def _event(staff, kind: str, at: datetime, n: int, **metadata):
    return EngagementEvent.objects.create(
        staff=staff,
        kind=kind,
        subject=str(n),
        occurred_at=at,
        source="web",
        metadata=metadata,
        idempotency_key=f"{kind}:{staff.pk}:{n}",
    )


@pytest.fixture
def history(db):
    staff = StaffFactory()
    old = [
        _event(staff, "faq_viewed", NOW - timedelta(days=300 + n), n, entry=f"Entry {n}")
        for n in range(5)
    ]
    old.append(
        _event(staff, "policy_acknowledged", NOW - timedelta(days=250), 9, policy=1, title="v1")
    )
    recent = _event(staff, "quiz_passed", NOW - timedelta(days=20), 10, score=90)
    return staff, old, recent


def test_old_events_lose_their_details_and_keep_what_tiers_read(history):
    staff, old, recent = history
    assert events_pseudonymise_old(now=NOW, months=6) == len(old)
    for event in old:
        before = (event.kind, event.subject, event.occurred_at, event.idempotency_key)
        event.refresh_from_db()
        assert event.metadata == {}
        assert (event.kind, event.subject, event.occurred_at, event.idempotency_key) == before
    recent.refresh_from_db()
    assert recent.metadata == {"score": 90}
    assert events_pseudonymise_old(now=NOW, months=6) == 0  # the next night finds nothing left


def test_tiers_are_the_same_after_it(history, django_capture_on_commit_callbacks):
    tier_attainments_recompute()
    held = list(TierAttainment.objects.values_list("staff", "tier", "reached_at", "lapsed_at"))
    assert held  # the default Aware tier: five entries read and the rules acknowledged
    events_pseudonymise_old(now=NOW, months=6)
    result = tier_attainments_recompute()
    assert (result.created, result.deleted) == (0, 0)
    assert (
        list(TierAttainment.objects.values_list("staff", "tier", "reached_at", "lapsed_at")) == held
    )


def test_nothing_happens_while_it_is_unset(history, settings):
    settings.EVENT_RETENTION_MONTHS = 0
    assert privacy_events_retention() == 0
    assert not EngagementEvent.objects.filter(metadata={}).exists()
    settings.EVENT_RETENTION_MONTHS = 6
    assert privacy_events_retention() == len(history[1])  # not the recent one


def test_the_daily_task_is_scheduled(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["privacy-events-retention"]
    assert entry["task"] == privacy_events_retention.name


@pytest.mark.parametrize(
    "now, months, cutoff",
    [
        (datetime(2026, 9, 15, tzinfo=UTC), 6, datetime(2026, 3, 15, tzinfo=UTC)),
        (datetime(2026, 3, 31, tzinfo=UTC), 1, datetime(2026, 2, 28, tzinfo=UTC)),
        (datetime(2028, 3, 31, tzinfo=UTC), 1, datetime(2028, 2, 29, tzinfo=UTC)),
        (datetime(2026, 1, 10, tzinfo=UTC), 13, datetime(2024, 12, 10, tzinfo=UTC)),
        (datetime(2026, 12, 1, tzinfo=UTC), 12, datetime(2025, 12, 1, tzinfo=UTC)),
    ],
)
def test_months_are_calendar_months(now, months, cutoff):
    assert retention_cutoff(months=months, now=now) == cutoff
