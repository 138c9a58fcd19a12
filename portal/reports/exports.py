"""Adoption reports as spreadsheets: one table as CSV, or every table in an Excel workbook.

Both formats start from the same `Table`s as the screen and the PDF, so a number suppressed
there ("withheld") is suppressed here too: `SUPPRESSED` is written as that text, never as
the number behind it (the number never reaches this module).

Spreadsheets evaluate what they open. Department and team names come from an HR import, so a
text cell such as `=HYPERLINK("http://evil","x")` must arrive as text, not as a formula:
the CSV prefixes such text with a quote (OWASP's advice) and the workbook stores it as a
string cell. Numbers we format ourselves (a fall of `-3.5` points) are left alone, since they
are data, not text someone else typed.
"""

import csv
import io
import re
from collections.abc import Sequence
from datetime import date

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from portal.reports.tables import (
    COUNT,
    DATE,
    DAYS,
    PERCENT,
    POINTS,
    SUPPRESSED,
    Cell,
    Column,
    Table,
    cell_text,
)

__all__ = ["csv_text", "is_formula_like", "report_csv", "report_xlsx", "sheet_title"]

SUMMARY_SHEET = "Summary"
CREATOR = "Advocacy portal"
MAX_SHEET_TITLE = 31  # Excel refuses longer sheet names
MAX_COLUMN_WIDTH = 50

_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_RESERVED_SHEET_TITLES = {"history"}  # Excel keeps it for change tracking
_NUMBER_FORMATS = {
    COUNT: "#,##0",
    PERCENT: "0.0%",
    POINTS: "+0.0%;-0.0%;0.0%",
    DATE: "yyyy-mm-dd",
}
_BOLD = Font(bold=True)
_TITLE_FONT = Font(bold=True, size=14)
_SUPPRESSED_FONT = Font(italic=True)
_RIGHT = Alignment(horizontal="right")
_WRAP = Alignment(wrap_text=True, vertical="top")


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet could take `text` for a formula (or, with a leading tab or carriage
    return, hide one): it starts with `= + - @`, also after leading whitespace, which Excel and
    LibreOffice skip when they parse a CSV field."""
    return text.startswith(("\t", "\r")) or text.lstrip().startswith(("=", "+", "-", "@"))


def csv_text(text: object) -> str:
    """Text for a CSV field, with a quote in front if it could run as a formula."""
    text = str(text)
    return f"'{text}" if is_formula_like(text) else text


def _header(column: Column, *, csv_units: bool) -> str:
    """A column's label with its unit where the cells alone don't say it: the CSV's bare
    numbers need " (%)" and " (pp)"; the workbook's cells show "%", so only points say "pp"."""
    if column.kind == POINTS:
        return f"{column.label} (pp)"
    if column.kind == PERCENT and csv_units:
        return f"{column.label} (%)"
    return column.label


def _csv_field(value: Cell, kind: str) -> str:
    """One cell as CSV text. Shares become percentages with one decimal, as people type them
    into Excel; text is neutralised, numbers we formatted are not."""
    if value is None:
        return ""
    if value is SUPPRESSED:
        return str(SUPPRESSED)
    if isinstance(value, str):
        return csv_text(value)
    if isinstance(value, date):
        return f"{value:%Y-%m-%d}"
    if kind in (PERCENT, POINTS):
        return f"{round(value * 100, 1) + 0.0:.1f}"  # + 0.0 turns "-0.0" into "0.0"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.1f}"
    return str(int(value))


def report_csv(*, table: Table, preamble: Sequence[tuple[str, str]] = ()) -> bytes:
    """One table as a CSV file that Excel opens as it is meant.

    UTF-8 with a byte order mark, or Excel reads accented names as mojibake; `\\r\\n` line
    endings and quoting by the csv module, so a comma or a line break inside a name cannot
    shift columns. `preamble` rows (label, value) say what the numbers are about and come
    first, followed by a blank row, then the header row and the data rows.
    """
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, dialect="excel")
    for label, value in preamble:
        writer.writerow([csv_text(label), csv_text(value)])
    if preamble:
        writer.writerow([])
    writer.writerow([csv_text(_header(c, csv_units=True)) for c in table.columns])
    for row in table.rows:
        writer.writerow([_csv_field(v, c.kind) for v, c in zip(row, table.columns, strict=True)])
    return buffer.getvalue().encode("utf-8-sig")


def sheet_title(title: str, taken: set[str]) -> str:
    """A worksheet name for `title` that Excel accepts, which is added to `taken`.

    Excel refuses names over 31 characters, with any of `[]:*?/\\`, starting or ending with an
    apostrophe, or equal to another sheet's name regardless of case (and "History").
    Clashes get " (2)", " (3)"... inside the 31 characters.
    """
    text = ILLEGAL_CHARACTERS_RE.sub("", _SHEET_TITLE_FORBIDDEN.sub(" ", title))
    base = " ".join(text.split()).strip("'").strip() or "Sheet"
    used = {name.casefold() for name in taken} | _RESERVED_SHEET_TITLES
    name, number = base[:MAX_SHEET_TITLE].rstrip(" '"), 1
    while name.casefold() in used:
        number += 1
        suffix = f" ({number})"
        name = base[: MAX_SHEET_TITLE - len(suffix)].rstrip() + suffix
    taken.add(name)
    return name


def _put_text(cell, text: str) -> None:
    """Store `text` as a string cell. openpyxl makes a formula of any string starting with "="
    and an error of "#N/A" and the like, so the type is set back to string after assigning;
    formula-like text also gets Excel's quote prefix, so editing the cell keeps it text.
    Control characters that XML cannot carry are dropped (openpyxl would raise)."""
    cell.value = ILLEGAL_CHARACTERS_RE.sub("", text)
    cell.data_type = "s"
    if is_formula_like(text):
        cell.quotePrefix = True


def _put_value(cell, value: Cell, kind: str) -> None:
    """Store one table cell with its real type and a number format that shows it as on
    screen."""
    if value is None:
        return
    if value is SUPPRESSED:
        _put_text(cell, str(SUPPRESSED))
        cell.font, cell.alignment = _SUPPRESSED_FONT, _RIGHT  # where the number would be
        return
    if isinstance(value, str):
        _put_text(cell, value)
        return
    cell.value = value
    if isinstance(value, date):
        cell.number_format = _NUMBER_FORMATS[DATE]
    elif kind in _NUMBER_FORMATS:
        cell.number_format = _NUMBER_FORMATS[kind]
    elif kind == DAYS:
        cell.number_format = "#,##0" if float(value).is_integer() else "#,##0.0"


def _fit_columns(sheet: Worksheet, widths: dict[int, int]) -> None:
    """Size columns to their longest content, within reason: a long name wraps the sheet
    wider than a screen otherwise."""
    for index, width in widths.items():
        sheet.column_dimensions[get_column_letter(index)].width = min(
            max(width + 2, 8), MAX_COLUMN_WIDTH
        )


def _width(value: Cell, kind: str) -> int:
    return len(value) if isinstance(value, str) else len(cell_text(value, kind))


def _write_table(sheet: Worksheet, table: Table) -> None:
    """Title, summary and note above a filterable table whose header stays in view."""
    _put_text(sheet["A1"], table.title)
    sheet["A1"].font = _BOLD
    if table.summary:
        _put_text(sheet["A2"], table.summary)
    if table.note:
        _put_text(sheet["A3"], table.note)
    header_row = 5 if table.note else 4
    widths: dict[int, int] = {}
    for index, column in enumerate(table.columns, start=1):
        label = _header(column, csv_units=False)
        _put_text(sheet.cell(header_row, index), label)
        sheet.cell(header_row, index).font = _BOLD
        widths[index] = len(label)
    for row_index, row in enumerate(table.rows, start=header_row + 1):
        for index, (value, column) in enumerate(zip(row, table.columns, strict=True), start=1):
            _put_value(sheet.cell(row_index, index), value, column.kind)
            widths[index] = max(widths[index], _width(value, column.kind))
    sheet.freeze_panes = sheet.cell(header_row + 1, 1)
    if table.columns:
        last = f"{get_column_letter(len(table.columns))}{header_row + len(table.rows)}"
        sheet.auto_filter.ref = f"A{header_row}:{last}"
    _fit_columns(sheet, widths)


def _write_summary(
    sheet: Worksheet,
    title: str,
    preamble: Sequence[tuple[str, str]],
    contents: list[tuple[Table, str]],
) -> None:
    """The first sheet: what the report covers, then each following sheet (linked) with the
    sentence that says what it shows, so nobody has to open every tab to find a number."""
    _put_text(sheet["A1"], title)
    sheet["A1"].font = _TITLE_FONT
    widths = {1: 0, 2: 0}
    row = 3
    for label, value in preamble:
        _put_text(sheet.cell(row, 1), str(label))
        _put_text(sheet.cell(row, 2), str(value))
        sheet.cell(row, 1).font = _BOLD
        widths = {1: max(widths[1], len(str(label))), 2: max(widths[2], len(str(value)))}
        row += 1
    row += 1 if preamble else 0
    for index, heading in enumerate(("Sheet", "What it shows"), start=1):
        _put_text(sheet.cell(row, index), heading)
        sheet.cell(row, index).font = _BOLD
    for line, (table, name) in enumerate(contents, start=row + 1):
        link = sheet.cell(line, 1)
        link.style = "Hyperlink"  # before the text: a named style resets the quote prefix
        _put_text(link, table.title)
        link.hyperlink = Hyperlink(ref=link.coordinate, location=f"{quote_sheetname(name)}!A1")
        _put_text(sheet.cell(line, 2), table.summary)
        sheet.cell(line, 2).alignment = _WRAP
        widths = {1: max(widths[1], len(table.title)), 2: max(widths[2], len(table.summary))}
    _fit_columns(sheet, widths)


def report_xlsx(
    *, title: str, tables: Sequence[Table], preamble: Sequence[tuple[str, str]] = ()
) -> bytes:
    """A workbook of the whole report: a "Summary" sheet, then one sheet per table with real
    numbers, dates and number formats, so people can sort, filter and sum in Excel or
    LibreOffice without turning text back into numbers."""
    workbook = Workbook()
    workbook.properties.creator = CREATOR
    workbook.properties.title = title
    summary = workbook.active
    summary.title = SUMMARY_SHEET
    taken = {SUMMARY_SHEET}
    names = [sheet_title(table.title, taken) for table in tables]
    _write_summary(summary, title, preamble, list(zip(tables, names, strict=True)))
    for table, name in zip(tables, names, strict=True):
        _write_table(workbook.create_sheet(name), table)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
