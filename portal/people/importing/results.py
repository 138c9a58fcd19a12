"""What an import reports: a `RowError` sentence per bad line, and the `ImportResult` totals.

Its own module because every step adds to it: reading and checking note their reasons against
physical lines (`Problems`), and `errors` turns those into the one sentence per line that the
command prints and the admin preview lists.
"""

from dataclasses import dataclass, field
from typing import NamedTuple


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

    @property
    def ok(self) -> bool:
        return not self.errors


Problems = dict[int, list[str]]


def errors(problems: Problems) -> list[RowError]:
    return [
        RowError(line, _sentence("; ".join(reasons)))
        for line, reasons in sorted(problems.items())
        if reasons
    ]


def _sentence(text: str) -> str:
    return text if text.endswith(".") else text + "."
