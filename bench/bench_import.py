"""The HR import of a full staff file (goal from the issue: 100,000 rows well under a minute).

Baseline: reading the same file with Python's csv module alone, the floor of any import. The
import runs for real (parse, check every row, write new people in bulk) inside a transaction
that is rolled back, so the bench data is left as it was.
"""

import csv
import io
import time

import numpy as np

from bench.harness import Context, say, timed

ROWS = 100_000
DEPARTMENTS = [f"Department {i}" for i in range(40)]
ROLES = [f"Role {i}" for i in range(25)]
LOCATIONS = [f"Location {i}" for i in range(12)]


def staff_file(rows: int = ROWS, seed: int = 7) -> bytes:
    """A clean HR export of `rows` new people with a manager tree, as a spreadsheet saves it."""
    rng = np.random.default_rng(seed)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["employee_id", "email", "name", "department", "role", "location", "manager_email",
         "start_date", "cost_centre"]
    )  # fmt: skip
    departments = rng.integers(0, len(DEPARTMENTS), rows)
    roles = rng.integers(0, len(ROLES), rows)
    locations = rng.integers(0, len(LOCATIONS), rows)
    days = rng.integers(0, 5 * 365, rows)
    for i in range(rows):
        manager = "" if i == 0 else f"import.{int(rng.integers(0, i)) // 8 * 8}@example.com"
        writer.writerow(
            [
                f"IMP{i:06d}",
                f"import.{i}@example.com",
                f"Person {i}",
                DEPARTMENTS[departments[i]],
                ROLES[roles[i]],
                LOCATIONS[locations[i]],
                manager,
                np.datetime64("2021-01-01") + int(days[i]),
                f"CC{i % 97}",
            ]
        )
    return out.getvalue().encode("utf-8-sig")


def run(ctx: Context) -> None:
    from django.db import transaction

    from portal.people.importing import staff_import

    data = staff_file()
    baseline = timed(lambda: sum(1 for _ in csv.reader(io.StringIO(data.decode("utf-8-sig")))))
    with transaction.atomic():
        started = time.perf_counter()
        result = staff_import(data=data, deactivate_missing=False)
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    if not result.ok:
        raise RuntimeError(f"the clean file was refused: {result.errors[:3]}")
    say(f"import: {result.created} people created, then rolled back")
    ctx.report("staff_import_100k", seconds, "s", baseline)
