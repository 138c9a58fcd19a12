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
- a number about fewer than `REPORT_MIN_GROUP` people is withheld (`tables.SUPPRESSED`), in
  every table, and so is any number that would let someone work such a group out from the
  others (`disclosure`: decided once per group, for every view and table alike).
- *where most stop*: the first tier that most (more than half) of a group has not reached.
- a department *passed* a diffusion threshold (16 % early adopters, 25 % tipping point) on the
  first day its share at target reached it, counting, on each day, the people of today's
  department who had started by then; a department under the threshold passes nothing.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
import pandas as pd
from django.utils import timezone

from ..people.models import Role
from ..tiers.engine import from_us, to_us
from ..tiers.models import Tier
from . import sections
from .breakdowns import (
    NOT_IN_THIS_VIEW,
    breakdown,
    cohort_keys,
    cohorts,
    department_pair,
    people_table,
    stall,
    unpublished,
    waves_started,
)
from .cells import DEPARTMENT, LOCATION, ROLE, Key
from .curve import THRESHOLDS, crossings_find, curve_table
from .disclosure import PEOPLE, TARGET, Disclosure, People, pattern_for
from .frames import NEVER, NONE, Frames, organisation_frames
from .scope import ReportScope
from .tables import (
    COUNT,
    DATE,
    PERCENT,
    SUPPRESSED,
    TEXT,
    Column,
    Table,
    cell_text,
    count,
    min_group,
    share,
)
from .teams import groups_at

DAY_US = 86_400_000_000
WEEK_US = 7 * DAY_US
PEOPLE_ON_SCREEN = 50
LINE_NOT_SHOWN = (
    "A reporting line's numbers are shown to the managers in it and to the programme's "
    "organisers, who see its people by name. In a report that names no one a line is not "
    "shown: a line minus its department, or minus the line above it, is too often one person."
)
FILTERS_NOT_SHOWN = (
    "In a report that names no one, choose one filter at a time (a department, a role or a "
    "location): two at once narrow it to groups that are mostly too small to show, and shown "
    "they would let the hidden ones be worked out from the rest."
)


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
    disclosure: Disclosure | None = None  # what this view may show, cell by cell
    frame: pd.DataFrame | None = None  # the people in view, with their tier and target

    @property
    def published(self) -> bool:
        """False: the view shows no numbers at all (see `disclosure.reason`)."""
        return self.disclosure is None or self.disclosure.published

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
    frames = scope.frames or organisation_frames()
    organisation = _joined(frames.people, tiers, now_us)
    view = _view_key(scope)
    protected = not scope.names_visible and scope.line_head is None and len(view) <= 1
    if protected:  # the decision covers the whole organisation, its cohorts included
        invited = (organisation["invited"].to_numpy() != NEVER).any()
        cohort, cohort_labels = cohort_keys(organisation, now, waves_started() if invited else None)
        organisation = organisation.assign(cohort=cohort)
    disclosure = _disclosure(scope, view, organisation if protected else None)
    weekly = None
    if disclosure.pattern is not None:
        weekly = (organisation["target"].to_numpy() > 0, organisation["joined"].to_numpy())
    people, periods = _in_scope(frames, organisation, scope)
    people, periods = _derive(people, periods, now_us, tiers)
    weeks = scope.filters.weeks
    lookups = {name: dict(values) for name, values in scope.choices.items()}
    team_names = dict(lookups["department"])
    chosen = scope.filters.department
    teams = chosen is not None and scope.tree.has_teams(chosen)
    if teams:  # the people in the department itself, beside its teams
        lookups["department"][chosen] = f"{lookups['department'].get(chosen, '?')}, in no team"
    level = _level(people, chosen, disclosure)
    crossings = {
        d: c
        for d, c in crossings_find(people, periods, now_us).items()
        if not level(NONE if d is None else d)
    }
    by_wave = bool(len(people)) and (people["invited"].to_numpy() != NEVER).any()
    if protected:
        keys, labels = people["cohort"].to_numpy(), cohort_labels
    else:
        keys, labels = cohort_keys(people, now, waves_started() if by_wave else None)
    adoption = Adoption(
        scope=scope,
        now=now,
        tiers=[(o, names[o]) for o in orders],
        headline=_headline(people, periods, now_us, lookups, crossings, disclosure, weekly),
        trend=_trend(people, periods, now_us, weeks, disclosure, weekly),
        funnel=_funnel(people, orders, names, disclosure),
        breakdowns=[
            breakdown(
                people,
                "department",
                "By team" if teams else "By department",
                lookups["department"],
                orders,
                names,
                disclosure=disclosure,
                scope=scope,
            ),
            breakdown(
                people, "role", "By role", lookups["role"], orders, names, disclosure=disclosure
            ),
            breakdown(
                people,
                "location",
                "By location",
                lookups["location"],
                orders,
                names,
                disclosure=disclosure,
            ),
        ],
        cohorts=cohorts(
            people, keys, labels, orders, names, by_wave=by_wave, disclosure=disclosure
        ),
        curve=curve_table(
            people,
            crossings,
            lookups["department"],
            hidden=lambda value, targeted: level(value) or targeted < min_group(),
            teams=teams,
        ),
        people=None,
        disclosure=disclosure,
        frame=people,
    )
    if not disclosure.published:
        _unpublish(adoption)
    if scope.names_visible:
        adoption.people = people_table(people, names, {**lookups, "department": team_names})
    return adoption


def _view_key(scope: ReportScope) -> Key:
    """The group of the view's filters (a department, role and location chosen)."""
    return tuple(
        (dimension, value)
        for dimension, value in (
            (DEPARTMENT, scope.filters.department),
            (ROLE, scope.filters.role),
            (LOCATION, scope.filters.location),
        )
        if value is not None
    )


def _disclosure(scope: ReportScope, view: Key, organisation: pd.DataFrame | None) -> Disclosure:
    """What the view may show: the rule of the threshold cell by cell for a reader who sees
    names; for anyone else, the organisation's decision (`disclosure`, from `organisation`),
    and nothing at all in a reporting line or a view of more than one filter."""
    if scope.names_visible:
        return Disclosure(names=True, view=view, tree=scope.tree)
    if organisation is None:
        reason = LINE_NOT_SHOWN if scope.line_head is not None else FILTERS_NOT_SHOWN
        return Disclosure(names=False, view=view, tree=scope.tree, published=False, reason=reason)
    people = People(
        department=organisation["department"].to_numpy(),
        role=organisation["role"].to_numpy(),
        location=organisation["location"].to_numpy(),
        cohort=organisation["cohort"].to_numpy(),
        counted=organisation["counted"].to_numpy(),
        tree=scope.tree,
    )
    return Disclosure(
        names=False, view=view, tree=scope.tree, pattern=pattern_for(people), people=people
    )


def _level(people: pd.DataFrame, chosen: int | None, disclosure: Disclosure):
    """`hidden(value)` for the groups of the report's level (a team, the chosen department's
    own people, a top-level department): whether their numbers about people with a target are
    withheld."""
    department = people["department"].to_numpy()
    sizes = dict(zip(*np.unique(department, return_counts=True), strict=True))
    targeted = dict(
        zip(
            *np.unique(department[people["counted"].to_numpy()], return_counts=True),
            strict=True,
        )
    )

    def hidden(value: int) -> bool:
        key = disclosure.group(department_pair(value, chosen, disclosure.tree))
        n = int(sizes.get(value, 0))
        return (
            not disclosure.shows(key)
            or disclosure.hidden(key, PEOPLE, n)
            or disclosure.hidden(key, TARGET, int(targeted.get(value, 0)))
        )

    return hidden


def _unpublish(adoption: Adoption) -> None:
    """A view that shows no numbers (a line or two filters, to a reader without names): the
    tables keep their names and say why, and the headline is withheld."""
    adoption.headline = Headline(*[SUPPRESSED] * 8)
    for table in [adoption.trend, adoption.funnel, *adoption.breakdowns, adoption.cohorts]:
        unpublished(table, NOT_IN_THIS_VIEW)
    unpublished(adoption.curve, NOT_IN_THIS_VIEW)


def adoption_report(*, scope: ReportScope, now: datetime | None = None) -> Adoption:
    """The whole adoption report for `scope` as of `now`: its own numbers, and the sections
    the domain apps add (office hours, FAQ, champions)."""
    now = now or timezone.now()
    adoption = adoption_numbers(scope=scope, now=now)
    since = now - timedelta(weeks=scope.filters.weeks)
    adoption.extra = sections.tables_for(
        scope=scope,
        since=since,
        now=now,
        disclosure=adoption.disclosure,
        size=len(adoption.frame),
        cohorts=adoption.cohorts,
    )
    return adoption


# The people in view, and what each holds


def _in_scope(
    frames: Frames, organisation: pd.DataFrame, scope: ReportScope
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The organisation cut down to the scope: its line (one query for who is in it) and its
    filters, a department with everyone in its teams. The people's `department` becomes their
    group at the report's level (`teams`), their own is kept as `team`."""
    people = organisation
    keep = np.ones(len(people), dtype=bool)
    if scope.line_head is not None:
        keep &= people.index.isin(list(scope.people(filtered=False).values_list("pk", flat=True)))
    for name in ("role", "location"):
        chosen = getattr(scope.filters, name)
        if chosen is not None:
            keep &= people[name].to_numpy() == chosen
    chosen = scope.filters.department
    if chosen is not None:
        keep &= np.isin(people["department"].to_numpy(), list(scope.tree.subtree(chosen)))
    if not keep.all():
        people = people[keep]
    people = people.assign(
        team=people["department"],
        department=groups_at(scope.tree, chosen, people["department"].to_numpy()),
    )
    periods = frames.periods[frames.periods["staff"].isin(people.index)]
    return people, periods


def _joined(people: pd.DataFrame, tiers, now_us: int) -> pd.DataFrame:
    """Everyone's target (the tier order their role asks, 0: none), when they joined the
    programme (started, and invited: their wave started; always, without waves) and whether
    they count in the shares (a target, and joined). A new frame: the kept one stays as read."""
    order_of = {pk: order for pk, order, _ in tiers}
    targets = {
        role: order_of.get(tier, 0)
        for role, tier in Role.objects.filter(target_tier__isnull=False).values_list(
            "pk", "target_tier_id"
        )
    }
    target = people["role"].map(targets).fillna(0).astype(np.int64).to_numpy()
    joined = np.maximum(people["start"].to_numpy(), people["invited"].to_numpy())
    return people.assign(target=target, joined=joined, counted=(target > 0) & (joined <= now_us))


def _derive(people, periods, now_us: int, tiers) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each person's tier now; each period's tier order, whether it is of the person's target
    tier, and from when it counts."""
    order_of = {pk: order for pk, order, _ in tiers}
    target, joined = people["target"].to_numpy(), people["joined"].to_numpy()
    position = people.index.get_indexer(periods["staff"])
    order = periods["tier"].map(order_of).fillna(0).astype(np.int64).to_numpy()
    reached, lapsed = periods["reached"].to_numpy(), periods["lapsed"].to_numpy()
    held = (reached <= now_us) & (lapsed > now_us)
    current = np.zeros(len(people), dtype=np.int64)
    np.maximum.at(current, position[held], order[held])
    people = people.assign(
        current=current, at_target=people["counted"].to_numpy() & (current >= target)
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


def _week_hidden(disclosure: Disclosure, weekly, at_us: int, size: int):
    """Whether the view's numbers for the week ending `at_us` are withheld: `size` people with
    a target had joined by then; `weekly` is everyone's (has a target, joined) for the
    organisation's decision (None when the view is not protected by one)."""
    if weekly is None:
        return disclosure.hidden(disclosure.view, TARGET, size)
    targeted, joined = weekly
    return disclosure.week_hidden(disclosure.view, targeted & (joined <= at_us), size)


def _headline(people, periods, now_us, lookups, crossings, disclosure, weekly) -> Headline:
    n = len(people)
    with_target = int(people["counted"].sum())
    at_target = int(people["at_target"].sum())
    week_ago = now_us - WEEK_US
    then = (people["target"].to_numpy() > 0) & (people["joined"].to_numpy() <= week_ago)
    held_then = _target_held_at(people, periods, week_ago)
    held_now = people["at_target"].to_numpy()
    reached = int((held_now & ~held_then).sum())
    fell = int((held_then & ~held_now).sum())
    view = disclosure.view
    people_hidden = disclosure.hidden(view, PEOPLE, n)
    now_hidden = people_hidden or disclosure.hidden(view, TARGET, with_target)
    then_hidden = people_hidden or _week_hidden(disclosure, weekly, week_ago, int(then.sum()))
    share_now = share(at_target, with_target, hidden=now_hidden)
    share_then = share(int((held_then & then).sum()), int(then.sum()), hidden=then_hidden)
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
    moved = now_hidden or then_hidden  # who reached or fell: today's and last week's numbers
    return Headline(
        people=count(n, n, hidden=people_hidden),
        with_target=count(with_target, with_target, hidden=now_hidden),
        at_target=count(at_target, with_target, hidden=now_hidden),
        share=share_now,
        share_last_week=share_then,
        change=change,
        reached_this_week=count(reached, n, hidden=moved),
        fell_below_this_week=count(fell, n, hidden=moved),
        passed_this_week=[] if people_hidden else passed,
    )


def _week_ends(now_us: int, weeks: int) -> list[int]:
    return [now_us - WEEK_US * (weeks - 1 - j) for j in range(weeks)]


def _trend(people, periods, now_us, weeks, disclosure, weekly) -> Table:
    ends = np.array(_week_ends(now_us, weeks), dtype=np.int64)
    targeted = people[people["target"] > 0]
    starts = np.sort(targeted["joined"].to_numpy())
    denominators = np.searchsorted(starts, ends, side="right")
    tp = periods[periods["is_target"]]
    held = (tp["begins"].to_numpy()[:, None] <= ends) & (tp["lapsed"].to_numpy()[:, None] > ends)
    numerators = held.sum(axis=0)
    people_hidden = disclosure.hidden(disclosure.view, PEOPLE, len(people))
    rows = []
    for end, num, den in zip(ends, numerators, denominators, strict=True):
        hidden = people_hidden or _week_hidden(disclosure, weekly, int(end), int(den))
        rows.append(
            [
                timezone.localtime(from_us(end)).date(),
                count(int(den), int(den), hidden=hidden),
                count(int(num), int(den), hidden=hidden),
                share(int(num), int(den), hidden=hidden),
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


def _funnel(people, orders, names, disclosure) -> Table:
    n = len(people)
    hidden = disclosure.hidden(disclosure.view, PEOPLE, n)
    current = people["current"].to_numpy()
    rows = [
        [
            "Not started yet",
            count(n, n, hidden=hidden),
            None,
            count(int((current == 0).sum()), n, hidden=hidden),
        ]
    ]
    for order in orders:
        rows.append(
            [
                f"{order}. {names[order]}",
                count(int((current >= order).sum()), n, hidden=hidden),
                share(int((current >= order).sum()), n, hidden=hidden),
                count(int((current == order).sum()), n, hidden=hidden),
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
    most = stall(n, [int((current >= o).sum()) for o in orders], orders, names, hidden=hidden)
    if most is SUPPRESSED:
        table.summary = "Too few people in this view to show the funnel."
    elif most is None:
        table.summary = "Most people in this view have reached every tier."
    else:
        table.summary = f"Most people in this view have not reached {most} yet."
    return table
