"""What an import reports: a `RowError` sentence per bad line, and the `ImportResult` totals.

Its own module because every step adds to it: reading and checking note their reasons against
physical lines (`Problems`), and `errors` turns those into the one sentence per line that the
command prints and the admin preview lists.
"""

from dataclasses import dataclass, field
from typing import NamedTuple

LARGE_DEPARTURE_SHARE = 0.05


class Leaver(NamedTuple):
    """Someone a full import would mark inactive: shown by name before anyone confirms."""

    employee_id: str
    name: str
    email: str


class RowError(NamedTuple):
    """One bad row: its physical line in the file (the header is line 1) and why, in words."""

    line: int
    message: str


@dataclass
class ImportResult:
    """What an import found and did (or, for a dry run or a bad file, would do)."""

    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0
    departments_created: int = 0
    roles_created: int = 0
    locations_created: int = 0
    errors: list[RowError] = field(default_factory=list)
    applied: bool = False
    leavers: list[Leaver] = field(default_factory=list)  # who would be marked inactive
    directory_size: int = 0  # active people before the import
    import_id: int | None = None  # the `DirectoryImport` kept for undo, once applied
    refused: str = ""  # why a clean file was not applied (a large departure not confirmed)

    @property
    def ok(self) -> bool:
        return not self.errors and not self.refused

    @property
    def confirmation_needed(self) -> bool:
        """Marking inactive more than `LARGE_DEPARTURE_SHARE` of the directory asks the person
        to type how many: one click must never empty the directory."""
        return self.deactivated > self.directory_size * LARGE_DEPARTURE_SHARE


Problems = dict[int, list[str]]


def errors(problems: Problems) -> list[RowError]:
    return [
        RowError(line, _sentence("; ".join(reasons)))
        for line, reasons in sorted(problems.items())
        if reasons
    ]


def _sentence(text: str) -> str:
    return text if text.endswith(".") else text + "."
