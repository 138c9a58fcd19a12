"""Tier evaluation: from events to the periods during which each person held each tier.

Times are whole microseconds since the epoch (int64), so every comparison is exact. A
requirement "at least k events of a kind (about a subject), optionally within the last W days"
holds during a union of half-open intervals [start, end):

- without a window, from the k-th event on, forever (end = FOREVER);
- with a window, from each event e_j (j >= k) until e_(j-k+1) + W; overlapping ones merge.

A requirement that counts distinct subjects ("5 different FAQ entries") counts, without a
window, each subject's first event; with one, the moments when at least k subjects each have an
event in the trailing window (each subject's [e, e + W) intervals, swept by level).

A requirement ended by another kind ("joined the programme", ended by "left it") counts, at
each moment, only the events after the person's last ending event: the events between two
ending events are evaluated as above on their own, and their intervals are cut at the next
ending event. An ending event at the same moment as a counted one ends it.

Each requirement is one SQL query through the (kind, staff, time) index, for everyone or for
one person; the intervals are computed from its rows with numpy. The tiers are then combined
set-wise with pandas: requirements in an either/or group by union, everything a tier and the
tiers below it ask by intersection. Nothing here loops over people in Python.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import chain

import numpy as np
import pandas as pd
from django.db import connection

FOREVER = np.iinfo(np.int64).max
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
DAY_US = 86_400_000_000
COLUMNS = ["staff_id", "start", "end"]


@dataclass(frozen=True)
class Rule:
    """One requirement, reduced to what evaluation needs."""

    tier_order: int
    group: tuple  # requirements with equal `group` in a tier are alternatives
    kind: str
    subject: str
    min_count: int
    window_days: int | None
    distinct: bool = False  # count different subjects, not events
    ended_by: str = ""  # an event of this kind ends it; only later events count afterwards


def to_us(moment: datetime) -> int:
    """An aware datetime as whole microseconds since the epoch (the inverse of `from_us`)."""
    return (moment - EPOCH) // timedelta(microseconds=1)


def from_us(value: int) -> datetime | None:
    return None if value >= FOREVER else EPOCH + timedelta(microseconds=int(value))


def epoch_us_sql(column: str) -> str:
    """SQL for a timestamp column as whole microseconds since the epoch, exactly."""
    if connection.vendor == "postgresql":
        return f"(EXTRACT(EPOCH FROM {column}) * 1000000)::bigint"
    if connection.vendor == "sqlite":
        # Django stores 'YYYY-MM-DD HH:MM:SS[.ffffff]' in UTC; the fraction is left out when 0.
        # SQLite's date functions round a fraction to the nearest second, so they get only the
        # whole seconds. '%%s' because queries always run with parameters (a list, maybe empty).
        whole = f"substr({column}, 1, 19)"
        seconds = (
            f"unixepoch({whole})"
            if connection.Database.sqlite_version_info >= (3, 38)
            else f"CAST(strftime('%%s', {whole}) AS INTEGER)"
        )
        return f"({seconds} * 1000000 + CAST(substr({column} || '.000000', 21, 6) AS INTEGER))"
    raise NotImplementedError(f"Tier evaluation does not support {connection.vendor}.")


def rule_intervals(rule: Rule, *, staff_id: int | None = None) -> pd.DataFrame:
    """The merged intervals during which `rule` holds, per person (one query).

    SQL only filters and orders, through the (kind, staff, time) index; the interval arithmetic
    is done here, vectorised. Only integers and fixed SQL are formatted into the queries; every
    value is a parameter.
    """
    where = ["kind = %s"]
    params: list = [rule.kind]
    if rule.subject:
        where.append("subject = %s")
        params.append(rule.subject)
    if staff_id is not None:
        where.append("staff_id = %s")
        params.append(staff_id)
    condition = " AND ".join(where)
    k = int(rule.min_count)
    if rule.ended_by:
        return _ended_intervals(rule, condition, params, staff_id=staff_id)
    if rule.distinct:
        return _distinct_intervals(condition, params, k, rule.window_days)
    if rule.window_days is None and k == 1:
        sql = (
            f"SELECT staff_id, {epoch_us_sql('MIN(occurred_at)')}"  # noqa: S608
            f" FROM portal_engagementevent WHERE {condition} GROUP BY staff_id"
        )
        return _forever(_fetch_pairs(sql, params))
    if rule.window_days is None:
        # The k-th event of each person: one index seek per person, no sort of all events.
        kth = (
            f"SELECT e.occurred_at AS t FROM portal_engagementevent e WHERE {condition}"  # noqa: S608
            f" AND e.staff_id = p.staff_id ORDER BY e.occurred_at LIMIT 1 OFFSET {k - 1:d}"
        )
        return _forever(_fetch_pairs(_per_person(kth, condition), params + params))
    sql = (
        f"SELECT staff_id, {epoch_us_sql('occurred_at')} FROM portal_engagementevent"  # noqa: S608
        f" WHERE {condition} ORDER BY staff_id, occurred_at"
    )
    return _windowed(_fetch_pairs(sql, params), k, int(rule.window_days) * DAY_US)


def _distinct_intervals(
    condition: str, params: list, k: int, window_days: int | None
) -> pd.DataFrame:
    """Intervals where at least k different subjects count (see the module's docstring)."""
    if window_days is None:
        # Per person, from the index alone: each subject's first event, the k-th of those.
        kth = (
            "SELECT MIN(e.occurred_at) AS t FROM portal_engagementevent e"  # noqa: S608
            f" WHERE {condition} AND e.staff_id = p.staff_id GROUP BY e.subject"
            f" ORDER BY t LIMIT 1 OFFSET {k - 1:d}"
        )
        return _forever(_fetch_pairs(_per_person(kth, condition), params + params))
    sql = (
        f"SELECT staff_id, subject, {epoch_us_sql('occurred_at')}"  # noqa: S608
        f" FROM portal_engagementevent WHERE {condition} ORDER BY staff_id, subject, occurred_at"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not rows:
        return _empty()
    frame = pd.DataFrame(rows, columns=["staff_id", "subject", "t"])
    # One key per (person, subject), in the same order, so each subject's events are a run.
    key = frame.groupby(["staff_id", "subject"], sort=False).ngroup().to_numpy(np.int64)
    staff_of_key = frame.groupby(key)["staff_id"].first().to_numpy(np.int64)
    per_subject = _windowed(np.c_[key, frame["t"].to_numpy(np.int64)], 1, window_days * DAY_US)
    per_subject["staff_id"] = staff_of_key[per_subject["staff_id"].to_numpy()]
    return _sweep([per_subject], k)


def _ended_intervals(
    rule: Rule, condition: str, params: list, *, staff_id: int | None
) -> pd.DataFrame:
    """Intervals of a requirement that `rule.ended_by` events end (see the module's docstring).

    One query reads the counted events and the ending ones together (both through the index).
    Each run of counted events between two ending events gets its own key, (person, run); the
    usual arithmetic runs per key, with every interval cut at the run's ending event.
    """
    ending = "kind = %s" + (" AND staff_id = %s" if staff_id is not None else "")
    ending_params = [rule.ended_by] + ([staff_id] if staff_id is not None else [])
    t = epoch_us_sql("occurred_at")
    sql = (
        f"SELECT staff_id, subject, {t}, 0 FROM portal_engagementevent WHERE {condition}"  # noqa: S608
        f" UNION ALL SELECT staff_id, '', {t}, 1 FROM portal_engagementevent WHERE {ending}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params + ending_params)
        rows = cursor.fetchall()
    if not rows:
        return _empty()
    frame = pd.DataFrame(rows, columns=["staff_id", "subject", "t", "end"])
    # At equal times a counted event sorts before the ending one, so that ending event is its
    # run's end: the interval it would open is empty.
    frame = frame.sort_values(["staff_id", "t", "end"], kind="stable", ignore_index=True)
    frame["run"] = frame.groupby("staff_id")["end"].cumsum()
    # Each row's limit: the time of the next ending event of the same person, else FOREVER.
    staff, t, is_end = (frame[c].to_numpy(np.int64) for c in ("staff_id", "t", "end"))
    n = len(frame)
    next_end = np.minimum.accumulate(np.where(is_end == 1, np.arange(n), n)[::-1])[::-1]
    found = next_end < n
    same = np.zeros(n, dtype=bool)
    same[found] = staff[next_end[found]] == staff[found]
    frame["limit"] = np.where(same, t[np.minimum(next_end, n - 1)], FOREVER)
    counted = frame[frame["end"] == 0]
    if counted.empty:
        return _empty()
    window = int(rule.window_days) * DAY_US if rule.window_days is not None else None
    k = int(rule.min_count)
    if rule.distinct:
        counted = counted.sort_values(["staff_id", "run", "subject", "t"], kind="stable")
        run_key = counted.groupby(["staff_id", "run"], sort=False).ngroup().to_numpy(np.int64)
        subject_key = (
            counted.groupby(["staff_id", "run", "subject"], sort=False).ngroup().to_numpy(np.int64)
        )
        run_of_subject = pd.Series(run_key).groupby(subject_key).first().to_numpy(np.int64)
        pairs = np.c_[subject_key, counted["t"].to_numpy(np.int64)]
        per_subject = _windowed(pairs, 1, window, counted["limit"].to_numpy(np.int64))
        per_subject["staff_id"] = run_of_subject[per_subject["staff_id"].to_numpy()]
        intervals = _sweep([per_subject], k)
    else:
        run_key = counted.groupby(["staff_id", "run"], sort=False).ngroup().to_numpy(np.int64)
        pairs = np.c_[run_key, counted["t"].to_numpy(np.int64)]
        intervals = _windowed(pairs, k, window, counted["limit"].to_numpy(np.int64))
    staff_of_run = counted.groupby(run_key)["staff_id"].first().to_numpy(np.int64)
    intervals["staff_id"] = staff_of_run[intervals["staff_id"].to_numpy()]
    # Runs of one person are disjoint and in time order; keep the frame sorted by person.
    return intervals.sort_values(["staff_id", "start"], ignore_index=True)


def _per_person(kth: str, condition: str) -> str:
    """SQL for (staff_id, the time `kth` finds for them) for everyone with a matching event.

    `kth` is a correlated query on `p.staff_id` giving one time `t` or none. It is written
    once in the select list and converted inside it: a scalar subquery named twice in the
    outer query would run twice on SQLite. People it finds nothing for come back as NULL.
    """
    return (
        f"SELECT p.staff_id, (SELECT {epoch_us_sql('kth.t')} FROM ({kth}) kth)"  # noqa: S608
        f" FROM (SELECT DISTINCT staff_id FROM portal_engagementevent WHERE {condition}) p"
    )


def _fetch_pairs(sql: str, params: list) -> np.ndarray:
    """Run `sql` (two integer columns) and return an (n, 2) int64 array, without NULL rows."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = [row for row in cursor.fetchall() if row[1] is not None]
    flat = np.fromiter(chain.from_iterable(rows), dtype=np.int64, count=2 * len(rows))
    return flat.reshape(-1, 2)


def _forever(pairs: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame(
        {"staff_id": pairs[:, 0], "start": pairs[:, 1], "end": np.full(len(pairs), FOREVER)}
    )


def _windowed(
    pairs: np.ndarray, k: int, window: int | None, limit: np.ndarray | None = None
) -> pd.DataFrame:
    """Intervals where at least k events fall in the trailing window, from sorted events.

    From each event e_j with at least k-1 before it (same person), the rule holds until
    e_(j-k+1) + window (no window: forever), and never past `limit[j]` when given (constant
    per person). Sorted by time, those ends never decrease, so an interval merges with the
    previous one exactly when it starts before that one ends.
    """
    staff, t = pairs[:, 0], pairs[:, 1]
    n = len(t)
    first = np.r_[True, staff[1:] != staff[:-1]] if n else np.zeros(0, dtype=bool)
    position = np.arange(n) - np.maximum.accumulate(np.where(first, np.arange(n), 0))
    j = np.flatnonzero(position >= k - 1)
    start, who = t[j], staff[j]
    end = np.full(len(j), FOREVER, np.int64) if window is None else t[j - (k - 1)] + window
    if limit is not None:
        end = np.minimum(end, limit[j])
    keep = end > start
    start, end, who = start[keep], end[keep], who[keep]
    if not len(start):
        return _empty()
    opens = np.r_[True, (who[1:] != who[:-1]) | (start[1:] > end[:-1])]
    at = np.flatnonzero(opens)
    return pd.DataFrame(
        {"staff_id": who[at], "start": start[at], "end": np.maximum.reduceat(end, at)}
    )


def _empty() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="int64") for c in COLUMNS})


def _sweep(frames: list[pd.DataFrame], need: int) -> pd.DataFrame:
    """Intervals where at least `need` intervals of `frames` hold at once, per person.

    With frames each disjoint per person, need=1 is their union and need=len(frames) their
    intersection; one frame of overlapping intervals (a person's subjects) counts its overlaps.
    """
    frames = [f for f in frames if len(f)]
    if not frames:
        return _empty()
    points = pd.concat(
        [f[["staff_id", "start"]].set_axis(["staff_id", "t"], axis=1).assign(d=1) for f in frames]
        + [f[["staff_id", "end"]].set_axis(["staff_id", "t"], axis=1).assign(d=-1) for f in frames],
        ignore_index=True,
    )
    steps = points.groupby(["staff_id", "t"], sort=True)["d"].sum().reset_index()
    staff = steps["staff_id"].to_numpy()
    level = steps.groupby("staff_id")["d"].cumsum().to_numpy()
    inside = level >= need
    first_of_person = np.r_[True, staff[1:] != staff[:-1]]
    was_inside = np.r_[False, inside[:-1]] & ~first_of_person
    t = steps["t"].to_numpy()
    starts, ends = inside & ~was_inside, ~inside & was_inside
    return pd.DataFrame({"staff_id": staff[starts], "start": t[starts], "end": t[ends]})


def tier_intervals(
    tier_orders: Iterable[int], rules: Iterable[Rule], intervals_for: Callable
) -> dict[int, pd.DataFrame]:
    """Per tier order: the intervals during which each person met that tier and all below it.

    `intervals_for(rule)` supplies a rule's intervals (for everyone, or for one person).
    A tier without requirements cannot be reached, and so neither can any tier above it.
    """
    by_tier: dict[int, dict[tuple, list[pd.DataFrame]]] = {}
    for rule in rules:
        by_tier.setdefault(rule.tier_order, {}).setdefault(rule.group, []).append(
            intervals_for(rule)
        )
    result: dict[int, pd.DataFrame] = {}
    below: pd.DataFrame | None = None
    for order in sorted(tier_orders):
        if order not in by_tier:
            break
        groups = [_sweep(alternatives, 1) for alternatives in by_tier[order].values()]
        frames = groups if below is None else [below, *groups]
        below = _sweep(frames, len(frames))
        result[order] = below
    return result
