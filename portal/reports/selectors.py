"""The adoption report's numbers, from the maintained tier attainments (never the event log).

Two queries bring the people in scope (whole numbers and a date) and their attainment periods
(whole microseconds), plus four small lookups (tiers, roles and their targets, and the
department, role and location names the scope already loaded); everything else is numpy and
pandas over those two frames, so the cost grows with the people in scope, not with their
history. The domain apps' sections (office hours, FAQ, champions) add one or two queries each.

Definitions, in the words the report uses:
- *at target*: holding the tier the person's role asks (tiers are cumulative: holding tier N
  means holding 1..N). People whose role asks no tier are in the funnel, not in the shares.
- a share of a group under five people is withheld (`tables.SUPPRESSED`), in every table.
- *where most stop*: the first tier that most (more than half) of a group has not reached.
- a department *passed* a diffusion threshold (16 % early adopters, 25 % tipping point) on the
  first day its share at target reached it, counting, on each day, the people of today's
  department who had started by then; a department under five such people passes nothing.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
import pandas as pd
from django.db import connection
from django.db.models import CharField
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast
from django.utils import timezone

from ..people.models import Role
from ..tiers.engine import EPOCH, FOREVER, epoch_us_sql
from ..tiers.models import Tier, TierAttainment
from . import sections
from .scope import ReportScope
from .tables import (
    COUNT,
    DATE,
    MIN_GROUP,
    PERCENT,
    SUPPRESSED,
    TEXT,
    Column,
    Table,
    cell_text,
    count,
    share,
)

DAY_US = 86_400_000_000
WEEK_US = 7 * DAY_US
NEVER = np.iinfo(np.int64).min  # "started before anything": a start date nobody knows
THRESHOLDS = ((0.16, "Early adopters"), (0.25, "Tipping point"))
PEOPLE_ON_SCREEN = 50
COHORT_QUARTERS = 8  # quarters shown one by one; earlier starters form one cohort


@dataclass(frozen=True)
class Headline:
    people: int | type(SUPPRESSED)
    with_target: int | type(SUPPRESSED)
    at_target: int | type(SUPPRESSED)
    share: float | type(SUPPRESSED) | None
    share_last_week: float | type(SUPPRESSED) | None
    change: float | type(SUPPRESSED) | None  # in share, since a week ago
    reached_this_week: int | type(SUPPRESSED)
    fell_below_this_week: int | type(SUPPRESSED)
    passed_this_week: list[str] = field(default_factory=list)  # "Sales passed 25 %"


@dataclass
class Adoption:
    """Everything the dashboard, the PDF and the spreadsheets show, for one scope."""

    scope: ReportScope
    now: datetime
    tiers: list[tuple[int, str]]  # (order, name)
    headline: Headline
    trend: Table
    funnel: Table
    breakdowns: list[Table]  # by department, role, location
    cohorts: Table
    curve: Table
    people: Table | None  # named rows: only where names may be shown
    people_total: int = 0
    extra: list[Table] = field(default_factory=list)  # the domain apps' sections

    def tables(self) -> list[Table]:
        """Every table, in the order of the report."""
        named = [self.people] if self.people is not None else []
        return [
            self.trend,
            self.funnel,
            *self.breakdowns,
            self.cohorts,
            self.curve,
            *self.extra,
            *named,
        ]


def to_us(moment: datetime) -> int:
    delta = moment - EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def from_us(value: int) -> datetime:
    return EPOCH + timedelta(microseconds=int(value))


def adoption_report(*, scope: ReportScope, now: datetime | None = None) -> Adoption:
    """The whole adoption report for `scope`, as of `now`."""
    now = now or timezone.now()
    now_us = to_us(now)
    tiers = list(Tier.objects.order_by("order").values_list("pk", "order", "name"))
    orders = [order for _, order, _ in tiers]
    names = {order: name for _, order, name in tiers}
    people = _people_frame(scope, {pk: order for pk, order, _ in tiers})
    periods = _periods_frame(scope, {pk: order for pk, order, _ in tiers})
    _derive(people, periods, now_us)
    weeks = scope.filters.weeks
    lookups = {name: dict(values) for name, values in scope.choices.items()}
    adoption = Adoption(
        scope=scope,
        now=now,
        tiers=[(o, names[o]) for o in orders],
        headline=_headline(people, periods, now_us, lookups),
        trend=_trend(people, periods, now_us, weeks),
        funnel=_funnel(people, orders, names),
        breakdowns=[
            _breakdown(people, column, title, lookups[column], orders, names)
            for column, title in (
                ("department", "By department"),
                ("role", "By role"),
                ("location", "By location"),
            )
        ],
        cohorts=_cohorts(people, orders, names, now),
        curve=_curve(people, periods, now_us, lookups["department"]),
        people=None,
    )
    if scope.names_visible:
        adoption.people, adoption.people_total = _people_table(people, names, lookups)
    since = now - timedelta(weeks=weeks)
    adoption.extra = sections.tables_for(scope=scope, since=since, now=now)
    return adoption


def adoption_numbers(*, scope: ReportScope, now: datetime | None = None) -> Adoption:
    """The report's own numbers without the domain apps' sections (what the bench times)."""
    return adoption_report(scope=scope, now=now)


# The two frames


def _rows(queryset) -> list[tuple]:
    """A values_list queryset's rows straight from the cursor: its SQL, without the ORM's
    per-row work (a tenth of the time on 100,000 rows). Annotations come after fields."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _people_frame(scope: ReportScope, tier_orders: dict[int, int]) -> pd.DataFrame:
    targets = {
        pk: tier_orders.get(tier, 0)
        for pk, tier in Role.objects.filter(target_tier__isnull=False).values_list(
            "pk", "target_tier_id"
        )
    }
    columns = ["pk", "department_id", "role_id", "location_id"]
    if scope.names_visible:
        columns.append("display_name")
    rows = _rows(
        scope.people()
        .annotate(start=Cast("start_date", CharField()))
        .values_list(*columns, "start")
        .order_by()
    )
    columns = [c.removesuffix("_id") for c in columns]
    people = pd.DataFrame.from_records(rows, columns=[*columns, "start"]).set_index("pk")
    for column in ("department", "role", "location"):
        people[column] = people[column].astype("Int64")
    started = pd.to_datetime(people["start"], format="%Y-%m-%d", utc=True, errors="coerce")
    people["start"] = np.where(
        started.isna(), NEVER, (started - pd.Timestamp(EPOCH)) // pd.Timedelta(microseconds=1)
    ).astype(np.int64)
    people["target"] = people["role"].map(targets).fillna(0).astype(np.int64)
    return people


def _periods_frame(scope: ReportScope, tier_orders: dict[int, int]) -> pd.DataFrame:
    table = TierAttainment._meta.db_table
    rows = _rows(
        TierAttainment.objects.filter(staff__in=scope.people())
        .annotate(
            reached_us=RawSQL(epoch_us_sql(f'"{table}"."reached_at"'), []),  # noqa: S611
            lapsed_us=RawSQL(epoch_us_sql(f'"{table}"."lapsed_at"'), []),  # noqa: S611
        )
        .values_list("staff_id", "tier_id", "reached_us", "lapsed_us")
        .order_by()
    )
    staff, tiers, reached, lapsed = zip(*rows, strict=True) if rows else ((),) * 4
    return pd.DataFrame(
        {
            "staff": np.array(staff, dtype=np.int64),
            "order": np.array([tier_orders.get(t, 0) for t in tiers], dtype=np.int64),
            "reached": np.array(reached, dtype=np.int64),
            # Never lapses: FOREVER, which a float column could not hold exactly.
            "lapsed": np.array([FOREVER if v is None else v for v in lapsed], dtype=np.int64),
        }
    )


def _derive(people: pd.DataFrame, periods: pd.DataFrame, now_us: int) -> None:
    """Add each person's tier now, and mark the periods of their target tier."""
    held = periods[(periods["reached"] <= now_us) & (periods["lapsed"] > now_us)]
    people["current"] = held.groupby("staff")["order"].max().reindex(people.index).fillna(0)
    people["current"] = people["current"].astype(np.int64)
    people["at_target"] = (people["target"] > 0) & (people["current"] >= people["target"])
    target = people["target"].reindex(periods["staff"]).to_numpy()
    start = people["start"].reindex(periods["staff"]).to_numpy()
    periods["is_target"] = (target > 0) & (periods["order"].to_numpy() == target)
    # Counted from the day the person started, if they reached it before (pre-boarding).
    periods["from"] = np.maximum(periods["reached"].to_numpy(), start)
    periods["department"] = people["department"].reindex(periods["staff"]).to_numpy()


def _target_holders(people: pd.DataFrame, periods: pd.DataFrame, at_us: int) -> set:
    tp = periods[periods["is_target"]]
    return set(tp.loc[(tp["from"] <= at_us) & (tp["lapsed"] > at_us), "staff"])


# Sections


def _headline(people, periods, now_us, lookups) -> Headline:
    n = len(people)
    with_target = int((people["target"] > 0).sum())
    at_target = int(people["at_target"].sum())
    week_ago = now_us - WEEK_US
    then = people[(people["target"] > 0) & (people["start"] <= week_ago)]
    holders_then = _target_holders(people, periods, week_ago)
    at_then = int(then.index.isin(list(holders_then)).sum())
    now_set = set(people.index[people["at_target"]])
    reached = len(now_set - holders_then)
    fell = len({s for s in holders_then if s in people.index} - now_set)
    share_now = share(at_target, with_target) if n >= MIN_GROUP else SUPPRESSED
    share_then = share(at_then, len(then)) if n >= MIN_GROUP else SUPPRESSED
    change = (
        share_now - share_then
        if isinstance(share_now, float) and isinstance(share_then, float)
        else SUPPRESSED
    )
    passed = []
    for department, crossings in _crossings(people, periods, now_us).items():
        for (value, _), when in zip(THRESHOLDS, crossings, strict=True):
            if when is not None and when > week_ago:
                label = lookups["department"].get(department, "No department")
                passed.append(f"{label} passed {value:.0%}".replace("%", " %"))
    return Headline(
        people=count(n, n),
        with_target=count(with_target, n),
        at_target=count(at_target, n),
        share=share_now,
        share_last_week=share_then,
        change=change,
        reached_this_week=count(reached, n),
        fell_below_this_week=count(fell, n),
        passed_this_week=passed if n >= MIN_GROUP else [],
    )


def _week_ends(now_us: int, weeks: int) -> list[int]:
    return [now_us - WEEK_US * (weeks - 1 - j) for j in range(weeks)]


def _trend(people, periods, now_us, weeks) -> Table:
    ends = np.array(_week_ends(now_us, weeks), dtype=np.int64)
    targeted = people[people["target"] > 0]
    starts = np.sort(targeted["start"].to_numpy())
    denominators = np.searchsorted(starts, ends, side="right")
    tp = periods[periods["is_target"]]
    held = (tp["from"].to_numpy()[:, None] <= ends) & (tp["lapsed"].to_numpy()[:, None] > ends)
    numerators = held.sum(axis=0)
    rows = []
    for end, num, den in zip(ends, numerators, denominators, strict=True):
        rows.append(
            [
                from_us(end).date(),
                count(int(den), int(den)),
                count(int(num), int(den)),
                share(int(num), int(den)),
            ]
        )
    table = Table(
        key="trend",
        title="Share at target, week by week",
        columns=[
            Column("Week ending", DATE),
            Column("People with a target", COUNT),
            Column("At or above target", COUNT),
            Column("Share at target", PERCENT),
        ],
        rows=rows,
        note="Each week counts the people in this view who had started by then and whose role "
        "asks a tier.",
    )
    first, last = rows[0][3], rows[-1][3]
    if isinstance(first, float) and isinstance(last, float):
        table.summary = (
            f"{cell_text(last, PERCENT)} of people with a target are at or above it, against "
            f"{cell_text(first, PERCENT)} {weeks - 1} weeks earlier."
        )
    else:
        table.summary = "Too few people in this view to show a trend."
    return table


def _tier_columns(orders, names) -> list[Column]:
    return [Column(f"Reached {names[o]}", PERCENT) for o in orders]


def _reach_cells(group: pd.DataFrame, orders) -> list:
    n = len(group)
    current = group["current"].to_numpy()
    return [share(int((current >= o).sum()), n) for o in orders]


def _stall(group: pd.DataFrame, orders, names) -> str | type(SUPPRESSED) | None:
    """The first tier most of the group has not reached (None: most reached every tier)."""
    if len(group) < MIN_GROUP:
        return SUPPRESSED
    current = group["current"].to_numpy()
    for order in orders:
        if (current >= order).sum() * 2 <= len(group):
            return names[order]
    return None


def _funnel(people, orders, names) -> Table:
    n = len(people)
    current = people["current"].to_numpy()
    rows = [["Not started yet", count(n, n), None, count(int((current == 0).sum()), n)]]
    for order in orders:
        rows.append(
            [
                f"{order}. {names[order]}",
                count(int((current >= order).sum()), n),
                share(int((current >= order).sum()), n),
                count(int((current == order).sum()), n),
            ]
        )
    table = Table(
        key="funnel",
        title="The funnel across tiers",
        columns=[
            Column("Tier", TEXT),
            Column("Reached", COUNT),
            Column("Share of people", PERCENT),
            Column("Stopped here", COUNT),
        ],
        rows=rows,
        note="Reached: holds this tier now (and so every tier before it). Stopped here: this "
        "is the highest tier they hold. The first row counts everyone in this view.",
    )
    stall = _stall(people, orders, names)
    if stall is SUPPRESSED:
        table.summary = "Too few people in this view to show the funnel."
    elif stall is None:
        table.summary = "Most people in this view have reached every tier."
    else:
        table.summary = f"Most people in this view have not reached {stall} yet."
    return table


def _group_label(value, lookup: dict, missing: str) -> str:
    return missing if pd.isna(value) else lookup.get(int(value), "?")


def _breakdown(people, column, title, lookup, orders, names) -> Table:
    missing = f"No {column}"
    rows = []
    for value, group in people.groupby(column, dropna=False, sort=False):
        n = len(group)
        targeted = int((group["target"] > 0).sum())
        at = int(group["at_target"].sum())
        rows.append(
            [
                _group_label(value, lookup, missing),
                count(n, n),
                count(at, n),
                share(at, targeted) if n >= MIN_GROUP else SUPPRESSED,
                *_reach_cells(group, orders),
                _stall(group, orders, names),
            ]
        )
    rows.sort(key=lambda r: (r[0] == missing, r[0].lower()))
    suppressed = sum(1 for r in rows if r[1] is SUPPRESSED)
    return Table(
        key=f"by_{column}",
        title=title,
        columns=[
            Column(column.capitalize(), TEXT),
            Column("People", COUNT),
            Column("At or above target", COUNT),
            Column("Share at target", PERCENT),
            *_tier_columns(orders, names),
            Column("Most have not reached", TEXT),
        ],
        rows=rows,
        summary=f"{len(rows)} groups"
        + (
            f"; {suppressed} with fewer than {MIN_GROUP} people are not shown."
            if suppressed
            else "."
        ),
        note="Share at target counts the people whose role asks a tier. Most have not reached: "
        "the first tier more than half of the group has not reached.",
    )


def _cohorts(people, orders, names, now) -> Table:
    year, quarter = now.year, (now.month - 1) // 3 + 1
    first = (year * 4 + quarter - 1) - (COHORT_QUARTERS - 1)  # the oldest quarter shown alone
    first_label = f"{first // 4} Q{first % 4 + 1}"

    known = people["start"] != NEVER
    started = pd.to_datetime(people["start"].where(known, 0), unit="us")
    index = (started.dt.year * 4 + (started.dt.month - 1) // 3).where(known, 10**6)
    index = index.where(index >= first, 0)
    labels = {0: f"Started before {first_label}", 10**6: "Start date unknown"}
    rows = []
    for key, group in people.groupby(index.to_numpy(), sort=True):
        label = labels.get(key) or f"Started {key // 4} Q{key % 4 + 1}"
        n = len(group)
        targeted = int((group["target"] > 0).sum())
        at = int(group["at_target"].sum())
        rows.append(
            [
                label,
                count(n, n),
                share(at, targeted) if n >= MIN_GROUP else SUPPRESSED,
                *_reach_cells(group, orders),
            ]
        )
    return Table(
        key="cohorts",
        title="Cohorts by start date",
        columns=[
            Column("Cohort", TEXT),
            Column("People", COUNT),
            Column("Share at target", PERCENT),
            *_tier_columns(orders, names),
        ],
        rows=rows,
        summary="The earliest starters against the people who joined since, quarter by quarter.",
        note="Programme waves will replace start dates here once the rollout defines them.",
    )


def _crossings(people, periods, now_us) -> dict:
    """For each department, the moment it first passed each threshold (or None)."""
    targeted = people[people["target"] > 0]
    joins = pd.DataFrame(
        {
            "department": targeted["department"].to_numpy(),
            "at": targeted["start"].to_numpy(),
            "num": 0,
            "den": 1,
        }
    )
    tp = periods[periods["is_target"] & (periods["from"] <= now_us)]
    gains = pd.DataFrame(
        {"department": tp["department"].to_numpy(), "at": tp["from"].to_numpy(), "num": 1, "den": 0}
    )
    lost = tp[tp["lapsed"] <= now_us]
    losses = pd.DataFrame(
        {
            "department": lost["department"].to_numpy(),
            "at": lost["lapsed"].to_numpy(),
            "num": -1,
            "den": 0,
        }
    )
    changes = pd.concat([joins, gains, losses], ignore_index=True)
    changes["department"] = changes["department"].astype("Int64").fillna(-1)
    steps = changes.groupby(["department", "at"], sort=True)[["num", "den"]].sum()
    running = steps.groupby(level="department").cumsum()
    result = {}
    for department, frame in running.groupby(level="department"):
        num, den = frame["num"].to_numpy(), frame["den"].to_numpy()
        at = frame.index.get_level_values("at").to_numpy()
        crossings = []
        for value, _ in THRESHOLDS:
            hit = np.flatnonzero((den >= MIN_GROUP) & (num * 100 >= round(value * 100) * den))
            crossings.append(int(at[hit[0]]) if len(hit) else None)
        result[None if department == -1 else int(department)] = crossings
    return result


def _curve(people, periods, now_us, departments) -> Table:
    crossings = _crossings(people, periods, now_us)
    rows = []
    for value, group in people.groupby("department", dropna=False, sort=False):
        key = None if pd.isna(value) else int(value)
        targeted = int((group["target"] > 0).sum())
        at = int(group["at_target"].sum())
        current = share(at, targeted)
        passed = crossings.get(key, [None, None]) if targeted >= MIN_GROUP else [None, None]
        if current is SUPPRESSED:
            stage = SUPPRESSED
        elif current >= THRESHOLDS[1][0]:
            stage = "Past the tipping point"
        elif current >= THRESHOLDS[0][0]:
            stage = "Early adopters"
        else:
            stage = "Not yet at 16 %"
        rows.append(
            [
                _group_label(value, departments, "No department"),
                count(targeted, targeted),
                current,
                stage,
                *(
                    SUPPRESSED
                    if current is SUPPRESSED
                    else (timezone.localtime(from_us(us)).date() if us is not None else None)
                    for us in passed
                ),
            ]
        )
    rows.sort(key=lambda r: (-r[2] if isinstance(r[2], float) else 1.0, r[0].lower()))
    return Table(
        key="curve",
        title="The adoption curve by department",
        columns=[
            Column("Department", TEXT),
            Column("People with a target", COUNT),
            Column("Share at target", PERCENT),
            Column("Stage", TEXT),
            Column("Passed 16 % on", DATE),
            Column("Passed 25 % on", DATE),
        ],
        rows=rows,
        summary=_curve_summary(rows),
        note="16 % is where early adopters end and the early majority begins (Rogers); about "
        "25 % is the tipping point where a change carries itself (Centola et al., 2018). A date "
        "is the first day the department's share reached the threshold.",
    )


def _curve_summary(rows) -> str:
    shown = [r for r in rows if r[2] is not SUPPRESSED]
    tipped = sum(1 for r in shown if r[2] >= THRESHOLDS[1][0])
    early = sum(1 for r in shown if THRESHOLDS[0][0] <= r[2] < THRESHOLDS[1][0])
    return (
        f"{tipped} of {len(shown)} departments are past the tipping point (25 %), "
        f"{early} more past the early adopters (16 %)."
    )


def _people_table(people, names, lookups) -> tuple[Table, int]:
    ordered = people.assign(key=people["display_name"].str.lower()).sort_values(
        ["at_target", "current", "key"], kind="stable"
    )

    def named(column: str, lookup: dict) -> list[str]:
        return [lookup.get(int(v), "?") if not pd.isna(v) else "–" for v in ordered[column]]

    rows = [
        list(row)
        for row in zip(
            ordered["display_name"],
            named("department", lookups["department"]),
            named("role", lookups["role"]),
            [names.get(int(c), "Not started") for c in ordered["current"]],
            [names.get(int(t), "No target") for t in ordered["target"]],
            ["Yes" if a else "No" for a in ordered["at_target"]],
            strict=True,
        )
    ]
    table = Table(
        key="people",
        title="People",
        columns=[
            Column("Name", TEXT),
            Column("Department", TEXT),
            Column("Role", TEXT),
            Column("Tier now", TEXT),
            Column("Target", TEXT),
            Column("At target", TEXT),
        ],
        rows=rows,
        summary="Everyone in this view, those furthest from their target first. Names are "
        "shown to their own managers and to the community managers only.",
    )
    return table, len(rows)
