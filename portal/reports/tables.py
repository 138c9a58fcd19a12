"""The one shape every report number travels in: tables of typed cells.

A section of a report is a `Table` (plus, sometimes, a chart drawn from the same rows). The
screen, the PDF, the spreadsheet and the CSV all render these tables, so suppression decided
once here holds in every one of them: a cell is either a value or `SUPPRESSED`.

The threshold is the setting `REPORT_MIN_GROUP` (5 unless set; `min_group()`). Which cells
are hidden beyond the groups under it, so that no hidden number can be worked out from the
others, is decided in `disclosure`; every hidden cell reads the same ("withheld"), so a reader
cannot tell a small group from one hidden to protect it.
"""

from dataclasses import dataclass, field
from datetime import date

from django.conf import settings


def min_group() -> int:
    """No number about fewer people than this is shown (`REPORT_MIN_GROUP`)."""
    return settings.REPORT_MIN_GROUP


class _Suppressed:
    """A number withheld: its group holds fewer than `min_group()` people, or it would let
    someone work such a group out from the numbers around it."""

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __str__(self) -> str:
        return "withheld"

    def __repr__(self) -> str:
        return "SUPPRESSED"

    def __bool__(self) -> bool:
        return False


SUPPRESSED = _Suppressed()

# Cell kinds, which say how a value is shown and exported:
TEXT = "text"  # str
COUNT = "count"  # int
PERCENT = "percent"  # float, a share from 0 to 1 (shown "42 %")
POINTS = "points"  # float, a change in a share: 0.035 is shown "+3.5 pp"
DAYS = "days"  # int or float, a number of days
DATE = "date"  # datetime.date

Cell = str | int | float | date | None | _Suppressed


@dataclass(frozen=True)
class Column:
    label: str
    kind: str = TEXT


@dataclass
class Table:
    """Rows of cells under typed columns. The first column names the row (a group, a tier, a
    week); `None` is "no value" (shown as a dash), `SUPPRESSED` is "withheld"."""

    key: str  # stable, for sheet names and anchors: "funnel", "by_department"
    title: str
    columns: list[Column]
    rows: list[list[Cell]] = field(default_factory=list)
    summary: str = ""  # one or two sentences saying what the table shows, in words
    note: str = ""  # how the numbers are counted
    # Per row (or empty): the filters a row's report is opened with on screen, such as
    # {"department": "12"} for a department with teams. Not part of the numbers.
    links: list[dict[str, str] | None] = field(default_factory=list)
    # False: this view does not break down into these groups for its reader (no rows, and
    # the summary says why); not the same as a table with nobody in it.
    published: bool = True

    def __post_init__(self):
        for row in self.rows:
            if len(row) != len(self.columns):
                raise ValueError(f"{self.key}: a row has {len(row)} cells for {len(self.columns)}")


def share(part: int, whole: int, *, hidden: bool = False) -> float | _Suppressed | None:
    """`part` of `whole` as a share, withheld when `whole` is a group under `min_group()` or
    the caller says it is hidden."""
    if hidden or whole < min_group():
        return SUPPRESSED
    return part / whole


def count(value: int, group: int, *, hidden: bool = False) -> int | _Suppressed:
    """A count about a group of `group` people, withheld when the group is under
    `min_group()` or the caller says it is hidden."""
    return SUPPRESSED if hidden or group < min_group() else value


def cell_text(value: Cell, kind: str) -> str:
    """A cell as people read it, on screen and in the PDF."""
    if value is SUPPRESSED:
        return str(SUPPRESSED)
    if value is None:
        return "–"
    if kind == PERCENT:
        return f"{value * 100:.0f} %"
    if kind == POINTS:
        return f"{value * 100:+.1f} pp" if value else "no change"
    if kind == DATE:
        return f"{value:%-d %b %Y}"
    if kind == DAYS:
        return f"{value:.0f}"
    if kind == COUNT:
        return f"{value:,}"
    return str(value)


def display_rows(table: Table, limit: int | None = None) -> list[list[dict]]:
    """The rows as templates show them: each cell's text, and whether it is a number (right
    aligned) or withheld (set in italics)."""
    return [
        [
            {
                "text": cell_text(value, column.kind),
                "numeric": column.kind != TEXT and column.kind != DATE,
                "suppressed": value is SUPPRESSED,
            }
            for value, column in zip(row, table.columns, strict=True)
        ]
        for row in table.rows[:limit]
    ]
