"""Every manager's line in numbers, for all managers at once: of the people under them (at any
depth, as a manager's own report counts them), how many have a target tier and had joined the
programme, and how many of those held it, at given moments.

The numbers are the adoption report's (the same frames, targets, joining dates and target
periods as `selectors`), so a manager told "your team passed 50 %" reads the same share in
their report. One read of the manager tree (everyone, also people who left: a line runs
through them, as `scope.line_ids` follows it) and numpy; never one query per manager. The
nudge "your team passed 25 %" reads these (notifications).
"""

import weakref
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from django.db import connection

from ..people.models import Staff
from ..tiers.engine import to_us
from ..tiers.models import Tier
from .frames import organisation_frames
from .selectors import _derive, _joined, _target_held_at

MAX_DEPTH = 64  # deeper than any company; a loop in the manager data stops here
_kept: dict[str, tuple] = {}  # per database alias: (its people frame, weakly; the tree)


@dataclass(frozen=True)
class LineCounts:
    managers: np.ndarray  # staff pks of active people with at least one active report
    users: np.ndarray  # their accounts (0: none)
    names: list[str]  # their display names
    counted: np.ndarray  # (managers, moments): people under them with a target, joined by then
    held: np.ndarray  # (managers, moments): of those, the ones holding their target then


def line_target_counts(*, moments: list[datetime]) -> LineCounts:
    """Each manager's line counted at each of `moments` (the frames' reads, tiers, role
    targets and the manager tree: a few queries in all)."""
    frames = organisation_frames()
    tiers = list(Tier.objects.values_list("pk", "order", "name"))
    latest = to_us(max(moments))
    people = _joined(frames.people, tiers, latest)
    people, periods = _derive(people, frames.periods, latest, tiers)
    target, joined = people["target"].to_numpy(), people["joined"].to_numpy()
    columns = []
    for moment in moments:
        at = to_us(moment)
        counted = (target > 0) & (joined <= at)
        columns += [counted, counted & _target_held_at(people, periods, at)]
    values = np.column_stack(columns).astype(np.int64) if columns else np.zeros((len(people), 0))

    pks, parents, users = _tree(frames.people)
    n = len(pks)
    position = _positions(pks)
    parent = position(parents)
    mine = position(people.index.to_numpy(np.int64))  # active people in the tree
    known = mine >= 0
    mine, values = mine[known], values[known]

    totals = np.zeros((n, values.shape[1]), dtype=np.int64)
    current = parent[mine]
    for _ in range(MAX_DEPTH):
        alive = current >= 0
        if not alive.any():
            break
        current, values = current[alive], values[alive]
        for column in range(values.shape[1]):  # bincount: a sum per manager, unbuffered add.at's
            totals[:, column] += np.bincount(
                current, weights=values[:, column], minlength=n
            ).astype(np.int64)
        current = parent[current]

    has_report = np.zeros(n, dtype=bool)
    bosses = parent[mine]
    has_report[bosses[bosses >= 0]] = True
    active = np.zeros(n, dtype=bool)
    active[mine] = True
    chosen = np.flatnonzero(has_report & active)
    names = people["display_name"].reindex(pks[chosen]).fillna("").tolist()
    return LineCounts(
        managers=pks[chosen],
        users=users[chosen],
        names=names,
        counted=totals[chosen][:, 0::2],
        held=totals[chosen][:, 1::2],
    )


def _tree(people) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Everyone's pk, manager (-1: none) and account (0: none), straight from the cursor; kept
    while the organisation's people frame is the same object (`frames` reads it again when the
    directory's revision moves, which every change of a manager or an account moves)."""
    kept = _kept.get(connection.alias)
    if kept is not None and kept[0]() is people:
        return kept[1]
    table = Staff._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, COALESCE(manager_id, -1), COALESCE(user_id, 0) FROM {table}",  # noqa: S608
            [],
        )
        rows = cursor.fetchall()
    values = np.array(rows, dtype=np.int64).reshape(-1, 3)
    tree = (values[:, 0], values[:, 1], values[:, 2])
    _kept[connection.alias] = (weakref.ref(people), tree)
    return tree


def _positions(pks: np.ndarray):
    """A function from pks to their positions in `pks` (-1 for none or unknown)."""
    order = np.argsort(pks, kind="stable")
    ordered = pks[order]

    def position(values: np.ndarray) -> np.ndarray:
        if not len(ordered):
            return np.full(len(values), -1, dtype=np.int64)
        at = np.clip(np.searchsorted(ordered, values), 0, len(ordered) - 1)
        return np.where(ordered[at] == values, order[at], -1)

    return position
