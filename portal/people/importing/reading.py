"""Reading the HR file: bytes to text, text to `StaffRow`s, each row checked on its own.

Everything here needs the file and nothing else, so it runs before any query. Spreadsheets
export in whatever encoding and delimiter the dialog chose: the encoding comes from a byte-order
mark, else strict UTF-8, else cp1252 (and a file that mixes two is refused rather than turned
into mojibake); the delimiter is whichever the header uses most. Each bad value becomes a reason
on its physical line. `show` and `show_lines` quote values and lines for every message, the
whole-file checks' included.
"""

import codecs
import csv
import functools
import io
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from ..models import Department, Location, Role, Staff
from .results import Problems

COLUMNS = (
    "employee_id",
    "email",
    "name",
    "department",
    "role",
    "location",
    "manager_email",
    "start_date",
)
REQUIRED = ("employee_id", "email", "name")
MAX_LENGTHS = {
    "employee_id": Staff._meta.get_field("employee_id").max_length,
    "email": Staff._meta.get_field("email").max_length,
    "name": Staff._meta.get_field("display_name").max_length,
    "department": Department._meta.get_field("name").max_length,
    "role": Role._meta.get_field("name").max_length,
    "location": Location._meta.get_field("name").max_length,
    "manager_email": Staff._meta.get_field("email").max_length,
}

_BOMS = (  # UTF-32 first: its little-endian mark begins with UTF-16's.
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)
# cp1252 as Windows reads it: the five bytes it leaves undefined pass through unchanged.
_CP1252 = {
    byte: bytes([byte]).decode("cp1252")
    for byte in range(0x80, 0xA0)
    if byte not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)
}
_WORKBOOK_SIGNATURES = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")  # zip; old .xls
_CONTROLS = frozenset(
    chr(code) for code in [*range(0x20), 0x7F, *range(0x80, 0xA0)] if chr(code) not in "\t\n\r"
)
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
SHOW_AT_MOST = 5  # lines named in one message ("also on lines 3, 9, 12 and 40 more")


@dataclass
class StaffRow:
    line: int
    employee_id: str
    email: str
    name: str
    department: str
    role: str
    location: str
    manager_email: str
    start_date: date | None
    email_ok: bool = False
    manager_ok: bool = False


class Unreadable(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


def parse(data: bytes) -> tuple[list[StaffRow] | None, Problems, int]:
    """Rows (bad ones included), the problems of each line, and how many data rows there were."""
    problems: Problems = defaultdict(list)
    try:
        text = decode(data)
    except Unreadable as error:
        problems[error.line].append(error.message)
        return None, problems, 0
    records = records_split(text, delimiter_guess(text))
    header = next(records, None)
    if header is None:
        problems[1].append("The file is empty: expected a header row, then one row per person.")
        return None, problems, 0
    header_line, _, header_cells = header
    columns = columns_find(header_cells or [], header_line, problems)
    if header_cells is None or columns is None:
        return None, problems, 0
    width = max(index for index, cell in enumerate(header_cells) if cell.strip()) + 1
    rows = []
    try:
        for first, last, cells in records:
            if cells is None:
                problems[first].append("could not be read as CSV (a value is far too long)")
                continue
            rows.append(_row(first, last, cells, columns, width, problems))
    finally:
        _email_valid.cache_clear()  # keep no addresses in memory once the file is read
    if not rows:
        problems[header_line].append("The file has a header but no rows of staff below it.")
        return None, problems, 0
    return rows, problems, len(rows)


def decode(data: bytes) -> str:
    """Text from bytes: byte-order marks first, then strict UTF-8, else cp1252 (spreadsheets).
    A workbook or other binary file is refused in words: read as cp1252 it would only get "the
    header has no column employee_id", which sends people looking for a column."""
    _workbook_check(data)
    text = _text_of(data)
    _binary_check(text)
    return text


def _text_of(data: bytes) -> str:
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            body = data[len(bom) :]
            try:
                return body.decode(codec)
            except UnicodeDecodeError as error:
                line = _line_of(body[: error.start].decode(codec, errors="replace"))
                raise Unreadable(
                    line,
                    f"The file starts with a {label} byte-order mark but is not valid {label} "
                    f"from line {line} on. Save it again as UTF-8 and retry.",
                ) from None
    head = data[:4096]
    if head.count(0) > len(head) // 4:  # UTF-16 without a mark: every other byte is zero
        codec = "utf-16-le" if head[1::2].count(0) > head[0::2].count(0) else "utf-16-be"
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        _mixed_encodings_check(data)
        return data.decode("latin-1").translate(_CP1252)


def _workbook_check(data: bytes) -> None:
    """An Excel or OpenDocument workbook (a zip, or an old .xls) rather than its CSV export."""
    if data.startswith(_WORKBOOK_SIGNATURES):
        raise Unreadable(
            1,
            "This is a spreadsheet workbook (such as .xlsx), not a CSV file. Save it as CSV "
            "(in Excel: File, Save As, CSV UTF-8) and upload that file.",
        )


def _binary_check(text: str) -> None:
    """Text in which control characters are common is not an export of names and addresses
    (one stray NUL in a real export is named on its line by the row checks instead)."""
    head = text[:65536]
    controls = sum(1 for char in head if char in _CONTROLS)
    if controls >= 3 and controls > len(head) // 100:
        raise Unreadable(
            1,
            "This file is not text, so it cannot be a CSV export (is it a picture, a PDF or "
            "a workbook?). Save the export as CSV and upload that file.",
        )


def _mixed_encodings_check(data: bytes) -> None:
    """Refuse a file that is UTF-8 in places and not in others (pasted from two exports):
    read as cp1252, its UTF-8 lines would turn into mojibake ("JosÃ©") without a word."""
    utf8, other = [], []
    for number, line in enumerate(data.splitlines(), start=1):
        if not line.isascii():
            try:
                line.decode("utf-8")
                utf8.append(number)
            except UnicodeDecodeError:
                other.append(number)
    if utf8 and other:
        raise Unreadable(
            other[0],
            f"The file mixes two encodings: UTF-8 on {show_lines(utf8)}, something else on "
            f"{show_lines(other)}. Save the whole file again in one encoding (UTF-8).",
        )


def _line_of(prefix: str) -> int:
    return len(_LINE_BREAK.findall(prefix)) + 1


def delimiter_guess(text: str) -> str:
    """`;`, `,` or a tab, whichever the header line uses most (`,` when it uses none)."""
    header = _LINE_BREAK.split(text.lstrip("\r\n"), maxsplit=1)[0]
    counts = {delimiter: header.count(delimiter) for delimiter in (",", ";", "\t")}
    best = max(counts, key=counts.__getitem__)
    return best if counts[best] else ","


def records_split(text: str, delimiter: str) -> Iterator[tuple[int, int, list[str] | None]]:
    """(first line, last line, cells) of each non-blank record; cells are None if unreadable."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    last = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error:
            yield last + 1, reader.line_num, None
        else:
            if any(cell.strip() for cell in cells):
                yield last + 1, reader.line_num, cells
        last = reader.line_num


def column_key(cell: str) -> str:
    key = unicodedata.normalize("NFKC", cell).replace("\ufeff", "").strip().casefold()
    return re.sub(r"[\s-]+", "_", key)


def columns_find(
    cells: list[str], line: int, problems: Problems, wanted: tuple[str, ...] = COLUMNS
) -> dict[str, int] | None:
    """Where each wanted column is; extra columns (whatever their name) are simply not used.
    Shared by every CSV import, so they all read headers and say what is missing alike."""
    positions: dict[str, int] = {}
    reasons = []
    for index, cell in enumerate(cells):
        key = column_key(cell)
        if key in wanted:
            if key in positions:
                reasons.append(f"The header has the column {key} twice.")
            positions[key] = index
    missing = [column for column in wanted if column not in positions]
    if missing:
        reasons.append(
            f"The header has no column {', '.join(missing)}. The first row must name the "
            f"columns: {','.join(wanted)} (in any order; other columns are ignored)."
        )
    if reasons:
        problems[line].extend(reasons)
        return None
    return positions


def cell_clean(value: str) -> str:
    return unicodedata.normalize("NFC", value).strip()


def row_values(
    first: int,
    last: int,
    cells: list[str],
    columns: dict[str, int],
    width: int,
    reasons: list[str],
    *,
    required,
    max_lengths: dict[str, int],
) -> dict[str, str]:
    """A data row's cells by column, with the checks every import makes noted in `reasons`:
    as many values as the header, required columns present, lengths, no NUL characters."""
    if len(cells) < width or any(cell.strip() for cell in cells[width:]):
        spans = f" (it runs on to line {last}: is a quote left open?)" if last > first else ""
        reasons.append(
            f"has {len(cells)} values but the header has {width} columns{spans}; a value that "
            "contains the delimiter must be in double quotes"
        )
    values = {
        column: cell_clean(cells[index]) if index < len(cells) else ""
        for column, index in columns.items()
    }
    for column in required:
        if not values[column]:
            reasons.append(f"{column} is missing")
    for column, limit in max_lengths.items():
        if len(values[column]) > limit:
            reasons.append(f"{column} is longer than {limit} characters")
    if any("\x00" in value for value in values.values()):
        reasons.append("contains a NUL character, which cannot be stored")
    return values


def _row(
    first: int,
    last: int,
    cells: list[str],
    columns: dict[str, int],
    width: int,
    problems: Problems,
) -> StaffRow:
    reasons = problems[first]
    values = row_values(
        first, last, cells, columns, width, reasons, required=REQUIRED, max_lengths=MAX_LENGTHS
    )
    values["employee_id"] = unicodedata.normalize("NFKC", values["employee_id"])
    email_ok = _email_check(values["email"], "email", reasons)
    manager_ok = _email_check(values["manager_email"], "manager_email", reasons)
    start_date = None
    if values["start_date"]:
        try:
            if not _ISO_DATE.fullmatch(values["start_date"]):
                raise ValueError
            start_date = date.fromisoformat(values["start_date"])
        except ValueError:
            reasons.append(
                f"start_date {show(values['start_date'])} is not a date written as "
                "YYYY-MM-DD (for example 2024-03-31)"
            )
    if not reasons:
        del problems[first]
    values["start_date"] = start_date
    return StaffRow(line=first, **values, email_ok=email_ok, manager_ok=manager_ok)


def _email_check(value: str, column: str, reasons: list[str]) -> bool:
    if not value or len(value) > MAX_LENGTHS[column]:
        return False
    if not _email_valid(value):
        reasons.append(f"{column} {show(value)} is not a valid email address")
        return False
    return True


@functools.lru_cache(maxsize=4096)  # a manager's address comes once per report; see `parse`
def _email_valid(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


def show(value: str, limit: int = 60) -> str:
    """A value quoted for a message, cut short, with control characters made visible."""
    shown = value if len(value) <= limit else value[:limit] + "…"
    return '"' + "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in shown) + '"'


def show_lines(lines: list[int], leaving: int = 0) -> str:
    """ "line 4" or "lines 4, 9 and 30 more", from sorted `lines` but `leaving` (one of them).

    Constant work however many lines there are: a file where 100,000 rows share one address
    must not make 100,000 messages of 100,000 numbers each.
    """
    shown = [line for line in lines[: SHOW_AT_MOST + 1] if line != leaving][:SHOW_AT_MOST]
    total = len(lines) - 1 if leaving else len(lines)
    more = total - len(shown)
    named = ", ".join(map(str, shown)) + (f" and {more} more" if more > 0 else "")
    return f"line{'s' if total > 1 else ''} {named}"
