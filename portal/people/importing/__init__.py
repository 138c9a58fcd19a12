"""Keep the staff directory in step with the HR export: a CSV file, applied all or nothing.

Why it is built this way: HR exports come out of spreadsheets in whatever encoding and delimiter
the export dialog chose, and an import that half-applies leaves a directory nobody chose. So the
whole file is read and checked first; every bad row becomes a sentence with its physical line
number (errors are data, so the admin preview can list all of them); and only a clean file is
written, in one transaction, with bulk queries in batches (a constant number of queries per
batch, never one per row) so a 100,000-row export takes seconds.

Extra columns are ignored, whatever they are called: a column named `is_superuser`,
`groups` or `password` grants nothing. Text is kept as given (NFC, trimmed), so a name such as
`=HYPERLINK(...)` is stored as literal text; making it harmless in a spreadsheet is the job of
whatever exports it again.

The steps live in their own modules, in the order they run: `reading` (bytes to rows, each row
checked on its own), `checking` (the rules that need the whole file and the directory),
`writing` (the plan of what changes, then applying it); `results` is what comes back. This
module is the public API and the order of those steps, and nothing else.
"""

import logging

from django.db import IntegrityError, transaction

from .reading import COLUMNS, MAX_LENGTHS, parse
from .results import ImportResult, RowError, errors
from .writing import apply, plan_changes

__all__ = ["COLUMNS", "MAX_LENGTHS", "ImportResult", "RowError", "staff_import"]

logger = logging.getLogger(__name__)


def staff_import(
    *, data: bytes, dry_run: bool = False, deactivate_missing: bool = True
) -> ImportResult:
    """Check the CSV `data` against the directory and, unless `dry_run` or a row is bad, apply it.

    Upserts by employee id; staff missing from the file become inactive when
    `deactivate_missing` (a full export), and are never deleted. Run the same file twice and
    the second run changes nothing.
    """
    rows, problems, count = parse(data)
    if rows is None:  # the file as a whole could not be read: `problems` says why
        return ImportResult(errors=errors(problems))
    if dry_run:
        return plan_changes(rows, problems, count, deactivate_missing=deactivate_missing).result
    try:
        with transaction.atomic():
            plan = plan_changes(rows, problems, count, deactivate_missing=deactivate_missing)
            if plan.result.ok:
                apply(plan)
    except IntegrityError:
        logger.warning("Staff import rolled back: the directory changed while it ran")
        return ImportResult(
            rows=count,
            errors=[
                RowError(
                    0,
                    "The directory changed while this import ran (someone else saved staff at "
                    "the same time). Nothing was imported; run it again.",
                )
            ],
        )
    if plan.result.ok:
        result = plan.result
        result.applied = True
        logger.info(
            "Staff import applied: %d rows, %d created, %d updated, %d unchanged, %d deactivated",
            result.rows,
            result.created,
            result.updated,
            result.unchanged,
            result.deactivated,
        )
    return plan.result
