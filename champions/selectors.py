"""Reads for the champion programme: the review queue, one person's score, coverage by team,
the directory, and the champion report. Each is a fixed number of queries (plus, for the
queue and coverage, the scoring pass over the event log)."""

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pandas as pd
from django.db.models import Count, F, Q
from django.utils import timezone

from portal.people.models import Department, Location, Staff
from portal.tiers import events
from portal.tiers.models import EngagementEvent

from . import scoring
from .models import Champion, Nomination, ScoreSettings

S = Champion.Status
OUT_OF_QUEUE = (S.INVITED, S.ACTIVE, S.ALUMNI, S.DISMISSED, S.DECLINED)
DEFER_DAYS = 90  # a deferred candidate comes back to the queue after this long


@dataclass
class Candidate:
    staff: Staff
    score: float
    breakdown: list[dict]
    status: str = S.CANDIDATE


def _scored(now: datetime, settings: ScoreSettings) -> tuple[pd.DataFrame, pd.DataFrame]:
    signals = scoring.signals_frame(now=now)
    return signals, scoring.points_frame(signals, settings)


def champion_candidates(*, now: datetime | None = None, limit: int = 100) -> list[Candidate]:
    """The review queue: people at or above the cutoff, best first, not already decided on.

    People a manager deferred come back after 90 days; invited, active, alumni, dismissed and
    declined people do not come back by themselves."""
    now = now or timezone.now()
    settings = ScoreSettings.current()
    signals, points = _scored(now, settings)
    if points.empty:
        return []
    cutoff = scoring.review_cutoff(points["score"], settings)
    decided = Champion.objects.filter(
        Q(status__in=OUT_OF_QUEUE)
        | Q(status=S.DEFERRED, updated_at__gt=now - timedelta(days=DEFER_DAYS))
    ).values_list("staff_id", flat=True)
    eligible = points[(points["score"] >= cutoff) & ~points.index.isin(list(decided))]
    top = eligible.sort_values("score", ascending=False, kind="stable").head(limit)
    return _candidates(top.index, signals, points, settings)


def _people(ids) -> dict[int, Staff]:
    return Staff.objects.select_related("department", "role", "location").in_bulk(list(ids))


def _candidates(ids, signals, points, settings, people=None) -> list[Candidate]:
    people = people if people is not None else _people(ids)
    return [
        Candidate(
            staff=people[i],
            score=float(points.at[i, "score"]),
            breakdown=scoring.breakdown(signals.loc[i], settings),
        )
        for i in ids
        if i in people
    ]


def champions_active() -> list[Champion]:
    """Active champions, longest-serving first (for the programme's own screens)."""
    return list(
        Champion.objects.filter(status=S.ACTIVE)
        .select_related("staff__department")
        .order_by("active_since", "pk")
    )


# Coverage


@dataclass
class CoverageRow:
    name: str
    staff: int
    champions: int
    target: int
    best: list[Candidate] = field(default_factory=list)

    @property
    def gap(self) -> int:
        return max(0, self.target - self.champions)

    @property
    def none(self) -> bool:
        return self.champions == 0


def coverage(*, by: str = "department", now: datetime | None = None) -> list[CoverageRow]:
    """Active champions per department (or location) against the target: one per N staff, and
    at least one. Teams without a champion come first, each with its best three candidates."""
    now = now or timezone.now()
    settings = ScoreSettings.current()
    column = "department_id" if by == "department" else "location_id"
    model = Department if by == "department" else Location
    names = dict(model.objects.values_list("pk", "name"))
    people = pd.DataFrame(
        Staff.objects.filter(active=True).values_list("pk", column),
        columns=["staff_id", "team"],
    ).set_index("staff_id")
    active = set(Champion.objects.filter(status=S.ACTIVE).values_list("staff_id", flat=True))
    taken = set(Champion.objects.filter(status__in=OUT_OF_QUEUE).values_list("staff_id", flat=True))
    signals, points = _scored(now, settings)
    people["champion"] = people.index.isin(list(active))
    people["score"] = points["score"].reindex(people.index).fillna(0)
    teams = []
    for team, group in people.groupby("team", dropna=True):
        best = group[~group.index.isin(list(taken)) & (group["score"] > 0)]
        best = best.sort_values("score", ascending=False, kind="stable").head(3)
        teams.append((team, group, best.index))
    named = _people(i for _, _, best in teams for i in best)  # one query for every team
    rows = [
        CoverageRow(
            name=names.get(team, "?"),
            staff=len(group),
            champions=int(group["champion"].sum()),
            target=max(1, math.ceil(len(group) / settings.staff_per_champion)),
            best=_candidates(best, signals, points, settings, named),
        )
        for team, group, best in teams
    ]
    rows.sort(key=lambda r: (not r.none, -r.gap, r.name))
    return rows


# The directory


def directory(*, department_id=None, location_id=None, focus: str = "") -> dict:
    """Active champions who published a profile, filtered; and how many others there are
    (counted, never named: nothing personal is shown without the opt-in)."""
    active = Champion.objects.filter(status=S.ACTIVE, staff__active=True)
    if department_id:
        active = active.filter(staff__department_id=department_id)
    if location_id:
        active = active.filter(staff__location_id=location_id)
    public = active.filter(public_profile=True)
    if focus:
        public = public.filter(focus_areas__icontains=focus)
    return {
        "champions": list(
            public.select_related("staff__department", "staff__location", "staff__role").order_by(
                "staff__display_name"
            )
        ),
        "unlisted": active.filter(public_profile=False).count(),
    }


# The champion report


def champion_report(*, now: datetime | None = None) -> dict:
    """For leaders and community managers: who is active, the pipeline, the gaps, and what the
    champions did this month."""
    now = now or timezone.now()
    month_start = timezone.localtime(now).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    pipeline = dict(Champion.objects.values_list("status").annotate(n=Count("pk")))
    # What they did as champions: this month, and not before they joined.
    activity = dict(
        EngagementEvent.objects.filter(
            Q(occurred_at__gte=month_start),
            Q(occurred_at__gte=F("staff__champion__active_since")),
            staff__champion__status=S.ACTIVE,
        )
        .values_list("kind")
        .annotate(n=Count("pk"))
    )
    rows = coverage(now=now)
    return {
        "now": now,
        "month_start": month_start,
        "active": list(
            Champion.objects.filter(status=S.ACTIVE)
            .select_related("staff__department", "staff__location")
            .order_by("staff__department__name", "staff__display_name")
        ),
        # Candidates are computed, not stored (the review queue); the rest are decisions.
        "pipeline": [(label, pipeline.get(v, 0)) for v, label in S.choices if v != S.CANDIDATE],
        "nominations": Nomination.objects.count(),
        "coverage": rows,
        "gaps": [row for row in rows if row.gap],
        "activity": [
            (events.registry[kind].label if kind in events.registry else kind, n)
            for kind, n in sorted(activity.items(), key=lambda kv: -kv[1])
        ],
    }
