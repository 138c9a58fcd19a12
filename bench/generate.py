"""The scale data generator: a large, plausible organisation and its engagement events.

`generate(staff=100_000, events=5_000_000)` builds ~40 departments under 6 divisions, 26 roles
(each with a target tier, most 1-3, some 4), 12 locations, a manager tree (about one manager per
8 people, ids always above their manager's, so no loops) and events over the last 180 days.

Activity is skewed the way it is in real programmes: ~15 % of people have not started, most do a
little, a few do hundreds of things; customer- and community-facing roles train and contribute
more. Every tier of the default set ends up populated, and some people lapse out of tier 4.

Speed is the point (5 M events in a few minutes): numpy draws the columns, the raw DB-API
cursor writes them (`executemany` on SQLite, `COPY` on PostgreSQL) in one transaction, and the
event table's secondary indexes are dropped before the load and recreated from the exact SQL
the database reported for them. Datetimes are written as Django writes them for the backend.

Run it alone with `python -m bench.generate --staff 100000 --events 5000000`: that wipes and
migrates the bench database first, like `python -m bench`.
"""

import argparse
import datetime as dt
import math
import time
from collections.abc import Iterable
from itertools import repeat

import numpy as np

from bench.organisation import (
    DIVISIONS,
    EXECUTIVE_ROLE,
    FIRST_NAMES,
    LAST_NAMES,
    LOCATIONS,
    ROLES,
)
from bench.storage import columns_of, datetime_text, rows_insert, secondary_indexes

WINDOW_DAYS = 180
BATCH = 100_000
DAY_US = 86_400 * 1_000_000
SOURCE = "bench"

# The event mix ---------------------------------------------------------------------------------
# Shares of all events. policy_acknowledged happens at most once per person and
# champion_joined for ~1 % of staff, so at 50 events a head they fall short of their share and
# the repeatable kinds below fill the rest in proportion.
POLICY_SHARE = 0.05
POLICY_REACH = 0.92  # at most this share of people who started acknowledge the rules
CHAMPION_SHARE_OF_STAFF = 0.01
NOT_STARTED = 0.15  # people with no events at all
INACTIVE = 0.03

# kind: (share of events, subjects with weights, affinity: (gamma shape, factor by target tier))
# The affinity is a per-person multiplier of activity for that kind; the factor makes customer-
# and community-facing roles do more of it. The last four kinds are used by no requirement.
REPEATABLE_KINDS = {
    "faq_viewed": (0.35, "faq", (2.0, None)),
    "community_contributed": (
        0.35,
        {"post": 0.2, "reply": 0.35, "solution": 0.05, "like": 0.4},
        (0.25, {0: 0.5, 1: 0.5, 2: 0.8, 3: 1.3, 4: 2.5}),
    ),
    "wiifm_watched": (0.04, {"wiifm": 1}, (2.0, {0: 0.4, 1: 0.5, 2: 1.2, 3: 1.5, 4: 1.5})),
    "training_completed": (
        0.03,
        {"advocacy-101": 1},
        (2.0, {0: 0.3, 1: 0.4, 2: 0.8, 3: 1.8, 4: 1.8}),
    ),
    "office_hours_attended": (
        0.06,
        {"weekly-office-hours": 1},
        (0.3, {0: 0.5, 1: 0.5, 2: 0.7, 3: 1.2, 4: 2.0}),
    ),
    "page_viewed": (
        0.07,
        {
            "/": 4,
            "/my-path/": 3,
            "/faq/": 2,
            "/training/": 1,
            "/office-hours/": 1,
            "/champions/": 1,
        },
        (2.0, None),
    ),
    "search_performed": (0.025, {"": 1}, (2.0, None)),
    "calendar_exported": (0.01, {"weekly-office-hours": 1}, (1.0, None)),
    "certificate_downloaded": (0.005, {"advocacy-101": 1}, (1.0, None)),
}
FAQ_ENTRIES = 60


def _say(message: str) -> None:
    print(f"generate: {message}", flush=True)


class _Vocabulary:
    """Strings stored once; columns hold small integer codes into it."""

    def __init__(self) -> None:
        self.strings: list[str] = []
        self.index: dict[str, int] = {}

    def code(self, text: str) -> int:
        if text not in self.index:
            self.index[text] = len(self.strings)
            self.strings.append(text)
        return self.index[text]

    def codes(self, texts: Iterable[str]) -> np.ndarray:
        return np.array([self.code(t) for t in texts], dtype=np.int32)

    def array(self) -> np.ndarray:
        return np.array(self.strings, dtype=object)


# The directory ---------------------------------------------------------------------------------


def _manager_tree(rng: np.random.Generator, staff: int) -> np.ndarray:
    """Manager id per staff id (index 0 unused, 0 = none): spans of about 8, no loops.

    Ids are laid out level by level, so a manager's id is always lower than their reports'.
    Full levels take 8 reports per manager (jittered by up to two places below the top three
    levels); the last, partial level is spread over the whole level above it, so every
    division ends up with a similar depth and about one person in eight manages.
    """
    manager = np.zeros(staff + 1, dtype=np.int64)
    level_start, level_size, depth = 1, 1, 0
    while level_start + level_size <= staff:
        start, size = (
            level_start + level_size,
            min(level_size * 8, staff - level_start - level_size + 1),
        )
        position = np.arange(size)
        bosses = level_size if size == level_size * 8 else math.ceil(size / 8)
        boss = position * bosses // size
        if depth >= 2:
            boss = np.clip(boss + rng.integers(-2, 3, size=size), 0, bosses - 1)
        block = boss * level_size // bosses
        manager[start : start + size] = level_start + block
        level_start, level_size, depth = start, size, depth + 1
    return manager


def _directory_create(rng: np.random.Generator, staff: int):
    """Departments, roles and locations through the ORM (a hundred rows), staff as arrays."""
    from portal.models import Department, Location, Role, Tier

    tiers = dict(Tier.objects.values_list("order", "pk"))

    def tier_pk(order: int) -> int | None:
        # The default tiers exist after migrate; fall back to the nearest one if edited away.
        if not tiers:
            return None
        return tiers.get(order) or tiers[min(tiers, key=lambda o: abs(o - order))]

    divisions, departments = [], []  # departments: (pk, division index)
    for index, (division, children) in enumerate(DIVISIONS.items()):
        parent = Department.objects.create(name=division)
        divisions.append(parent.pk)
        for child in children:
            departments.append((Department.objects.create(name=child, parent=parent).pk, index))

    roles = []  # per division: ([(pk, target order)], cumulative weights, manager (pk, order))
    for division in DIVISIONS:
        members = [
            (Role.objects.create(name=name, target_tier_id=tier_pk(order)).pk, order, weight)
            for name, order, weight in ROLES[division]
        ]
        ics = [(pk, order) for pk, order, weight in members if weight]
        weights = np.array([weight for _, _, weight in members if weight], dtype=float)
        roles.append((ics, np.cumsum(weights / weights.sum()), (members[-1][0], members[-1][1])))
    name, order = EXECUTIVE_ROLE
    executive = (Role.objects.create(name=name, target_tier_id=tier_pk(order)).pk, order)

    location_pks = [Location.objects.create(name=name).pk for name in LOCATIONS]
    location_p = np.array(list(LOCATIONS.values()), dtype=float)
    location_p /= location_p.sum()

    ids = np.arange(1, staff + 1)
    manager = _manager_tree(rng, staff)
    later = ids[1:]
    has_reports = np.zeros(staff + 1, dtype=bool)
    has_reports[manager[later]] = True

    # Departments follow the tree: the CEO sits in the Executive Office, their eight reports
    # head the divisions (two each for the first two), the next level spreads over each
    # division's departments in turn, and everyone below stays in their manager's department
    # (4 % sit elsewhere: matrix teams). Half of the people work where their manager does.
    department = np.zeros(staff + 1, dtype=np.int64)
    division_of = np.full(staff + 1, -1, dtype=np.int64)  # -1: executive, no division role
    location = np.zeros(staff + 1, dtype=np.int64)
    role = np.zeros(staff + 1, dtype=np.int64)
    target = np.zeros(staff + 1, dtype=np.int64)
    dept_pk_by_division = [[pk for pk, d in departments if d == i] for i in range(len(DIVISIONS))]
    executive_office = Department.objects.get(name="Executive Office").pk
    department_division = dict(departments) | {pk: i for i, pk in enumerate(divisions)}
    all_departments = [pk for pk, _ in departments]
    division_set = set(divisions)
    turn = [0] * len(divisions)
    coin = rng.random(staff + 1)
    picks = rng.integers(0, 1 << 30, size=staff + 1)
    location_draw = rng.choice(len(location_pks), size=staff + 1, p=location_p)
    for i in range(1, staff + 1):
        boss = int(manager[i])
        if boss == 0:
            department[i] = executive_office
        elif boss == 1:
            department[i] = divisions[(i - 2) % len(divisions)]
        elif department[boss] in division_set:
            division = department_division[int(department[boss])]
            children = dept_pk_by_division[division]
            department[i] = children[turn[division] % len(children)]
            turn[division] += 1
        elif coin[i] < 0.04:
            department[i] = all_departments[picks[i] % len(all_departments)]
        else:
            department[i] = department[boss]
        location[i] = location[boss] if boss and coin[i] > 0.5 else location_draw[i]
        division_of[i] = -1 if boss in (0, 1) else department_division[int(department[i])]
    role_draw = rng.random(staff + 1)
    for i in range(1, staff + 1):
        if division_of[i] < 0:
            role[i], target[i] = executive
            continue
        ics, cumulative, manager_role = roles[division_of[i]]
        if has_reports[i]:
            role[i], target[i] = manager_role
        else:
            pick = min(int(np.searchsorted(cumulative, role_draw[i])), len(ics) - 1)
            role[i], target[i] = ics[pick]

    # HR data has gaps: ~1 % without a role, ~1 % without a location.
    no_role = rng.random(staff + 1) < 0.01
    no_role[:2] = False
    role[no_role], target[no_role] = 0, 0
    location = np.array([location_pks[k] for k in location], dtype=np.int64)
    location[rng.random(staff + 1) < 0.01] = 0

    today = dt.datetime.now(dt.UTC).date()
    start_offset = rng.integers(0, 5 * 365, size=staff + 1)
    active = rng.random(staff + 1) >= INACTIVE
    active[1] = True
    return {
        "ids": ids,
        "manager": manager,
        "department": department,
        "role": role,
        "target": target,
        "location": location,
        "start_offset": start_offset,
        "today": today,
        "active": active,
        "managers": int(has_reports.sum()),
    }


def _staff_rows(rng: np.random.Generator, d: dict) -> Iterable[tuple]:
    first = rng.integers(0, len(FIRST_NAMES), size=d["ids"].size + 1)
    last = rng.integers(0, len(LAST_NAMES), size=d["ids"].size + 1)
    today = d["today"]
    for i in d["ids"].tolist():
        given, family = FIRST_NAMES[first[i]], LAST_NAMES[last[i]]
        yield (
            i,
            f"E{i:07d}",
            f"{given}.{family}.{i}@example.com".lower(),
            f"{given} {family}",
            int(d["department"][i]) or None,
            int(d["role"][i]) or None,
            int(d["location"][i]) or None,
            int(d["manager"][i]) or None,
            (today - dt.timedelta(days=int(d["start_offset"][i]))).isoformat(),
            bool(d["active"][i]),
            None,
        )


# The events ------------------------------------------------------------------------------------


def _calibrate(weights: np.ndarray, target: float) -> np.ndarray:
    """Probabilities 1 - exp(-c * w) summing to about `target`: the active are likelier."""
    if target <= 0:
        return np.zeros_like(weights)
    low, high = 1e-9, 1e9
    for _ in range(100):
        c = math.sqrt(low * high)
        if (1 - np.exp(-c * weights)).sum() < target:
            low = c
        else:
            high = c
    return 1 - np.exp(-math.sqrt(low * high) * weights)


def _events_draw(rng: np.random.Generator, d: dict, events: int, now_us: int):
    """The event columns as arrays sorted by time: staff id, kind code, subject code, time."""
    n = d["ids"].size
    vocab, kinds = _Vocabulary(), _Vocabulary()

    # Propensity: log-normal activity; some people have not started; leavers did less.
    # Capped at the 99.9th percentile: heavy users do hundreds of things, not tens of thousands.
    propensity = rng.lognormal(0.0, 1.0, size=n)
    np.minimum(propensity, np.quantile(propensity, 0.999), out=propensity)
    propensity[rng.random(n) < NOT_STARTED] = 0.0
    active = d["active"][1:]
    propensity[~active] *= 0.5
    if not propensity.any():  # a tiny organisation where nobody started: let the CEO start
        propensity[0] = 1.0
    started = propensity > 0
    target = d["target"][1:]

    # Each person's time span: from the later of the window start and their start date, to now
    # (for leavers: to the day they left, somewhere in the span).
    window_start = now_us - WINDOW_DAYS * DAY_US
    today_us = now_us - now_us % DAY_US
    start_us = today_us - d["start_offset"][1:] * DAY_US
    lo = np.maximum(window_start, start_us)
    hi = np.full(n, now_us, dtype=np.int64)
    left = ~active
    hi[left] = lo[left] + ((now_us - lo[left]) * rng.uniform(0.2, 1.0, size=left.sum())).astype(
        np.int64
    )

    parts = []  # (staff index, kind code, subject code, time fraction in the person's span)

    # Once per person: acknowledging the rules (early in their span), joining the champions.
    champions_n = min(max(1, round(CHAMPION_SHARE_OF_STAFF * n)), events // 20, int(started.sum()))
    if champions_n:
        p = propensity**2
        champions = rng.choice(n, size=champions_n, replace=False, p=p / p.sum())
    else:
        champions = np.zeros(0, dtype=np.int64)
    policy_target = min(POLICY_SHARE * events, POLICY_REACH * started.sum())
    acked = np.flatnonzero(rng.random(n) < _calibrate(propensity, policy_target))
    acked = acked[: max(0, events - champions.size)]
    parts.append(
        (
            acked,
            np.full(acked.size, kinds.code("policy_acknowledged"), np.int16),
            np.full(acked.size, vocab.code("rules-of-engagement"), np.int32),
            rng.random(acked.size) ** 2,
        )
    )
    parts.append(
        (
            champions,
            np.full(champions.size, kinds.code("champion_joined"), np.int16),
            np.full(champions.size, vocab.code(""), np.int32),
            rng.random(champions.size),
        )
    )

    # Repeatable kinds share the rest, skewed towards recent weeks (the programme is rolling
    # out) and towards people whose role and taste favour that kind.
    rest = max(0, events - acked.size - champions.size)
    shares = np.array([share for share, _, _ in REPEATABLE_KINDS.values()])
    counts = rng.multinomial(rest, shares / shares.sum())
    faq_weights = 1.0 / np.arange(1, FAQ_ENTRIES + 1)
    for (kind, (_, subjects, (shape, by_target))), count in zip(
        REPEATABLE_KINDS.items(), counts, strict=True
    ):
        if not count:
            continue
        weights = propensity * rng.gamma(shape, 1.0 / shape, size=n)
        if by_target:
            weights *= np.array([by_target[t] for t in range(5)])[np.clip(target, 0, 4)]
        np.minimum(weights, np.quantile(weights, 0.999), out=weights)
        who = rng.choice(n, size=count, p=weights / weights.sum())
        if subjects == "faq":
            codes = vocab.codes(f"faq/entry-{k:02d}" for k in range(1, FAQ_ENTRIES + 1))
            p = faq_weights / faq_weights.sum()
        else:
            codes = vocab.codes(subjects)
            p = np.array(list(subjects.values()), dtype=float)
            p /= p.sum()
        parts.append(
            (
                who,
                np.full(count, kinds.code(kind), np.int16),
                codes[rng.choice(codes.size, size=count, p=p)],
                np.sqrt(rng.random(count)),
            )
        )

    who = np.concatenate([p[0] for p in parts]).astype(np.int64)
    kind = np.concatenate([p[1] for p in parts])
    subject = np.concatenate([p[2] for p in parts])
    fraction = np.concatenate([p[3] for p in parts])
    at = lo[who] + ((hi[who] - lo[who]) * fraction).astype(np.int64)
    order = np.argsort(at, kind="stable")
    return who[order] + 1, kind[order], subject[order], at[order], kinds.array(), vocab.array()


def generate(*, staff: int = 100_000, events: int = 5_000_000, seed: int = 20240601) -> None:
    """Fill an empty directory and event log with `staff` people and `events` events."""
    from django.core.management.color import no_style
    from django.db import connection, transaction

    from portal.models import Department, EngagementEvent, Staff

    if Staff.objects.exists() or EngagementEvent.objects.exists() or Department.objects.exists():
        raise RuntimeError(
            "generate() fills an empty directory; start from a fresh bench database "
            "(python -m bench.generate does)."
        )
    vendor = connection.vendor
    if vendor not in {"sqlite", "postgresql"}:
        raise RuntimeError(f"The generator supports SQLite and PostgreSQL, not {vendor}")
    rng = np.random.default_rng(seed)
    started = time.perf_counter()
    suffix = "+00" if vendor == "postgresql" else ""
    now = dt.datetime.now(dt.UTC)
    now_us = int(now.timestamp()) * 1_000_000 + now.microsecond

    connection.ensure_connection()
    raw = connection.connection
    pragmas = {}
    if vendor == "sqlite":
        for pragma in ("synchronous", "cache_size"):
            pragmas[pragma] = raw.execute(f"PRAGMA {pragma}").fetchone()[0]
        raw.execute("PRAGMA synchronous=OFF")
        raw.execute("PRAGMA cache_size=-1000000")  # 1 GB, for building the indexes
    try:
        with transaction.atomic():
            cursor = raw.cursor()
            if vendor == "postgresql":
                # Check foreign keys row by row: pending deferred checks would forbid the
                # CREATE INDEX below in the same transaction.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            directory = _directory_create(rng, staff)
            staff_columns = columns_of(
                Staff,
                [
                    "id",
                    "employee_id",
                    "email",
                    "display_name",
                    "department",
                    "role",
                    "location",
                    "manager",
                    "start_date",
                    "active",
                    "user",
                ],
            )
            rows_insert(
                cursor, vendor, Staff._meta.db_table, staff_columns, _staff_rows(rng, directory)
            )
            _say(
                f"{staff} staff, {directory['managers']} managers, "
                f"{int((~directory['active'][1:]).sum())} inactive "
                f"({time.perf_counter() - started:.1f} s)"
            )

            who, kind, subject, at, kind_names, subjects = _events_draw(
                rng, directory, events, now_us
            )
            _say(f"drew {who.size} events ({time.perf_counter() - started:.1f} s)")

            table = EngagementEvent._meta.db_table
            indexes = secondary_indexes(cursor, vendor, table)
            for name, _ in indexes:
                cursor.execute(f'DROP INDEX "{name}"')
            event_columns = columns_of(
                EngagementEvent,
                [
                    "id",
                    "staff",
                    "kind",
                    "subject",
                    "occurred_at",
                    "recorded_at",
                    "source",
                    "metadata",
                    "idempotency_key",
                ],
            )
            step = max(BATCH, who.size // 10 // BATCH * BATCH)
            for begin in range(0, who.size, BATCH):
                end = min(begin + BATCH, who.size)
                ids = range(begin + 1, end + 1)
                when = datetime_text(at[begin:end], suffix)
                rows = zip(
                    ids,
                    who[begin:end].tolist(),
                    kind_names[kind[begin:end]].tolist(),
                    subjects[subject[begin:end]].tolist(),
                    when,
                    when,  # recorded as it happened
                    repeat(SOURCE),
                    repeat("{}"),
                    (f"bench-{i:09d}" for i in ids),  # in index order: faster to load
                    strict=False,
                )
                rows_insert(cursor, vendor, table, event_columns, rows)
                if end % step == 0 or end == who.size:
                    _say(f"events {end}/{who.size} ({time.perf_counter() - started:.1f} s)")
            if vendor == "postgresql":
                cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
            for name, sql in indexes:
                cursor.execute(sql)
                _say(f"index {name} rebuilt ({time.perf_counter() - started:.1f} s)")
            cursor.close()
    finally:
        if vendor == "sqlite":
            for pragma, value in pragmas.items():
                raw.execute(f"PRAGMA {pragma}={value}")

    with connection.cursor() as cursor:
        if vendor == "postgresql":
            for sql in connection.ops.sequence_reset_sql(no_style(), [Staff, EngagementEvent]):
                cursor.execute(sql)
            # Autovacuum would do this soon after a bulk load; do it now so plans are stable.
            cursor.execute(f'VACUUM ANALYZE "{Staff._meta.db_table}"')
            cursor.execute(f'VACUUM ANALYZE "{EngagementEvent._meta.db_table}"')
        else:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    _summary(who, kind, kind_names, staff)
    _say(f"done in {time.perf_counter() - started:.1f} s")


def _summary(who: np.ndarray, kind: np.ndarray, kind_names: np.ndarray, staff: int) -> None:
    per_person = np.bincount(who, minlength=staff + 1)[1:]
    share = np.bincount(kind, minlength=kind_names.size) / max(1, kind.size)
    mix = ", ".join(f"{name} {s:.1%}" for name, s in zip(kind_names, share, strict=True))
    _say(f"mix: {mix}")
    q = np.percentile(per_person, [50, 90, 99]).astype(int)
    _say(
        f"events per person: none {int((per_person == 0).sum())}, median {q[0]}, p90 {q[1]}, "
        f"p99 {q[2]}, max {int(per_person.max())}"
    )


def main(argv: list[str] | None = None) -> None:
    from bench import harness

    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__)
    parser.add_argument("--staff", type=int, default=harness.DEFAULT_STAFF)
    parser.add_argument("--events", type=int, default=harness.DEFAULT_EVENTS)
    parser.add_argument("--seed", type=int, default=harness.DEFAULT_SEED)
    args = parser.parse_args(argv)
    if args.staff < 10 or args.events < 1:
        parser.error("--staff must be at least 10 and --events at least 1")
    harness.django_setup()
    harness.say(f"database {harness.database_describe()}")
    harness.database_reset()
    start = time.perf_counter()
    generate(staff=args.staff, events=args.events, seed=args.seed)
    harness.say(f"generated the data in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
