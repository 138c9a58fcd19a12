"""The adoption curve: each department's share at target against the diffusion thresholds
(16 % early adopters, Rogers; about 25 % the tipping point, Centola et al. 2018), and the
first day it passed each."""

import numpy as np
from django.utils import timezone

from ..tiers.engine import from_us
from .frames import NONE
from .groups import group_label, groups_count
from .tables import COUNT, DATE, PERCENT, SUPPRESSED, TEXT, Column, Table, count, min_group, share

THRESHOLDS = ((0.16, "Early adopters"), (0.25, "Tipping point"))


def crossings_find(people, periods, now_us) -> dict:
    """For each department, the moment it first passed each threshold (or None).

    Every change to a department's share is an event: a person with a target starts (the
    denominator grows), reaches their target tier (the numerator grows) or loses it. Sorted
    by department and time, summed per instant and accumulated per department, the first
    instant each threshold holds (with at least `min_group()` people) is the date it passed.
    """
    targeted = people["counted"].to_numpy()
    ours = periods[periods["is_target"].to_numpy() & (periods["begins"].to_numpy() <= now_us)]
    lost = ours[ours["lapsed"].to_numpy() <= now_us]
    parts = [
        (people["department"].to_numpy()[targeted], people["joined"].to_numpy()[targeted], 0, 1),
        (ours["department"].to_numpy(), ours["begins"].to_numpy(), 1, 0),
        (lost["department"].to_numpy(), lost["lapsed"].to_numpy(), -1, 0),
    ]
    department = np.concatenate([p[0] for p in parts]).astype(np.int64)
    if not len(department):
        return {}
    at = np.concatenate([p[1] for p in parts]).astype(np.int64)
    num = np.concatenate([np.full(len(p[0]), p[2], dtype=np.int64) for p in parts])
    den = np.concatenate([np.full(len(p[0]), p[3], dtype=np.int64) for p in parts])
    order = np.lexsort((at, department))
    department, at, num, den = department[order], at[order], num[order], den[order]
    first = np.flatnonzero(np.r_[True, (department[1:] != department[:-1]) | (at[1:] != at[:-1])])
    department, at = department[first], at[first]
    num, den = np.add.reduceat(num, first), np.add.reduceat(den, first)
    starts = np.flatnonzero(np.r_[True, department[1:] != department[:-1]])
    lengths = np.diff(np.r_[starts, len(department)])
    running_num = np.cumsum(num) - np.repeat(np.cumsum(num)[starts] - num[starts], lengths)
    running_den = np.cumsum(den) - np.repeat(np.cumsum(den)[starts] - den[starts], lengths)
    result = {None if d == NONE else int(d): [None] * len(THRESHOLDS) for d in department[starts]}
    for t, (value, _) in enumerate(THRESHOLDS):
        hits = np.flatnonzero(
            (running_den >= min_group()) & (running_num * 100 >= round(value * 100) * running_den)
        )
        passed, where = np.unique(department[hits], return_index=True)
        for d, i in zip(passed, where, strict=True):
            result[None if d == NONE else int(d)][t] = int(at[hits[i]])
    return result


def curve_table(people, crossings, departments, *, hidden, teams=False) -> Table:
    """One row per group of the report's level (departments, or a department's teams);
    `hidden(value)` says whether a group's numbers about people with a target are withheld
    (`disclosure`), and then its dates are too."""
    groups = groups_count(people, people["department"].to_numpy(), orders=[])
    rows = []
    for value, targeted, at in zip(groups.keys, groups.targeted, groups.at_target, strict=True):
        key = None if value == NONE else int(value)
        targeted = int(targeted)
        withheld = hidden(int(value), targeted)
        current = SUPPRESSED if withheld else share(int(at), targeted)
        passed = crossings.get(key, [None, None]) if targeted >= min_group() else [None, None]
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
                group_label(value, departments, "No department"),
                SUPPRESSED if withheld else count(targeted, targeted),
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
        title="The adoption curve by team" if teams else "The adoption curve by department",
        columns=[
            Column("Team" if teams else "Department", TEXT),
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
    departments = "department" if len(shown) == 1 else "departments"
    return (
        f"Past the tipping point (25 %): {tipped} of {len(shown)} {departments}; "
        f"past the early adopters (16 %) only: {early}."
    )
