"""Six months of believable engagement for the demo organisation.

Each person gets a level of involvement and the events that level takes, spread over the last
180 days; some people were engaged months ago and have since lapsed. Events go in through the
same table the service writes (idempotency keys make re-runs harmless), then one recompute
derives every attainment, exactly as the nightly job would.
"""

import random
from datetime import datetime, timedelta

from django.utils import timezone

from ..people.models import Staff
from .models import EngagementEvent
from .services import tier_attainments_recompute

# Share of people at each level: 0 nothing, 1 Aware, 2 Informed, 3 Trained, 4 Engaged,
# 4.5 engaged long ago (now lapsed), 5 Champion.
LEVELS = [(0, 0.12), (0.5, 0.1), (1, 0.2), (2, 0.18), (3, 0.17), (4, 0.12), (4.5, 0.07), (5, 0.04)]
DEMO_LEVELS = {"D00001": 1, "D00002": 4.5, "D00003": 2, "D00004": 5, "D00005": 0.5}


def demo_history_ensure(*, people: list[Staff], rng: random.Random, now: datetime | None = None):
    now = now or timezone.now()
    rows = []
    for person in people:
        if not person.active:
            continue
        level = DEMO_LEVELS.get(person.employee_id) or _level(rng)
        events = _history(level, rng, now)
        rows += [
            EngagementEvent(
                staff=person,
                kind=kind,
                subject=subject,
                occurred_at=when,
                source="demo",
                idempotency_key=f"demo:{person.employee_id}:{i}",
            )
            for i, (kind, subject, when) in enumerate(events)
        ]
    EngagementEvent.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    return tier_attainments_recompute()


def _level(rng: random.Random) -> float:
    pick, total = rng.random(), 0.0
    for level, share in LEVELS:
        total += share
        if pick < total:
            return level
    return 0


def _history(level: float, rng: random.Random, now: datetime) -> list[tuple[str, str, datetime]]:
    events = []
    day = rng.uniform(100, 178)

    def at(days_ago: float) -> datetime:
        return now - timedelta(days=days_ago, minutes=rng.randint(0, 600))

    if level == 0:
        return events
    readings = rng.randint(5, 9) if level >= 1 else rng.randint(1, 3)
    for entry in rng.sample(range(1, 31), readings):  # different entries, as Aware asks
        events.append(("faq_viewed", f"faq-{entry}", at(day)))
        day -= rng.uniform(0, 2)
    if level < 1:
        return events
    events.append(("policy_acknowledged", "v1", at(day)))  # the demo rules are version 1
    if level >= 2:
        day -= rng.uniform(1, 10)
        events.append(("wiifm_watched", "", at(day)))
    if level >= 3:
        day -= rng.uniform(2, 15)
        events.append(("training_completed", "", at(day)))
    if level == 4.5:  # engaged, then went quiet: the Engaged tier has lapsed
        for _ in range(rng.randint(3, 6)):
            events.append(("community_contributed", "reply", at(rng.uniform(95, day))))
    elif level >= 4:
        recent = min(day, 80)
        if rng.random() < 0.5:
            events.append(("office_hours_attended", "", at(rng.uniform(1, recent))))
        for _ in range(rng.randint(3, 12)):
            kind = rng.choice(["post", "reply", "reply", "solution"])
            events.append(("community_contributed", kind, at(rng.uniform(0.5, recent))))
    if level >= 5:
        events.append(("champion_joined", "", at(rng.uniform(10, 60))))
    return events
