"""`manage.py import_staff FILE [--full] [--dry-run]`: the HR export, from a shell or a job.

Exits non-zero when any row is bad (and then imports nothing), so a cron job or CI step that
runs it notices. The rules live in `portal.people.importing`; this only reads the file and
reports.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal.people import importing


class Command(BaseCommand):
    help = (
        "Import the staff directory from the HR CSV export, all rows or none. Adds and updates "
        "people; with --full, staff missing from the file become inactive. Nobody is deleted."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The CSV file: a header row, then one row per person.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the file and say what would change, without writing anything.",
        )
        parser.add_argument(
            "--full",
            action="store_true",
            help="The file is the whole directory: mark the staff missing from it inactive.",
        )
        parser.add_argument(
            "--confirm-departures",
            type=int,
            metavar="N",
            help="With --full, when more than 5%% of active staff would be marked inactive: "
            "the number that would be, to say it is expected.",
        )

    def handle(self, *args, file, dry_run, full, confirm_departures, **options):
        try:
            data = Path(file).read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror or error}.") from None
        result = importing.staff_import(
            data=data,
            dry_run=dry_run,
            deactivate_missing=full,
            departures_confirmed=confirm_departures,
        )
        for error in result.errors:
            self.stderr.write(
                f"line {error.line}: {error.message}" if error.line else error.message
            )
        if result.refused:
            raise CommandError(
                f"This import would mark {result.deactivated} of {result.directory_size} active "
                "people inactive; nothing was imported. If they have all left, run it again "
                f"with --confirm-departures {result.deactivated}."
            )
        if result.errors:
            raise CommandError(
                f"{len(result.errors)} bad row(s) in {file}, listed above; nothing was imported. "
                "Fix them and run the import again."
            )
        counts = (
            f"{result.created} created, {result.updated} updated, {result.unchanged} unchanged, "
            f"{result.deactivated} marked inactive"
        )
        groups = (
            f"new departments {result.departments_created}, roles {result.roles_created}, "
            f"locations {result.locations_created}"
        )
        if dry_run:
            self.stdout.write(
                f"Dry run of {result.rows} rows, nothing written. Would be: {counts}; {groups}."
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(f"Imported {result.rows} rows: {counts}; {groups}.")
            )
