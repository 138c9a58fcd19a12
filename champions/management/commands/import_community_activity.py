"""`manage.py import_community_activity FILE [--dry-run]`: forum activity from a CSV file.

Exits non-zero when any row is bad (and then records nothing), so a scheduled job notices. The
rules live in `champions.importing`; this only reads the file and reports, like `import_staff`.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from champions import importing


class Command(BaseCommand):
    help = (
        "Import community activity (posts, replies, likes, accepted solutions) from a CSV file, "
        "all rows or none. Activity matching no one waits in the admin's review list."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file",
            help=f"The CSV file: a header row ({','.join(importing.COLUMNS)}), then one row "
            "per activity.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the file and say what would happen, without writing anything.",
        )

    def handle(self, *args, file, dry_run, **options):
        path = Path(file)
        try:
            if path.stat().st_size > importing.MAX_BYTES:
                raise CommandError(
                    f"{file} is larger than {importing.MAX_BYTES // 1024 // 1024} MB; split it "
                    "and import the parts."
                )
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror or error}.") from None
        result = importing.community_activity_import(data=data, dry_run=dry_run)
        for error in result.errors:
            self.stderr.write(
                f"line {error.line}: {error.message}" if error.line else error.message
            )
        if result.errors:
            raise CommandError(
                f"{len(result.errors)} bad row(s) in {file}, listed above; nothing was imported. "
                "Fix them and run the import again."
            )
        counts = (
            f"{result.recorded} recorded, {result.unmatched} waiting for review (matched no "
            f"one), {result.already} already in"
        )
        if dry_run:
            self.stdout.write(
                f"Dry run of {result.rows} rows, nothing written. Would be: {counts}."
            )
        else:
            self.stdout.write(self.style.SUCCESS(f"Imported {result.rows} rows: {counts}."))
