"""What the nudge tests share: a fixed moment, people placed in a department and location, the
events they did, a nudge switched on, and people one step from Informed."""

import itertools
import re
from datetime import UTC, datetime, timedelta

from notifications.models import NudgeRule
from notifications.nudges import Check, nudge_rules
from portal.factories import RoleFactory, StaffFactory, UserFactory
from portal.models import Role
from portal.tiers.models import EngagementEvent
from portal.tiers.services import tier_attainments_recompute

NOW = datetime(2027, 3, 10, 12, 0, tzinfo=UTC)
serial = itertools.count()
AWARE = [("faq_viewed", f"entry-{n}") for n in range(5)] + [("policy_acknowledged", "v1")]


def person(place, role, *, user=True, active=True, manager=None, name=None, start=None):
    return StaffFactory(
        role=role,
        user=UserFactory() if user else None,
        active=active,
        manager=manager,
        start_date=start,
        **({"display_name": name} if name else {}),
        **place,
    )


def did(people, plan, *, at=NOW - timedelta(days=2)):
    """Each person did each (kind, subject) of `plan` at `at` (bulk, as the seeder writes)."""
    EngagementEvent.objects.bulk_create(
        EngagementEvent(
            staff=p,
            kind=kind,
            subject=subject,
            occurred_at=at,
            source="test",
            idempotency_key=f"nudge-test:{next(serial)}",
        )
        for p in people
        for kind, subject in plan
    )


def switch_on(key, **fields):
    nudge_rules()
    NudgeRule.objects.filter(type=key).update(enabled=True, **fields)
    return NudgeRule.objects.get(type=key)


def check(now, since):
    """An evaluation at `now` after one at `since`, by a nudge nobody has had yet."""
    return Check.of(nudge="", now=now, since=since, every_days=7)


def users(candidates):
    return sorted(c.user_id for c in candidates)


def one_steps(tiers, place, n=1, *, at=NOW - timedelta(days=2), **options):
    """`n` people (with accounts) one step from Informed: Aware (since `at`), the video left."""
    role = Role.objects.filter(name="Seller").first() or RoleFactory(
        name="Seller", target_tier=tiers["Trained"]
    )
    people = [person(place, role, **options) for _ in range(n)]
    did(people, AWARE, at=at)
    tier_attainments_recompute()
    return people


def tokens_out(text):
    """A message with its signed tokens (per notification, per person) made comparable."""
    return re.sub(r"/notifications/(go|unsubscribe)/[^/\s>|\"]+/", r"/notifications/\1/T/", text)
