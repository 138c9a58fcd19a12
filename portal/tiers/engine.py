"""Tier evaluation: from events to the periods during which each person held each tier.

Times are whole microseconds since the epoch (int64), so every comparison is exact. A
requirement "at least k events of a kind (about a subject), optionally within the last W days"
holds during a union of half-open intervals [start, end):

- without a window, from the k-th event on, forever (end = FOREVER);
- with a window, from each event e_j (j >= k) until e_(j-k+1) + W; overlapping ones merge.

Each requirement is one SQL query (window functions, on SQLite and PostgreSQL alike) that
returns those merged intervals per person, for everyone or for one person. The tiers are then
combined set-wise with pandas: requirements in an either/or group by union, everything a tier
and the tiers below it ask by intersection. Nothing here is evaluated per person in Python.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

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


def to_us(moment: datetime) -> int:
    delta = moment - EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def from_us(value: int) -> datetime | None:
    return None if value >= FOREVER else EPOCH + timedelta(microseconds=int(value))


def epoch_us_sql(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"(EXTRACT(EPOCH FROM {column}) * 1000000)::bigint"
    if connection.vendor == "sqlite":
        # Django stores 'YYYY-MM-DD HH:MM:SS[.ffffff]' in UTC; the fraction is left out when 0.
        # '%%s' because the query is always run with parameters (a list, maybe empty).
        return (
            f"(CAST(strftime('%%s', {column}) AS INTEGER) * 1000000"
            f" + CAST(substr({column} || '.000000', 21, 6) AS INTEGER))"
        )
    raise NotImplementedError(f"Tier evaluation does not support {connection.vendor}.")


def rule_intervals(rule: Rule, *, staff_id: int | None = None) -> pd.DataFrame:
    """The merged intervals during which `rule` holds, per person (one query).

    Only integers and fixed SQL are formatted into the query; every value is a parameter.
    """
    where = ["kind = %s"]
    params: list = [rule.kind]
    if rule.subject:
        where.append("subject = %s")
        params.append(rule.subject)
    if staff_id is not None:
        where.append("staff_id = %s")
        params.append(staff_id)
    events = (
        "SELECT staff_id, occurred_at FROM portal_engagementevent"  # noqa: S608
        f" WHERE {' AND '.join(where)}"
    )
    k = int(rule.min_count)
    if rule.window_days is None and k == 1:
        sql = (
            f"SELECT staff_id, {epoch_us_sql('MIN(occurred_at)')} AS start, {FOREVER} AS end_"  # noqa: S608
            f" FROM ({events}) ev GROUP BY staff_id"
        )
    elif rule.window_days is None:
        sql = (
            f"SELECT staff_id, {epoch_us_sql('occurred_at')} AS start, {FOREVER} AS end_ FROM ("  # noqa: S608
            f" SELECT staff_id, occurred_at, ROW_NUMBER() OVER"
            f" (PARTITION BY staff_id ORDER BY occurred_at) AS rn FROM ({events}) ev"
            f") numbered WHERE rn = {k}"
        )
    else:
        window = int(rule.window_days) * DAY_US
        sql = f"""
            WITH ev AS (SELECT staff_id, {epoch_us_sql("occurred_at")} AS t FROM ({events}) e),
            lagged AS (
                SELECT staff_id, t AS s,
                    LAG(t, {k - 1}) OVER (PARTITION BY staff_id ORDER BY t) AS f
                FROM ev
            ),
            spans AS (
                SELECT staff_id, s, f + {window} AS e FROM lagged
                WHERE f IS NOT NULL AND f + {window} > s
            ),
            marked AS (
                SELECT staff_id, s, e, CASE WHEN s <= LAG(e) OVER (PARTITION BY staff_id ORDER BY s)
                    THEN 0 ELSE 1 END AS brk
                FROM spans
            ),
            islands AS (
                SELECT staff_id, s, e, SUM(brk) OVER (
                    PARTITION BY staff_id ORDER BY s ROWS UNBOUNDED PRECEDING) AS island
                FROM marked
            )
            SELECT staff_id, MIN(s) AS start, MAX(e) AS end_ FROM islands GROUP BY staff_id, island
        """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return _frame(rows)


def _frame(rows) -> pd.DataFrame:
    if not rows:
        return pd.DataFrame({c: pd.Series(dtype="int64") for c in COLUMNS})
    return pd.DataFrame(np.asarray(rows, dtype=np.int64), columns=COLUMNS)


def _sweep(frames: list[pd.DataFrame], need: int) -> pd.DataFrame:
    """Intervals where at least `need` of `frames` hold at once (each frame disjoint per person).

    need=1 over several frames is their union; need=len(frames) is their intersection.
    """
    frames = [f for f in frames if len(f)]
    if len(frames) < need or not frames:
        return _frame([])
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
