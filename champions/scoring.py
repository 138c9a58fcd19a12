"""The champion score: evidence from the event log and nominations, weighted, and explained.

Each signal is a count per person (tier reached, modules completed, office hours attended and
hosted, community posts and replies in the last 90 days, accepted solutions, colleagues who
nominated them, colleagues they nominated). The score is the sum of count x weight, so every
point can be traced to a piece of evidence: `breakdown` returns exactly the terms of the sum.

Set-wise: one GROUP BY over the events of the kinds that count (the same work as the baseline in
`make bench`), a handful of small queries, then pandas arithmetic over one row per person.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

import pandas as pd
from django.db import connection
from django.db.models import Count, F, Max, Q
from django.utils import timezone

from portal.people.models import Staff
from portal.tiers.models import EngagementEvent
from portal.tiers.selectors import attainments_held

from .models import NominationReason, ScoreSettings

WINDOW_DAYS = 90


@dataclass(frozen=True)
class Signal:
    name: str  # a ScoreSettings field: its weight
    label: str  # "Office hours attended"


SIGNALS = (
    Signal("tier", "Tier reached"),
    Signal("training", "Training modules completed"),
    Signal("attended", "Office hours attended"),
    Signal("hosted", "Office hours hosted"),
    Signal("contributions", f"Community posts and replies, last {WINDOW_DAYS} days"),
    Signal("solutions", "Accepted solutions"),
    Signal("nominations", "Colleagues who nominated them"),
    Signal("brought_along", "Colleagues they nominated"),
)
NAMES = [s.name for s in SIGNALS]


def weights_of(settings: ScoreSettings) -> pd.Series:
    return pd.Series({name: float(getattr(settings, name)) for name in NAMES})


def signals_frame(*, now: datetime | None = None, staff_ids=None) -> pd.DataFrame:
    """One row per active person (index: staff id), one column per signal, counts as floats.

    Everyone by default; `staff_ids` narrows it (one person's breakdown) with the same code."""
    now = now or timezone.now()
    people = Staff.objects.filter(active=True)
    if staff_ids is not None:
        people = people.filter(pk__in=list(staff_ids))
    people = pd.Index(people.values_list("pk", flat=True), name="staff_id")
    frame = pd.DataFrame(0.0, index=people, columns=NAMES)
    if people.empty:
        return frame
    since = now - timedelta(days=WINDOW_DAYS)
    counts = _event_counts(since, staff_ids)
    frame.update(counts.reindex(frame.index).fillna(0))
    tiers = pd.Series(
        dict(
            attainments_held(at=now)
            .values("staff_id")
            .annotate(top=Max("tier__order"))
            .values_list("staff_id", "top")
        ),
        dtype=float,
    )
    frame["tier"] = tiers.reindex(frame.index).fillna(0)
    frame["hosted"] = _hosted(now).reindex(frame.index).fillna(0)
    others = NominationReason.objects.exclude(nomination__nominee_id=F("nominator_id"))
    received = pd.Series(
        dict(
            others.values("nomination__nominee_id")
            .annotate(n=Count("nominator_id", distinct=True))
            .values_list("nomination__nominee_id", "n")
        ),
        dtype=float,
    )
    frame["nominations"] = received.reindex(frame.index).fillna(0)
    made = pd.Series(
        dict(
            others.values("nominator_id")
            .annotate(n=Count("nomination__nominee_id", distinct=True))
            .values_list("nominator_id", "n")
        ),
        dtype=float,
    )
    frame["brought_along"] = made.reindex(frame.index).fillna(0)
    return frame


def _event_counts(since: datetime, staff_ids=None) -> pd.DataFrame:
    """The one pass over the event log: counts per person of each event signal.

    Grouped by (person, kind, subject) in the database, then summed here: a distinct count
    in SQL (trainings by module) makes PostgreSQL read the whole log in person order through
    an index, about three times the plain GROUP BY; this is one hashed pass, and the groups
    are few (a person's modules and kinds of contribution)."""
    events = EngagementEvent.objects.filter(
        kind__in=["training_completed", "office_hours_attended", "community_contributed"]
    )
    if staff_ids is not None:
        events = events.filter(staff_id__in=list(staff_ids))
    groups = (
        events.order_by()
        .values("staff_id", "kind", "subject")
        .annotate(total=Count("id"), recent=Count("id", filter=Q(occurred_at__gte=since)))
        .values_list("staff_id", "kind", "subject", "total", "recent")
    )
    with connection.cursor() as cursor:  # skip model instances: the tuples straight in
        sql, params = groups.query.sql_with_params()
        cursor.execute(sql, params)
        data = pd.DataFrame(
            cursor.fetchall(), columns=["staff_id", "kind", "subject", "total", "recent"]
        )
    contributed = data["kind"] == "community_contributed"
    signals = {
        "training": data["kind"] == "training_completed",  # one row per module: distinct
        "attended": data["kind"] == "office_hours_attended",
        "contributions": contributed & data["subject"].isin(["post", "reply"]),
        "solutions": contributed & (data["subject"] == "solution"),
    }
    values = {
        "training": pd.Series(1, index=data.index),
        "attended": data["total"],
        "contributions": data["recent"],
        "solutions": data["total"],
    }
    columns = {
        name: values[name].where(chosen, 0).groupby(data["staff_id"]).sum()
        for name, chosen in signals.items()
    }
    return pd.DataFrame(columns, columns=list(signals)).fillna(0).astype(float)


def _hosted(now: datetime) -> pd.Series:
    """Office hours each person hosted that have happened (hosts are accounts; map to staff)."""
    from django.apps import apps

    if not apps.is_installed("officehours"):
        return pd.Series(dtype=float)
    from officehours.models import Occurrence

    per_user = dict(
        Occurrence.objects.filter(starts_at__lt=now, status=Occurrence.Status.SCHEDULED)
        .values("series__hosts")
        .annotate(n=Count("id"))
        .filter(series__hosts__isnull=False)
        .values_list("series__hosts", "n")
    )
    if not per_user:
        return pd.Series(dtype=float)
    staff_of = dict(Staff.objects.filter(user_id__in=list(per_user)).values_list("user_id", "pk"))
    return pd.Series(
        {staff_of[u]: float(n) for u, n in per_user.items() if u in staff_of}, dtype=float
    )


def points_frame(signals: pd.DataFrame, settings: ScoreSettings) -> pd.DataFrame:
    """Points per signal (count x weight) and their sum, `score`, per person."""
    points = signals[NAMES].mul(weights_of(settings), axis=1)
    points["score"] = points.sum(axis=1)
    return points


def breakdown(signals: pd.Series, settings: ScoreSettings) -> list[dict]:
    """One person's score, term by term: what each piece of evidence contributed."""
    return [
        {
            "signal": s.name,
            "label": s.label,
            "count": float(signals[s.name]),
            "weight": float(getattr(settings, s.name)),
            "points": float(signals[s.name]) * float(getattr(settings, s.name)),
        }
        for s in SIGNALS
    ]


def review_cutoff(scores: pd.Series, settings: ScoreSettings) -> float:
    """The lowest score that lands in the review queue: the threshold, or the top percentile
    when that reaches lower. Nobody with no evidence at all is a candidate."""
    cutoff = settings.threshold
    positive = scores[scores > 0]
    if settings.top_percent > 0 and not positive.empty:
        cutoff = min(cutoff, float(scores.quantile(1 - settings.top_percent / 100)))
    return max(cutoff, 1e-9)
