"""The adoption funnel from the raw events in DuckDB: the baseline of the adoption dashboard.

The funnel is, for every (department, tier order), how many active staff hold that tier at
`now`. A person holds tier N when every requirement of the tiers up to N holds at `now`
(requirements of a tier sharing an either/or group are alternatives): for each requirement,
the events of its kind (and subject) with `occurred_at <= now`, and with a window also
`occurred_at > now - window_days`, counted (or their different subjects counted) reach its
`min_count`. This is `portal.tiers.selectors._requirement_counts` for everyone at once.

DuckDB gets the events, the staff and the requirements loaded in memory beforehand (untimed);
the timed part is one SQL query, generated from the `Requirement` rows, fully fetched. The
same funnel is then computed from the maintained `TierAttainment` periods with the ORM, and
the two must be equal. The issue's goal: the dashboard's numbers, read from the maintained
attainments, in at most half DuckDB's time (`reports_dashboard_numbers`, ratio <= 0.5).

duckdb is a dev dependency (pyproject's `dev` extra) used only here.
"""

import time
from collections import Counter
from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd

from bench.harness import Context, say, timed

CHUNK = 500_000  # event rows per fetch while loading


# To be filled in with the dashboard ---------------------------------------------------------


def _whole_organisation():
    from portal.reports.scope import ReportScope, _choices

    scope = ReportScope(label="Whole organisation", line_head=None, names_visible=False)
    scope.choices = _choices(scope)
    return scope


def _dashboard_numbers(now: datetime, *, forget: str = ""):
    """The adoption dashboard's own numbers at `now` for the whole organisation, from the
    maintained attainments: every table, fully computed. `forget` drops frames the process
    keeps between requests first ("all", or "periods" as after a new attainment), so they are
    read from the database again; "directory" also drops the small-group decision kept in the
    shared cache (`reports.disclosure`), as after a change to who is where."""
    from portal.reports import frames, selectors

    if forget == "directory":  # the small-group decision too, wherever it is kept
        from portal.reports import disclosure

        frames.frames_forget()
        disclosure.disclosure_forget(shared=True)
    elif forget:
        frames.frames_forget(only=None if forget == "all" else forget)
    return selectors.adoption_numbers(scope=_whole_organisation(), now=now)


def _leader():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from portal.permissions import LEADERS

    user, _ = get_user_model().objects.get_or_create(
        username="bench-leader", defaults={"email": "bench-leader@example.com"}
    )
    user.groups.add(Group.objects.get(name=LEADERS))
    return user


def _page_and_pdf(ctx: Context) -> None:
    """The dashboard page through Django's test client (median of 5, after a warm-up), beside
    the home page; and the weekly digest task for one leader (eager, as in the embedded
    profile): the report computed, its PDF rendered and the email sent."""
    import statistics

    from django.core import mail
    from django.test import Client

    from portal.reports.models import DigestDelivery, DigestSubscription
    from portal.tasks import reports_digest_send

    leader = _leader()
    client = Client(HTTP_HOST="localhost")
    client.force_login(leader)
    for path in ("/", "/reports/"):
        if (status := client.get(path).status_code) != 200:
            raise RuntimeError(f"{path} answered {status} to the bench leader")
    home, page = [], []
    for _ in range(5):
        start = time.perf_counter()
        client.get("/")
        home.append(time.perf_counter() - start)
        start = time.perf_counter()
        client.get("/reports/")
        page.append(time.perf_counter() - start)
    home_s, page_s = statistics.median(home), statistics.median(page)
    ctx.report("reports_dashboard_page", page_s, "s", home_s)

    # Only the bench leader receives it; nobody else in the bench data is a leader.
    DigestSubscription.objects.filter(user=leader).delete()
    DigestDelivery.objects.filter(user=leader).delete()
    mail.outbox = []
    start = time.perf_counter()
    sent = reports_digest_send.apply().get()
    seconds = time.perf_counter() - start
    if sent != 1 or not mail.outbox or not mail.outbox[0].attachments:
        raise RuntimeError(f"the digest task sent {sent} emails, expected 1 with a PDF")
    say(f"reports: the digest PDF is {len(mail.outbox[0].attachments[0][1]) // 1024} KiB")
    ctx.report("reports_leader_pdf_task", seconds, "s", page_s)


# Loading DuckDB (untimed) -------------------------------------------------------------------


def _naive_utc(value: datetime) -> datetime:
    """`value` as a naive UTC datetime: what DuckDB's TIMESTAMP (no time zone) holds."""
    return value.astimezone(UTC).replace(tzinfo=None)


def _events_load(con) -> int:
    """Copy every event (staff_id, kind, subject, occurred_at) into DuckDB's `events`.

    occurred_at becomes a TIMESTAMP in UTC, exact to the microsecond. SQLite hands back
    Django's 'YYYY-MM-DD HH:MM:SS[.ffffff]' strings (parsed vectorised here); PostgreSQL
    converts to microseconds since the epoch itself, which travels faster than datetimes.
    """
    from django.db import connection

    from portal.models import EngagementEvent
    from portal.tiers.engine import epoch_us_sql

    meta, quote = EngagementEvent._meta, connection.ops.quote_name
    staff, kind, subject, at = (
        quote(meta.get_field(f).column) for f in ("staff", "kind", "subject", "occurred_at")
    )
    as_text = connection.vendor == "sqlite"
    at_sql = at if as_text else epoch_us_sql(at)
    sql = f"SELECT {staff}, {kind}, {subject}, {at_sql} FROM {quote(meta.db_table)}"  # noqa: S608
    con.execute(
        "CREATE TABLE events (staff_id BIGINT, kind VARCHAR, subject VARCHAR,"
        " occurred_at TIMESTAMP)"
    )
    loaded = 0
    # A server-side cursor on PostgreSQL, so the 5 million rows never sit in memory at once.
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql)
        while rows := cursor.fetchmany(CHUNK):
            staff_ids, kinds, subjects, times = zip(*rows, strict=True)
            if as_text:
                parsed = pd.to_datetime(pd.Series(times), format="ISO8601", utc=True)
                micros = parsed.dt.tz_convert(None).astype("datetime64[us]").to_numpy()
                micros = micros.view(np.int64)
            else:
                micros = np.fromiter(times, dtype=np.int64, count=len(times))
            chunk = pd.DataFrame(
                {
                    "staff_id": np.fromiter(staff_ids, dtype=np.int64, count=len(staff_ids)),
                    # Categorical columns reach DuckDB as ENUMs: far faster than Python strings.
                    "kind": pd.Categorical(kinds),
                    "subject": pd.Categorical(subjects),
                    "t": micros,
                }
            )
            con.register("chunk", chunk)
            con.execute(
                "INSERT INTO events SELECT staff_id, kind::VARCHAR, subject::VARCHAR,"
                " make_timestamp(t) FROM chunk"
            )
            con.unregister("chunk")
            loaded += len(rows)
    return loaded


def _staff_load(con) -> int:
    from portal.models import Staff

    rows = list(Staff.objects.order_by().values_list("pk", "department_id", "active"))
    frame = pd.DataFrame(
        {
            "id": np.array([r[0] for r in rows], dtype=np.int64),
            "department_id": pd.array([r[1] for r in rows], dtype="Int64"),
            "active": np.array([bool(r[2]) for r in rows], dtype=bool),
        }
    )
    con.register("staff_frame", frame)
    con.execute("CREATE TABLE staff AS SELECT * FROM staff_frame")
    con.unregister("staff_frame")
    return len(rows)


def _rules_load(con) -> list[dict]:
    """The requirements, as plain rows (also kept in DuckDB's `requirements` for inspection)."""
    from portal.tiers.models import Requirement, Tier

    rules = [
        {
            "id": r.pk,
            "tier_order": r.tier.order,
            "event_kind": r.event_kind,
            "subject": r.subject,
            "min_count": r.min_count,
            "window_days": r.window_days,
            "distinct_subjects": r.distinct_subjects,
            "either_group": r.either_group,
        }
        for r in Requirement.objects.select_related("tier").order_by("tier__order", "pk")
    ]
    con.execute(
        "CREATE TABLE requirements (id BIGINT, tier_order INTEGER, event_kind VARCHAR,"
        " subject VARCHAR, min_count INTEGER, window_days INTEGER, distinct_subjects BOOLEAN,"
        " either_group INTEGER)"
    )
    if rules:
        con.executemany(
            "INSERT INTO requirements VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [list(r.values()) for r in rules],
        )
    # The tiers that can be reached, in order: a tier without requirements cannot be, and so
    # neither can any tier above it (as in `portal.tiers.engine.tier_intervals`).
    with_rules = {r["tier_order"] for r in rules}
    reachable = []
    for order in sorted(Tier.objects.values_list("order", flat=True)):
        if order not in with_rules:
            break
        reachable.append(order)
    con.execute("CREATE TABLE tiers (tier_order INTEGER)")
    if reachable:
        con.executemany("INSERT INTO tiers VALUES (?)", [[o] for o in reachable])
    return [r for r in rules if r["tier_order"] in reachable]


# The timed query ----------------------------------------------------------------------------


def funnel_sql(rules: list[dict], now: datetime) -> tuple[str, list]:
    """One DuckDB query for (department_id, tier_order, people), and its parameters.

    One pass over the events up to `now` of the kinds the requirements use, grouped by person,
    with one filtered count per requirement; then each person's level (the highest tier order
    up to which every tier holds) and one row per tier at or below it, counted by department.
    Every value (kinds, subjects, times) is a parameter; only integers are formatted in.
    """
    if not rules:
        return "SELECT NULL::BIGINT, NULL::INTEGER, NULL::BIGINT WHERE false", []
    params: list = []
    now_utc = _naive_utc(now)

    counts = []
    for r in rules:
        condition = ["kind = ?"]
        params.append(r["event_kind"])
        if r["subject"]:
            condition.append("subject = ?")
            params.append(r["subject"])
        if r["window_days"]:
            condition.append("occurred_at > ?")
            params.append(now_utc - timedelta(days=r["window_days"]))
        counted = "DISTINCT subject" if r["distinct_subjects"] else "*"
        counts.append(f"count({counted}) FILTER (WHERE {' AND '.join(condition)}) AS r{r['id']:d}")

    kinds = sorted({r["event_kind"] for r in rules})
    params += kinds
    params.append(now_utc)

    # Per tier: AND over its groups, OR over the alternatives of an either/or group.
    tiers: dict[int, dict[tuple, list[str]]] = {}
    for r in rules:
        group = ("either", r["either_group"]) if r["either_group"] is not None else ("own", r["id"])
        tiers.setdefault(r["tier_order"], {}).setdefault(group, []).append(
            f"r{r['id']:d} >= {int(r['min_count']):d}"
        )
    holds = {
        order: " AND ".join(f"({' OR '.join(alternatives)})" for alternatives in groups.values())
        for order, groups in tiers.items()
    }
    orders = sorted(holds)
    # The level: the first tier missed decides it (tiers below it all hold).
    level = "CASE " + " ".join(
        f"WHEN NOT ({holds[order]}) THEN {previous:d}"
        for order, previous in zip(orders, [0, *orders[:-1]], strict=True)
    )
    level += f" ELSE {orders[-1]:d} END"

    sql = f"""
        WITH counts AS (
            SELECT staff_id, {", ".join(counts)}
            FROM events
            WHERE kind IN ({", ".join("?" for _ in kinds)}) AND occurred_at <= ?
            GROUP BY staff_id
        ),
        levels AS (
            SELECT staff_id, {level} AS level FROM counts
        )
        SELECT s.department_id, t.tier_order, count(*) AS people
        FROM levels l
        JOIN staff s ON s.id = l.staff_id
        JOIN tiers t ON t.tier_order <= l.level
        WHERE s.active
        GROUP BY s.department_id, t.tier_order
    """  # noqa: S608 - only integers and fixed SQL are formatted in
    return sql, params


# The reference from the maintained attainments ----------------------------------------------


def _attainments_ready() -> None:
    from portal.models import TierAttainment
    from portal.tiers.services import tier_attainments_recompute

    if TierAttainment.objects.exists():
        return
    say("reports: no attainments yet, running tier_attainments_recompute() once first")
    start = time.perf_counter()
    tier_attainments_recompute()
    say(f"reports: recompute took {time.perf_counter() - start:.1f} s")


def _funnel_from_attainments(now: datetime) -> dict[tuple, int]:
    from django.db.models import Count

    from portal.tiers.selectors import attainments_held

    rows = (
        attainments_held(at=now)
        .filter(staff__active=True)
        .order_by()
        .values_list("staff__department_id", "tier__order")
        .annotate(people=Count("staff_id", distinct=True))
    )
    return {(department, order): people for department, order, people in rows}


def _differences(expected: dict, actual: dict, limit: int = 5) -> str:
    keys = sorted(set(expected) | set(actual), key=lambda k: (k[1], k[0] is None, k[0] or 0))
    wrong = [k for k in keys if expected.get(k) != actual.get(k)]
    shown = ", ".join(
        f"department {d} tier {o}: attainments {expected.get((d, o), 0)}"
        f" vs duckdb {actual.get((d, o), 0)}"
        for d, o in wrong[:limit]
    )
    more = f" (and {len(wrong) - limit} more)" if len(wrong) > limit else ""
    return f"{len(wrong)} of {len(keys)} (department, tier) counts differ: {shown}{more}"


def _per_tier(funnel: dict[tuple, int]) -> dict[int, int]:
    totals: Counter = Counter()
    for (_, order), people in funnel.items():
        totals[order] += people
    return dict(sorted(totals.items()))


class FunnelMismatch(AssertionError):
    """DuckDB's funnel and the one from the maintained attainments differ."""


# The benchmark ------------------------------------------------------------------------------


def run(ctx: Context) -> None:
    import duckdb
    from django.utils import timezone

    now = timezone.now()
    _attainments_ready()

    con = duckdb.connect()  # in memory, default threads
    start = time.perf_counter()
    events = _events_load(con)
    staff = _staff_load(con)
    rules = _rules_load(con)
    say(
        f"reports: loaded {events} events, {staff} staff and {len(rules)} requirements"
        f" into DuckDB in {time.perf_counter() - start:.1f} s (untimed)"
    )

    sql, params = funnel_sql(rules, now)
    result = []

    def duckdb_funnel() -> None:
        result[:] = con.execute(sql, params).fetchall()

    seconds = timed(duckdb_funnel)
    ctx.baseline["duckdb_funnel"] = seconds
    ctx.report("reports_duckdb_funnel", seconds, "s", seconds)

    from_duckdb = {(department, order): people for department, order, people in result}
    from_attainments = _funnel_from_attainments(now)
    if from_duckdb != from_attainments:
        description = _differences(from_attainments, from_duckdb)
        print(f"BENCH-FAIL reports_funnel_matches: {description}", flush=True)
        raise FunnelMismatch("see BENCH-FAIL reports_funnel_matches above")
    say(
        f"reports: the funnel from the attainments matches DuckDB's ({len(from_duckdb)}"
        f" department x tier counts); people per tier: {_per_tier(from_duckdb)}"
    )
    con.close()

    _dashboard_numbers(now)  # the process's first read of the frames
    dashboard = timed(lambda: _dashboard_numbers(now))
    ctx.report("reports_dashboard_numbers", dashboard, "s", ctx.baseline["duckdb_funnel"])
    fresh = timed(lambda: _dashboard_numbers(now, forget="periods"))
    ctx.report(
        "reports_dashboard_numbers_new_attainment", fresh, "s", ctx.baseline["duckdb_funnel"]
    )
    cold = timed(lambda: _dashboard_numbers(now, forget="all"))
    ctx.report("reports_dashboard_numbers_cold", cold, "s", ctx.baseline["duckdb_funnel"])
    directory = timed(lambda: _dashboard_numbers(now, forget="directory"))
    ctx.report(
        "reports_dashboard_numbers_new_directory", directory, "s", ctx.baseline["duckdb_funnel"]
    )
    _page_and_pdf(ctx)
