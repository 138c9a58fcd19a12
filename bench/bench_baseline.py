"""The floor of the tier recompute job: one GROUP BY over the whole event log, fully fetched.

A set-based recompute has to read every event at least once, by person and kind, so no
implementation can beat this query by much; `bench_recompute` reports against it. It is
measured once per run and shared through `ctx.baseline["group_by"]`.
"""

from bench.harness import Context, say, timed


def group_by_seconds(ctx: Context) -> float:
    """The best of 3 wall times of the GROUP BY, measured on first use."""
    if "group_by" not in ctx.baseline:
        from django.db import connection

        from portal.models import EngagementEvent

        meta, quote = EngagementEvent._meta, connection.ops.quote_name
        staff, kind, at = (
            quote(meta.get_field(f).column) for f in ("staff", "kind", "occurred_at")
        )
        sql = (
            f"SELECT {staff}, {kind}, count(*), max({at}) "  # noqa: S608 - names from the model
            f"FROM {quote(meta.db_table)} GROUP BY {staff}, {kind}"
        )
        rows = []

        def query() -> None:
            with connection.cursor() as cursor:
                cursor.execute(sql)
                rows[:] = cursor.fetchall()

        ctx.baseline["group_by"] = timed(query)
        say(f"group by: {len(rows)} (staff, kind) rows")
    return ctx.baseline["group_by"]


def run(ctx: Context) -> None:
    seconds = group_by_seconds(ctx)
    ctx.report("event_group_by", seconds, "s", seconds)
