"""`python -m bench`: build the bench database, fill it, run every benchmark. See README.md."""

import argparse
import sys
import time

from bench import harness


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--staff", type=int, default=harness.DEFAULT_STAFF, help="staff rows")
    parser.add_argument(
        "--events", type=int, default=harness.DEFAULT_EVENTS, help="engagement event rows"
    )
    parser.add_argument("--seed", type=int, default=harness.DEFAULT_SEED, help="random seed")
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="NAME",
        help="run only this benchmark (repeatable or comma-separated), e.g. --only recompute",
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="reuse the bench database when it already holds data of these sizes",
    )
    args = parser.parse_args(argv)
    if args.staff < 10 or args.events < 1:
        parser.error("--staff must be at least 10 and --events at least 1")
    only = [name.strip() for item in args.only for name in item.split(",") if name.strip()]
    unknown = sorted(set(only) - set(harness.bench_modules()))
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(unknown)}; known: {harness.bench_modules()}")

    harness.django_setup()
    from bench.generate import generate

    harness.say(f"database {harness.database_describe()}")
    if args.keep and harness.database_matches(staff=args.staff, events=args.events):
        harness.say(f"--keep: reusing {args.staff} staff and {args.events} events")
        harness.database_migrate()
    else:
        harness.database_reset()
        start = time.perf_counter()
        generate(staff=args.staff, events=args.events, seed=args.seed)
        harness.say(f"generated the data in {time.perf_counter() - start:.1f} s")

    ctx = harness.Context(staff=args.staff, events=args.events, seed=args.seed)
    failures = harness.bench_run_all(ctx, only)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
