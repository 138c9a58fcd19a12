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
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from ...audit.services import record as audit_record
from ..models import DirectoryImport, DirectoryRevision
from .reading import COLUMNS, MAX_LENGTHS, parse
from .results import LARGE_DEPARTURE_SHARE, ImportResult, Leaver, RowError, errors
from .writing import apply, plan_changes, undo

__all__ = [
    "COLUMNS",
    "LARGE_DEPARTURE_SHARE",
    "MAX_LENGTHS",
    "UNDO_HOURS",
    "ImportResult",
    "Leaver",
    "RowError",
    "UndoRefused",
    "import_undoable",
    "staff_import",
    "staff_import_undo",
]

logger = logging.getLogger(__name__)

UNDO_HOURS = 24


def staff_import(
    *,
    data: bytes,
    dry_run: bool = False,
    deactivate_missing: bool = False,
    departures_confirmed: int | None = None,
    by=None,
) -> ImportResult:
    """Check the CSV `data` against the directory and, unless `dry_run` or a row is bad, apply it.

    Upserts by employee id. Only a full directory export (`deactivate_missing`) marks the staff
    missing from it inactive, and never deletes them; when that is more than
    `LARGE_DEPARTURE_SHARE` of the active directory, it is applied only if
    `departures_confirmed` is exactly that number (someone typed it, having seen the list).
    Run the same file twice and the second run changes nothing. An applied import is kept as a
    `DirectoryImport` that `staff_import_undo` can reverse for `UNDO_HOURS`.
    """
    rows, problems, count = parse(data)
    if rows is None:  # the file as a whole could not be read: `problems` says why
        return ImportResult(errors=errors(problems))
    if dry_run:
        return plan_changes(rows, problems, count, deactivate_missing=deactivate_missing).result
    try:
        with transaction.atomic():
            plan = plan_changes(rows, problems, count, deactivate_missing=deactivate_missing)
            result = plan.result
            if (
                result.ok
                and result.confirmation_needed
                and departures_confirmed != (result.deactivated)
            ):
                result.refused = (
                    f"This import would mark {result.deactivated} of {result.directory_size} "
                    f"active people inactive. Type {result.deactivated} to confirm that they "
                    "have all left; nothing was imported."
                )
            if result.ok:
                before = apply(plan)
                record = DirectoryImport.objects.create(
                    applied_by=by,
                    mode=DirectoryImport.FULL if deactivate_missing else DirectoryImport.UPDATE,
                    rows=result.rows,
                    created=result.created,
                    updated=result.updated,
                    deactivated=result.deactivated,
                    before=before,
                    revision_after=DirectoryRevision.objects.get(pk=1).token,
                )
                result.import_id = record.pk
                audit_record(
                    actor=by,
                    action="staff.imported",
                    target=record,
                    detail={
                        "mode": record.mode,
                        "rows": result.rows,
                        "created": result.created,
                        "updated": result.updated,
                        "deactivated": result.deactivated,
                    },
                )
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
    if result.ok:
        result.applied = True
        logger.info(
            "Staff import applied: %d rows, %d created, %d updated, %d unchanged, %d deactivated",
            result.rows,
            result.created,
            result.updated,
            result.unchanged,
            result.deactivated,
        )
    return result


class UndoRefused(Exception):
    """Why an import cannot be undone, in words for the person who asked."""


def import_undoable() -> DirectoryImport | None:
    """The last import, if it can still be undone: applied in the last `UNDO_HOURS`, not undone,
    and nothing has changed the directory since (another import, an edit in the admin)."""
    last = DirectoryImport.objects.first()
    if last is None or last.undone_at is not None:
        return None
    if last.applied_at < timezone.now() - timedelta(hours=UNDO_HOURS):
        return None
    current = DirectoryRevision.objects.filter(pk=1).values_list("token", flat=True).first()
    return last if current == last.revision_after else None


def staff_import_undo(*, import_id: int, by=None) -> DirectoryImport:
    """Put the directory back as it was before import `import_id`, if it is still undoable."""
    with transaction.atomic():
        DirectoryRevision.objects.select_for_update().filter(pk=1).first()  # one undo at a time
        record = import_undoable()
        if record is None or record.pk != import_id:
            raise UndoRefused(
                "That import can no longer be undone: only the last import can be, within "
                f"{UNDO_HOURS} hours, and only while nothing else has changed the directory "
                "since. Import a corrected file instead."
            )
        undo(record.before)
        record.undone_at, record.undone_by = timezone.now(), by
        record.save(update_fields=["undone_at", "undone_by"])
        audit_record(actor=by, action="staff.import_undone", target=record)
    logger.info("Staff import %d undone", record.pk)
    return record
