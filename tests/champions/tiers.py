"""Helpers for the champion tests: give a person a tier through the event log, as they would."""

import itertools
from datetime import timedelta

from django.utils import timezone

from portal.tiers.services import engagement_record, tier_attainments_update

_keys = itertools.count()

# What the default tiers ask for, tier by tier (portal/migrations/0005_default_tiers.py).
ASKS = {
    1: [("faq_viewed", f"entry-{n}") for n in range(5)] + [("policy_acknowledged", "")],
    2: [("wiifm_watched", "")],
    3: [("training_completed", "module-1")],
    4: [("office_hours_attended", "session-1")],
}


def reach(person, order: int) -> None:
    """Record what tiers 1 to `order` (at most 4) ask of `person`, a day ago, and bring their
    attainments up to date (as the event's commit would)."""
    when = timezone.now() - timedelta(days=1)
    for tier in range(1, order + 1):
        for kind, subject in ASKS[tier]:
            engagement_record(
                staff=person,
                kind=kind,
                subject=subject,
                source="test",
                occurred_at=when,
                idempotency_key=f"reach:{person.pk}:{kind}:{subject}:{next(_keys)}",
            )
    tier_attainments_update(staff_id=person.pk)
