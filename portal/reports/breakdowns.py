"""The report's tables of groups: by department (or team), role and location, the cohorts, and
the named people. Every row is a group of the view's people; whether its numbers show is asked
of the view's `Disclosure`, family by family ("people": counts and tiers reached; "target":
people with a target and at it), so a group is hidden alike wherever it appears."""

import numpy as np
import pandas as pd

from ..rollout.models import Wave
from .cells import COHORT, DEPARTMENT, DIRECT, LOCATION, ROLE
from .disclosure import PEOPLE, TARGET, Disclosure
from .frames import NEVER, NONE
from .groups import group_label, groups_count
from .tables import COUNT, PERCENT, SUPPRESSED, TEXT, Column, Table, min_group

COHORT_QUARTERS = 8  # quarters shown one by one; earlier starters form one cohort
_BEFORE, _UNKNOWN = 0, 10**6  # cohort keys of "started before" and "start date unknown"
NOT_IN_THIS_VIEW = "Not shown in this view (the note at the top says why)."
NOT_BROKEN_DOWN = (
    "Not shown in this view: in a report that names no one, {what} are shown for the whole "
    "organisation{where}. Crossed with this view's filter the groups are mostly too small, and "
    "shown they would let the hidden ones be worked out from the rest."
)


def tier_columns(orders, names) -> list[Column]:
    return [Column(f"Reached {names[o]}", PERCENT) for o in orders]


def stall(n: int, reached: list[int], orders, names, *, hidden: bool = False):
    """The first tier most of the group has not reached (None: most reached every tier)."""
    if hidden or n < min_group():
        return SUPPRESSED
    for order, holding in zip(orders, reached, strict=True):
        if holding * 2 < n:
            return names[order]
    return None


def department_pair(value: int, chosen: int | None, tree) -> tuple[str, int]:
    """The group of a row of the department breakdown: the chosen department's own people
    ("…, in no team", when it has teams) or a department with everyone under it."""
    if chosen is not None and value == chosen and tree.has_teams(chosen):
        return (DIRECT, value)
    return (DEPARTMENT, value)


def breakdown(
    people, column, title, lookup, orders, names, *, disclosure: Disclosure, scope=None
) -> Table:
    """One row per group of the view's people by `column`. For departments the groups are the
    report's level (teams of the chosen department, or the top of the tree), and a row whose
    department has teams links to the report of that department."""
    missing = f"No {column}"
    chosen = scope.filters.department if scope is not None else None
    groups = groups_count(people, people[column].to_numpy(), orders)
    pairs = [
        department_pair(int(k), chosen, disclosure.tree)
        if column == "department"
        else (_DIMENSION[column], int(k))
        for k in groups.keys
    ]
    keys = [disclosure.group(pair) for pair in pairs]
    teams = title == "By team"
    table = Table(
        key="by_team" if teams else f"by_{column}",
        title=title,
        columns=[
            Column("Team" if teams else column.capitalize(), TEXT),
            Column("People", COUNT),
            Column("With a target", COUNT),
            Column("At or above target", COUNT),
            Column("Share at target", PERCENT),
            *tier_columns(orders, names),
            Column("Most have not reached", TEXT),
        ],
        note="Share at target: of the people whose role asks a tier (With a target), how many "
        "are at or above it. Most have not reached: the first tier more than half of the "
        "group has not reached."
        + (
            " A team counts everyone under it, its own teams included."
            if column == "department"
            else ""
        ),
    )
    if not all(disclosure.shows(key) for key in keys):
        reason = NOT_BROKEN_DOWN.format(what=_PLURAL[column], where=_WHERE[column])
        return unpublished(table, reason)
    rows, small = [], 0
    for i, (key, value) in enumerate(zip(keys, groups.keys, strict=True)):
        n = int(groups.people[i])
        hidden_people = disclosure.hidden(key, PEOPLE, n)
        hidden_target = hidden_people or disclosure.hidden(key, TARGET, int(groups.targeted[i]))
        small += n < min_group()
        cells = groups.cells(i, people_hidden=hidden_people, target_hidden=hidden_target)
        most = stall(n, [int(r[i]) for r in groups.reached], orders, names, hidden=hidden_people)
        drill = (
            int(value)
            if scope is not None
            and column == "department"
            and not hidden_people
            and int(value) != chosen
            and scope.tree.has_teams(int(value))
            else None
        )
        rows.append(([group_label(value, lookup, missing), *cells, most], drill))
    rows.sort(key=lambda r: (r[0][0] == missing, r[0][0].lower()))
    table.links = (
        [{"department": str(d)} if d is not None else None for _, d in rows]
        if any(d is not None for _, d in rows)
        else []
    )
    table.rows = [row for row, _ in rows]
    withheld = sum(1 for row in table.rows if row[1] is SUPPRESSED)
    table.summary = f"{len(table.rows)} groups" + (
        f"; {withheld} with fewer than {min_group()} people"
        + (", or that would give such a group away by subtraction," if withheld > small else "")
        + " are not shown."
        if withheld
        else "."
    )
    return table


_DIMENSION = {"role": ROLE, "location": LOCATION}
_PLURAL = {"department": "departments", "role": "roles", "location": "locations"}
_WHERE = {
    "department": "",
    "role": " and within each department",
    "location": " and within each department",
}


def unpublished(table: Table, reason: str) -> Table:
    """The table without its rows, saying why."""
    table.rows, table.links, table.summary, table.published = [], [], reason, False
    return table


# Cohorts


def cohort_keys(people: pd.DataFrame, now, waves: list | None) -> tuple[np.ndarray, dict]:
    """Each person's cohort, and the cohorts' labels: their first started wave once the
    programme is rolled out in waves (`waves`, in the order they started), else the quarter
    they started in (earlier starters together)."""
    if waves is not None:
        position = {wave.pk: i for i, wave in enumerate(waves)}
        keys = np.array([position.get(w, len(waves)) for w in people["wave"].to_numpy()])
        labels = {i: wave.name for i, wave in enumerate(waves)} | {len(waves): "Not yet invited"}
        return keys.astype(np.int64), labels
    year, quarter = now.year, (now.month - 1) // 3 + 1
    first = (year * 4 + quarter - 1) - (COHORT_QUARTERS - 1)  # the oldest quarter shown alone
    known = people["start"] != NEVER
    started = pd.to_datetime(people["start"].where(known, 0), unit="us")
    index = (started.dt.year * 4 + (started.dt.month - 1) // 3).where(known, _UNKNOWN)
    index = index.where(index >= first, _BEFORE).to_numpy().astype(np.int64)
    labels = {
        _BEFORE: f"Started before {first // 4} Q{first % 4 + 1}",
        _UNKNOWN: "Start date unknown",
    }
    labels |= {int(k): f"Started {k // 4} Q{k % 4 + 1}" for k in set(index) - set(labels)}
    return index, labels


def waves_started() -> list:
    return list(Wave.objects.filter(started_at__isnull=False).order_by("started_at", "pk"))


def cohorts(
    people, keys: np.ndarray, labels: dict, orders, names, *, by_wave: bool, disclosure
) -> Table:
    """The pilot against later waves once the programme is rolled out in waves; before that,
    cohorts by start date."""
    table = Table(
        key="cohorts",
        title="Cohorts by wave" if by_wave else "Cohorts by start date",
        columns=[
            Column("Wave" if by_wave else "Cohort", TEXT),
            Column("People", COUNT),
            Column("Share at target", PERCENT),
            *tier_columns(orders, names),
        ],
        summary="The pilot against the waves that followed, in the order they started."
        if by_wave
        else "The earliest starters against the people who joined since, quarter by quarter.",
        note="Each person counts in the first wave that invited them. People not invited yet "
        "are not in the shares."
        if by_wave
        else "Once the programme is rolled out in waves, cohorts are its waves.",
    )
    groups = groups_count(people, keys, orders)
    cells = [disclosure.group((COHORT, int(k))) for k in groups.keys]
    if not all(disclosure.shows(key) for key in cells):
        return unpublished(
            table,
            "Not shown in this view: in a report that names no one, cohorts are shown for the "
            "whole organisation only.",
        )
    invited_only = len(labels) - 1 if by_wave else None
    for i, (key, value) in enumerate(zip(cells, groups.keys, strict=True)):
        n = int(groups.people[i])
        hidden_people = disclosure.hidden(key, PEOPLE, n)
        hidden_target = hidden_people or disclosure.hidden(key, TARGET, int(groups.targeted[i]))
        size, _, _, at_target, *reached = groups.cells(
            i, people_hidden=hidden_people, target_hidden=hidden_target
        )
        if int(value) == invited_only:
            at_target = None  # not invited yet: not in the shares
        table.rows.append([labels[int(value)], size, at_target, *reached])
    return table


# The named people (only where names may be shown)


def people_table(people, names, lookups) -> Table:
    ordered = people.assign(key=people["display_name"].str.lower()).sort_values(
        ["at_target", "current", "key"], kind="stable"
    )

    def named(column: str, lookup: dict) -> list[str]:
        return [lookup.get(int(v), "?") if v != NONE else "–" for v in ordered[column]]

    rows = [
        list(row)
        for row in zip(
            ordered["display_name"],
            named("team", lookups["department"]),
            named("role", lookups["role"]),
            [names.get(int(c), "Not started") for c in ordered["current"]],
            [names.get(int(t), "No target") for t in ordered["target"]],
            ["Yes" if a else "No" for a in ordered["at_target"]],
            strict=True,
        )
    ]
    return Table(
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
