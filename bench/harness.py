"""What every benchmark shares: Django set-up, the disposable database, timing and reporting.

Benchmarks print rather than log: their output is the product, read by people and by scripts
that grep for lines starting with `BENCH `.
"""

import gc
import importlib
import math
import os
import pkgutil
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

SETTINGS_MODULE = "portal.settings.bench"
DEFAULT_STAFF = 100_000
DEFAULT_EVENTS = 5_000_000
DEFAULT_SEED = 20240601


def django_setup() -> None:
    """Point Django at the bench settings (whatever the shell says) and start it."""
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS_MODULE
    import django

    django.setup()


def significant(value: float, digits: int = 3) -> str:
    """`value` rounded to `digits` significant digits, written without an exponent."""
    if value == 0 or not math.isfinite(value):
        return f"{value:g}"
    decimals = digits - 1 - math.floor(math.log10(abs(value)))
    if decimals <= 0:
        return f"{round(value, decimals):.0f}"
    return f"{value:.{decimals}f}"


def timed(fn: Callable[[], object], repeat: int = 3) -> float:
    """The best (smallest) wall time of `repeat` calls of `fn`, in seconds."""
    best = math.inf
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def say(message: str) -> None:
    """A progress line. Never starts with `BENCH`, so result parsers can ignore it."""
    print(f"bench: {message}", flush=True)


@dataclass
class Context:
    """What a benchmark's `run(ctx)` gets: the data sizes, shared baselines and the reporter."""

    staff: int
    events: int
    seed: int
    baseline: dict[str, float] = field(default_factory=dict)

    def report(self, name: str, value: float, unit: str, baseline: float) -> None:
        ratio = value / baseline if baseline else math.nan
        print(f"BENCH {name} {significant(value)} {unit} ratio={ratio:.2f}", flush=True)

    def skip(self, name: str, reason: str) -> None:
        print(f"BENCH-SKIP {name}: {reason}", flush=True)


# The disposable database ----------------------------------------------------------------------


def database_describe() -> str:
    from django.db import connection

    name = connection.settings_dict["NAME"]
    if connection.vendor == "postgresql":
        host = connection.settings_dict.get("HOST") or "local socket"
        return f"postgresql {name} on {host}"
    return f"{connection.vendor} {name}"


def _refuse_unless_disposable() -> None:
    from django.conf import settings

    if not getattr(settings, "PORTAL_BENCH_DATABASE", False):
        raise RuntimeError(
            "Refusing to wipe a database that is not the bench database: "
            f"run with DJANGO_SETTINGS_MODULE={SETTINGS_MODULE}."
        )


def _postgresql_create_if_missing() -> None:
    import psycopg
    from django.db import connection
    from psycopg import sql

    try:
        connection.ensure_connection()
        return
    except Exception:  # noqa: S110 - the database may simply not exist yet; checked below
        connection.close()
    params = connection.get_connection_params()
    params = {k: v for k, v in params.items() if k in {"host", "port", "user", "password"}}
    name = connection.settings_dict["NAME"]
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            say(f"creating database {name}")
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def database_reset() -> None:
    """Drop everything in the bench database and migrate it from scratch."""
    from django.db import connection

    _refuse_unless_disposable()
    connection.close()
    if connection.vendor == "sqlite":
        path = str(connection.settings_dict["NAME"])
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(path + suffix).unlink(missing_ok=True)
    elif connection.vendor == "postgresql":
        _postgresql_create_if_missing()
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA IF EXISTS public CASCADE")
            cursor.execute("CREATE SCHEMA public")
    else:
        raise RuntimeError(f"The benchmarks support SQLite and PostgreSQL, not {connection.vendor}")
    database_migrate()


def database_migrate() -> None:
    from django.core.management import call_command

    start = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    say(f"migrated in {time.perf_counter() - start:.1f} s")


def database_matches(*, staff: int, events: int) -> bool:
    """True when the bench database already holds generated data of these sizes."""
    from django.db import connection

    if connection.vendor == "sqlite" and not Path(str(connection.settings_dict["NAME"])).exists():
        return False
    try:
        tables = set(connection.introspection.table_names())
    except Exception:
        return False
    from portal.models import EngagementEvent, Staff

    if not {Staff._meta.db_table, EngagementEvent._meta.db_table} <= tables:
        return False
    return (
        Staff.objects.count() == staff
        and EngagementEvent.objects.filter(source="bench").count() == events
    )


# Running the benchmarks ---------------------------------------------------------------------


def bench_modules() -> list[str]:
    """The short names of `bench/bench_*.py`, sorted: `baseline`, `my_path`, ..."""
    here = Path(__file__).resolve().parent
    return sorted(
        info.name.removeprefix("bench_")
        for info in pkgutil.iter_modules([str(here)])
        if info.name.startswith("bench_")
    )


def bench_run_all(ctx: Context, only: Iterable[str] = ()) -> int:
    """Run each selected benchmark; a failure is printed and counted, the others still run."""
    names = bench_modules()
    wanted = set(only)
    unknown = wanted - set(names)
    if unknown:
        raise SystemExit(f"Unknown benchmark(s): {', '.join(sorted(unknown))}. Known: {names}")
    failures = 0
    for name in names:
        if wanted and name not in wanted:
            continue
        say(f"running {name}")
        module = importlib.import_module(f"bench.bench_{name}")
        try:
            module.run(ctx)
        except Exception as error:
            failures += 1
            traceback.print_exc()
            print(f"BENCH-FAIL {name}: {type(error).__name__}: {error}", flush=True)
    return failures
