"""The adoption report's numbers, from the maintained tier attainments (never the event log).

Two queries bring the people in scope (whole numbers and a date) and their attainment periods
(whole microseconds), plus four small lookups (tiers, roles and their targets, and the
department, role and location names the scope already loaded); everything else is numpy and
pandas over those two frames, so the cost grows with the people in scope, not with their
history. The domain apps' sections (office hours, FAQ, champions) add one or two queries each.

Definitions, in the words the report uses:
- *at target*: holding the tier the person's role asks (tiers are cumulative: holding tier N
  means holding 1..N). People whose role asks no tier, people who have not started yet, and,
  once the programme is rolled out in waves, people whose wave has not started ("not yet
  invited") are in the funnel, not in the shares. Start dates are days in the site's time zone.
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
from django.utils import timezone

from ..people.models import Role
from ..rollout.models import Wave
from ..tiers.engine import from_us, to_us
from ..tiers.models import Tier
from . import sections
from .curve import THRESHOLDS, crossings_find, curve_table
from .frames import NEVER, NONE, Frames, organisation_frames
from .groups import group_label, groups_count
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


def adoption_numbers(*, scope: ReportScope, now: datetime | None = None) -> Adoption:
    """The report's own numbers for `scope` as of `now`, from the attainments (no sections)."""
    now = now or timezone.now()
    now_us = to_us(now)
    tiers = list(Tier.objects.order_by("order").values_list("pk", "order", "name"))
    orders = [order for _, order, _ in tiers]
    names = {order: name for _, order, name in tiers}
    people, periods = _in_scope(scope.frames or organisation_frames(), scope)
    people, periods = _derive(people, periods, now_us, tiers)
    weeks = scope.filters.weeks
    lookups = {name: dict(values) for name, values in scope.choices.items()}
    crossings = crossings_find(people, periods, now_us)
    adoption = Adoption(
        scope=scope,
        now=now,
        tiers=[(o, names[o]) for o in orders],
        headline=_headline(people, periods, now_us, lookups, crossings),
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
        curve=curve_table(people, crossings, lookups["department"]),
        people=None,
    )
    if scope.names_visible:
        adoption.people = _people_table(people, names, lookups)
    return adoption


def adoption_report(*, scope: ReportScope, now: datetime | None = None) -> Adoption:
    """The whole adoption report for `scope` as of `now`: its own numbers, and the sections
    the domain apps add (office hours, FAQ, champions)."""
    now = now or timezone.now()
    adoption = adoption_numbers(scope=scope, now=now)
    since = now - timedelta(weeks=scope.filters.weeks)
    adoption.extra = sections.tables_for(scope=scope, since=since, now=now)
    return adoption


# The people in view, and what each holds


def _in_scope(frames: Frames, scope: ReportScope) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The organisation's frames cut down to the scope: its line (one query for who is in
    it) and its filters."""
    people = frames.people
    keep = np.ones(len(people), dtype=bool)
    if scope.line_head is not None:
        keep &= people.index.isin(list(scope.people(filtered=False).values_list("pk", flat=True)))
    for name in ("department", "role", "location"):
        chosen = getattr(scope.filters, name)
        if chosen is not None:
            keep &= people[name].to_numpy() == chosen
    if not keep.all():
        people = people[keep]
    periods = frames.periods[frames.periods["staff"].isin(people.index)]
    return people, periods


def _derive(people, periods, now_us: int, tiers) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each person's target and tier now; each period's tier order, whether it is of the
    person's target tier, and from when it counts. New frames: the kept ones stay as read."""
    order_of = {pk: order for pk, order, _ in tiers}
    targets = {
        role: order_of.get(tier, 0)
        for role, tier in Role.objects.filter(target_tier__isnull=False).values_list(
            "pk", "target_tier_id"
        )
    }
    target = people["role"].map(targets).fillna(0).astype(np.int64).to_numpy()
    position = people.index.get_indexer(periods["staff"])
    order = periods["tier"].map(order_of).fillna(0).astype(np.int64).to_numpy()
    reached, lapsed = periods["reached"].to_numpy(), periods["lapsed"].to_numpy()
    held = (reached <= now_us) & (lapsed > now_us)
    current = np.zeros(len(people), dtype=np.int64)
    np.maximum.at(current, position[held], order[held])
    # Shares count the people whose role asks a tier and who have started.
    # Joined the programme: started, and invited (their wave started; always, without waves).
    joined = np.maximum(people["start"].to_numpy(), people["invited"].to_numpy())
    counted = (target > 0) & (joined <= now_us)
    people = people.assign(
        target=target,
        joined=joined,
        counted=counted,
        current=current,
        at_target=counted & (current >= target),
    )
    # A period counts from the day the person joined (started and invited), if it began
    # before; one that ended before they joined does not count at all.
    begins = np.maximum(reached, joined[position])
    periods = periods.assign(
        position=position,
        order=order,
        is_target=(target[position] > 0) & (order == target[position]) & (lapsed > begins),
        begins=begins,
        department=people["department"].to_numpy()[position],
    )
    return people, periods


def _target_held_at(people: pd.DataFrame, periods: pd.DataFrame, at_us: int) -> np.ndarray:
    """Per person (in frame order): whether they held their target tier at `at_us`."""
    periods = periods[
        periods["is_target"].to_numpy()
        & (periods["begins"].to_numpy() <= at_us)
        & (periods["lapsed"].to_numpy() > at_us)
    ]
    held = np.zeros(len(people), dtype=bool)
    held[periods["position"].to_numpy()] = True
    return held


# Sections


def _headline(people, periods, now_us, lookups, crossings) -> Headline:
    n = len(people)
    with_target = int(people["counted"].sum())
    at_target = int(people["at_target"].sum())
    week_ago = now_us - WEEK_US
    then = (people["target"].to_numpy() > 0) & (people["joined"].to_numpy() <= week_ago)
    held_then = _target_held_at(people, periods, week_ago)
    held_now = people["at_target"].to_numpy()
    reached = int((held_now & ~held_then).sum())
    fell = int((held_then & ~held_now).sum())
    share_now = share(at_target, with_target) if n >= MIN_GROUP else SUPPRESSED
    share_then = (
        share(int((held_then & then).sum()), int(then.sum())) if n >= MIN_GROUP else SUPPRESSED
    )
    change = (
        share_now - share_then
        if isinstance(share_now, float) and isinstance(share_then, float)
        else SUPPRESSED
    )
    passed = []
    for department, passed_at in crossings.items():
        for (value, _), when in zip(THRESHOLDS, passed_at, strict=True):
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
    starts = np.sort(targeted["joined"].to_numpy())
    denominators = np.searchsorted(starts, ends, side="right")
    tp = periods[periods["is_target"]]
    held = (tp["begins"].to_numpy()[:, None] <= ends) & (tp["lapsed"].to_numpy()[:, None] > ends)
    numerators = held.sum(axis=0)
    rows = []
    for end, num, den in zip(ends, numerators, denominators, strict=True):
        rows.append(
            [
                timezone.localtime(from_us(end)).date(),
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


def _stall(n: int, reached: list[int], orders, names) -> str | type(SUPPRESSED) | None:
    """The first tier most of the group has not reached (None: most reached every tier)."""
    if n < MIN_GROUP:
        return SUPPRESSED
    for order, holding in zip(orders, reached, strict=True):
        if holding * 2 < n:
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
    stall = _stall(n, [int((current >= o).sum()) for o in orders], orders, names)
    if stall is SUPPRESSED:
        table.summary = "Too few people in this view to show the funnel."
    elif stall is None:
        table.summary = "Most people in this view have reached every tier."
    else:
        table.summary = f"Most people in this view have not reached {stall} yet."
    return table


def _breakdown(people, column, title, lookup, orders, names) -> Table:
    missing = f"No {column}"
    groups = groups_count(people, people[column].to_numpy(), orders)
    rows = []
    for i, key in enumerate(groups.keys):
        n, cells = groups.cells(i)
        stall = _stall(n, [int(r[i]) for r in groups.reached], orders, names)
        rows.append([group_label(key, lookup, missing), *cells, stall])
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
    """The pilot against later waves once the programme is rolled out in waves; before that,
    cohorts by start date."""
    if len(people) and (people["invited"].to_numpy() != NEVER).any():
        return _cohorts_by_wave(people, orders, names)
    year, quarter = now.year, (now.month - 1) // 3 + 1
    first = (year * 4 + quarter - 1) - (COHORT_QUARTERS - 1)  # the oldest quarter shown alone
    first_label = f"{first // 4} Q{first % 4 + 1}"

    known = people["start"] != NEVER
    started = pd.to_datetime(people["start"].where(known, 0), unit="us")
    index = (started.dt.year * 4 + (started.dt.month - 1) // 3).where(known, 10**6)
    index = index.where(index >= first, 0)
    labels = {0: f"Started before {first_label}", 10**6: "Start date unknown"}
    groups = groups_count(people, index.to_numpy(), orders)
    rows = []
    for i, key in enumerate(groups.keys):
        _, (size, _, at_target, *reached) = groups.cells(i)
        rows.append(
            [labels.get(key) or f"Started {key // 4} Q{key % 4 + 1}", size, at_target, *reached]
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
        note="Once the programme is rolled out in waves, cohorts are its waves.",
    )


def _cohorts_by_wave(people, orders, names) -> Table:
    waves = list(Wave.objects.filter(started_at__isnull=False).order_by("started_at", "pk"))
    position = {wave.pk: i for i, wave in enumerate(waves)}
    keys = np.array([position.get(w, len(waves)) for w in people["wave"].to_numpy()])
    groups = groups_count(people, keys, orders)
    rows = []
    for i, key in enumerate(groups.keys):
        _, (size, _, at_target, *reached) = groups.cells(i)
        label = waves[key].name if key < len(waves) else "Not yet invited"
        rows.append([label, size, at_target if key < len(waves) else None, *reached])
    return Table(
        key="cohorts",
        title="Cohorts by wave",
        columns=[
            Column("Wave", TEXT),
            Column("People", COUNT),
            Column("Share at target", PERCENT),
            *_tier_columns(orders, names),
        ],
        rows=rows,
        summary="The pilot against the waves that followed, in the order they started.",
        note="Each person counts in the first wave that invited them. People not invited yet "
        "are not in the shares.",
    )


def _people_table(people, names, lookups) -> Table:
    ordered = people.assign(key=people["display_name"].str.lower()).sort_values(
        ["at_target", "current", "key"], kind="stable"
    )

    def named(column: str, lookup: dict) -> list[str]:
        return [lookup.get(int(v), "?") if v != NONE else "–" for v in ordered[column]]

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
    return table
