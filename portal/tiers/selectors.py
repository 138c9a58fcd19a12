"""Reads for tiers: a person's path. A fixed number of queries, whatever their history."""

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from ..people.models import Staff
from . import events
from .models import EngagementEvent, Requirement, Tier, TierAttainment


@dataclass(frozen=True)
class RequirementProgress:
    text: str
    done: bool
    count: int
    needed: int
    url: str
    either_group: int | None  # requirements sharing a group are alternatives
    kind: str = ""  # the event kind's code


@dataclass
class TierStep:
    tier: Tier
    held: bool
    reached_at: datetime | None
    lapses_at: datetime | None
    is_target: bool
    requirements: list[RequirementProgress] = field(default_factory=list)


@dataclass(frozen=True)
class Period:
    tier: Tier
    reached_at: datetime
    lapsed_at: datetime | None


@dataclass
class MyPath:
    staff: Staff
    target: Tier | None
    current: Tier | None
    steps: list[TierStep]
    next_tier: Tier | None
    next_steps: list[RequirementProgress]
    history: list[Period]

    @property
    def next_step(self) -> RequirementProgress | None:
        """The one thing to do next: the first outstanding step that has a place to do it."""
        return next((r for r in self.next_steps if r.url), None)

    @property
    def at_target(self) -> bool:
        return (
            self.target is not None
            and self.current is not None
            and (self.current.order >= self.target.order)
        )


def attainments_held(*, at: datetime | None = None) -> QuerySet[TierAttainment]:
    """The periods in force at `at` (now by default): reached, and not (yet) lapsed."""
    at = at or timezone.now()
    return TierAttainment.objects.filter(
        Q(lapsed_at__isnull=True) | Q(lapsed_at__gt=at), reached_at__lte=at
    )


def my_path(*, staff: Staff, now: datetime | None = None) -> MyPath:
    """Where `staff` stands: tiers held, what each asks and how far along they are, what next.

    Four queries: tiers with their requirements (2), the person's attainment periods, and one
    aggregate counting their events per requirement; then whatever the apps need to find the
    exact place of each outstanding step (a few, see `EventKind.where_for`).
    """
    now = now or timezone.now()
    tiers = list(Tier.objects.prefetch_related("requirements"))
    periods = [
        Period(tier=a.tier, reached_at=a.reached_at, lapsed_at=a.lapsed_at)
        for a in staff.attainments.select_related("tier").order_by("reached_at", "tier__order")
    ]
    counts = _requirement_counts(staff, [r for t in tiers for r in t.requirements.all()], now)
    target = staff.role.target_tier if staff.role_id and staff.role.target_tier_id else None

    steps = []
    for tier in tiers:
        current = next(
            (
                p
                for p in periods
                if p.tier.pk == tier.pk
                and p.reached_at <= now
                and (p.lapsed_at is None or p.lapsed_at > now)
            ),
            None,
        )
        steps.append(
            TierStep(
                tier=tier,
                held=current is not None,
                reached_at=current.reached_at if current else None,
                lapses_at=current.lapsed_at if current else None,
                is_target=target is not None and tier.pk == target.pk,
                requirements=[_progress(r, counts[r.pk]) for r in tier.requirements.all()],
            )
        )
    held = [s for s in steps if s.held]
    missing = next((s for s in steps if not s.held), None)
    return MyPath(
        staff=staff,
        target=target,
        current=held[-1].tier if held else None,
        steps=steps,
        next_tier=missing.tier if missing else None,
        next_steps=_outstanding(missing.requirements, staff) if missing else [],
        history=list(reversed(periods)),
    )


def _requirement_counts(staff: Staff, requirements: list[Requirement], now) -> dict[int, int]:
    if not requirements:
        return {}
    aggregates = {}
    for r in requirements:
        condition = Q(kind=r.event_kind, occurred_at__lte=now)
        if r.subject:
            condition &= Q(subject=r.subject)
        if r.window_days:
            condition &= Q(occurred_at__gt=now - timedelta(days=r.window_days))
        if r.ended_by:  # only events after the last ending one count (as in the engine)
            condition &= ~Exists(
                EngagementEvent.objects.filter(
                    staff=staff,
                    kind=r.ended_by,
                    occurred_at__gte=OuterRef("occurred_at"),
                    occurred_at__lte=now,
                )
            )
        aggregates[f"r{r.pk}"] = (
            Count("subject", filter=condition, distinct=True)
            if r.distinct_subjects
            else Count("pk", filter=condition)
        )
    kinds = {r.event_kind for r in requirements}
    totals = EngagementEvent.objects.filter(kind__in=kinds, staff=staff).aggregate(**aggregates)
    return {r.pk: totals[f"r{r.pk}"] for r in requirements}


def _progress(requirement: Requirement, count: int) -> RequirementProgress:
    kind = events.registry.get(requirement.event_kind)
    return RequirementProgress(
        text=requirement.describe(),
        done=count >= requirement.min_count,
        count=min(count, requirement.min_count),
        needed=requirement.min_count,
        url=kind.url if kind else "",
        either_group=requirement.either_group,
        kind=requirement.event_kind,
    )


def _outstanding(
    requirements: list[RequirementProgress], staff: Staff
) -> list[RequirementProgress]:
    """What is left to do: unmet requirements, leaving out alternatives already covered, each
    linked to the exact place for this person where the app knows it."""
    covered = {r.either_group for r in requirements if r.done and r.either_group is not None}
    return [
        replace(r, url=kind.url_for(staff)) if (kind := events.registry.get(r.kind)) else r
        for r in requirements
        if not r.done and (r.either_group is None or r.either_group not in covered)
    ]


def next_step_for(user) -> tuple[MyPath | None, RequirementProgress | None]:
    """A signed-in person's path and the one step to take next (None when they hold every tier
    or are not in the directory)."""
    staff = (
        Staff.objects.select_related("role__target_tier").filter(user=user).first()
        if user.is_authenticated
        else None
    )
    if staff is None:
        return None, None
    path = my_path(staff=staff)
    return path, path.next_step
