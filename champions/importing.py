"""Community activity from a CSV file (an export of the forum, or a spreadsheet kept by hand).

The same rules as the staff import (`portal.people.importing`), and its reading code: the file
is decoded and split the same way (byte-order marks, UTF-8, else cp1252; `,` `;` or tab), every
bad row becomes a sentence with its physical line number, a dry run says what would happen, and
only a clean file is applied, in one transaction. Applying goes through the same service as the
Discourse webhook (`activity_record`), so an activity matches the same people, waits in the
same review list when it matches nobody, and counts once however often the file is imported:
each row's `activity_id` is its identity (`csv:<activity_id>`).

Columns, in any order (others are ignored): activity_id, action (post, reply, like or
solution), occurred_at (ISO 8601 with an offset or Z, e.g. 2025-03-01T14:30:00Z), email,
username, url. A row needs an email or a username.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils import timezone

from portal.people.importing import reading
from portal.people.importing.results import Problems, RowError, errors
from portal.tiers.models import EngagementEvent

from .intake import ACTIONS, Activity
from .models import CommunityAccount, UnmatchedActivity
from .services import intake as services

__all__ = ["COLUMNS", "MAX_BYTES", "ActivityImportResult", "RowError", "community_activity_import"]

logger = logging.getLogger(__name__)

COLUMNS = ("activity_id", "action", "occurred_at", "email", "username", "url")
REQUIRED = ("activity_id", "action", "occurred_at")
SOURCE_PREFIX = "csv:"
MAX_LENGTHS = {
    "activity_id": UnmatchedActivity._meta.get_field("source_id").max_length - len(SOURCE_PREFIX),
    "email": UnmatchedActivity._meta.get_field("email").max_length,
    "username": CommunityAccount._meta.get_field("username").max_length,
    "url": UnmatchedActivity._meta.get_field("url").max_length,
}
MAX_BYTES = 50 * 1024 * 1024  # a year of a busy forum is a few MB; this is a mistake, not data
FUTURE_GRACE = timedelta(days=1)  # clocks and time zones disagree; a year typo does not
_url_valid = URLValidator(schemes=["http", "https"])


@dataclass
class ActivityImportResult:
    """What an import found and did (or, for a dry run or a bad file, would do)."""

    rows: int = 0
    recorded: int = 0  # became events for the staff they belong to
    unmatched: int = 0  # wait in the review list
    already: int = 0  # recorded or waiting from an earlier import
    errors: list[RowError] = field(default_factory=list)
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


def community_activity_import(*, data: bytes, dry_run: bool = False) -> ActivityImportResult:
    """Check the CSV `data` and, unless `dry_run` or a row is bad, record every row.

    Importing the same file again records nothing new (`already` counts those rows).
    """
    if len(data) > MAX_BYTES:
        return ActivityImportResult(
            errors=[
                RowError(
                    0,
                    f"The file is {len(data) / 1024 / 1024:.0f} MB; at most "
                    f"{MAX_BYTES // 1024 // 1024} MB can be imported at once. Split it and "
                    "import the parts.",
                )
            ]
        )
    activities, problems, count = _parse(data)
    result = ActivityImportResult(rows=count, errors=errors(problems))
    if activities is None or not result.ok:
        return result
    index = services.StaffIndex.for_activities(activities)
    if dry_run:
        _preview(activities, index, result)
        return result
    with transaction.atomic():
        for activity in activities:
            outcome = services.activity_record(
                activity=activity, source="import", staff_index=index
            )
            if outcome == services.RECORDED:
                result.recorded += 1
            elif outcome == services.UNMATCHED:
                result.unmatched += 1
            else:
                result.already += 1
    result.applied = True
    logger.info(
        "Community activity import applied: %d rows, %d recorded, %d unmatched, %d already in",
        result.rows,
        result.recorded,
        result.unmatched,
        result.already,
    )
    return result


def _preview(
    activities: list[Activity], index: services.StaffIndex, result: ActivityImportResult
) -> None:
    """Count what applying would do, reading only (a few queries per batch of rows)."""
    keys = [f"community:{activity.source_id}" for activity in activities]
    recorded: set[str] = set()
    waiting: set[str] = set()
    for start in range(0, len(activities), services.BATCH):
        recorded.update(
            EngagementEvent.objects.filter(
                idempotency_key__in=keys[start : start + services.BATCH]
            ).values_list("idempotency_key", flat=True)
        )
        waiting.update(
            UnmatchedActivity.objects.filter(
                source_id__in=[a.source_id for a in activities[start : start + services.BATCH]]
            ).values_list("source_id", flat=True)
        )
    for activity, key in zip(activities, keys, strict=True):
        if key in recorded:
            result.already += 1
        elif index.find(activity) is not None:
            result.recorded += 1
        elif activity.source_id in waiting:
            result.already += 1
        else:
            result.unmatched += 1


def _parse(data: bytes) -> tuple[list[Activity] | None, Problems, int]:
    """Activities from the good rows, the problems of each line, and how many rows there were."""
    problems: Problems = defaultdict(list)
    try:
        text = reading.decode(data)
    except reading.Unreadable as error:
        problems[error.line].append(error.message)
        return None, problems, 0
    records = reading.records_split(text, reading.delimiter_guess(text))
    header = next(records, None)
    if header is None:
        problems[1].append("The file is empty: expected a header row, then one row per activity.")
        return None, problems, 0
    header_line, _, header_cells = header
    columns = reading.columns_find(header_cells or [], header_line, problems, COLUMNS)
    if header_cells is None or columns is None:
        return None, problems, 0
    width = max(index for index, cell in enumerate(header_cells) if cell.strip()) + 1
    activities, lines_of = [], defaultdict(list)
    count = 0
    now = timezone.now()
    for first, last, cells in records:
        count += 1
        if cells is None:
            problems[first].append("could not be read as CSV (a value is far too long)")
            continue
        activity = _row(first, last, cells, columns, width, now, problems)
        if activity is not None:
            activities.append(activity)
            lines_of[activity.source_id].append(first)
    if not count:
        problems[header_line].append("The file has a header but no rows of activity below it.")
        return None, problems, 0
    for source_id, lines in lines_of.items():
        for line in lines if len(lines) > 1 else ():
            problems[line].append(
                f"activity_id {reading.show(source_id.removeprefix(SOURCE_PREFIX))} is also on "
                f"{reading.show_lines(lines, leaving=line)}"
            )
    return activities, problems, count


def _row(
    first: int,
    last: int,
    cells: list[str],
    columns: dict[str, int],
    width: int,
    now: datetime,
    problems: Problems,
) -> Activity | None:
    """The row's activity, or None with its reasons noted against line `first`."""
    reasons = problems[first]
    values = reading.row_values(
        first, last, cells, columns, width, reasons, required=REQUIRED, max_lengths=MAX_LENGTHS
    )
    action = values["action"].lower()
    if action and action not in ACTIONS:
        reasons.append(
            f"action {reading.show(values['action'])} is not one of {', '.join(ACTIONS)}"
        )
    occurred_at = _time(values["occurred_at"], now, reasons)
    if not values["email"] and not values["username"]:
        reasons.append("needs an email or a username to say whose activity it is")
    if values["email"] and len(values["email"]) <= MAX_LENGTHS["email"]:
        try:
            validate_email(values["email"])
        except ValidationError:
            reasons.append(f"email {reading.show(values['email'])} is not a valid email address")
    if values["url"] and len(values["url"]) <= MAX_LENGTHS["url"]:
        try:
            _url_valid(values["url"])
        except ValidationError:
            reasons.append(
                f"url {reading.show(values['url'])} is not a web address (http or https)"
            )
    if reasons:
        return None
    del problems[first]
    return Activity(
        source_id=SOURCE_PREFIX + values["activity_id"],
        action=action,
        occurred_at=occurred_at,
        email=values["email"],
        username=values["username"],
        url=values["url"],
    )


def _time(value: str, now: datetime, reasons: list[str]) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        reasons.append(
            f"occurred_at {reading.show(value)} is not a date and time with its offset, "
            "written as ISO 8601 (for example 2025-03-01T14:30:00Z or 2025-03-01T15:30+01:00)"
        )
        return None
    if moment > now + FUTURE_GRACE:
        reasons.append(f"occurred_at {reading.show(value)} is in the future")
        return None
    return moment
