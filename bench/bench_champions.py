"""The champion score for everyone and the review queue, against the GROUP BY floor (goal: <= 3x).

Scoring reads every event of the kinds that count once, by person, like the baseline; the rest
(tiers held, hosted sessions, nominations, pandas arithmetic, the queue) must stay small.
"""

from bench.bench_baseline import group_by_seconds
from bench.harness import Context, say, timed


def run(ctx: Context) -> None:
    try:
        from champions import selectors
    except ImportError as error:
        ctx.skip("champion_scoring", f"champions.selectors is not importable ({error})")
        return
    baseline = group_by_seconds(ctx)
    queue = []

    def score_everyone() -> None:
        queue[:] = selectors.champion_candidates()

    seconds = timed(score_everyone)
    top = ", ".join(f"{c.score:.1f}" for c in queue[:5])
    say(f"champions: {len(queue)} candidates in the review queue; top scores {top}")
    ctx.report("champion_scoring", seconds, "s", baseline)
