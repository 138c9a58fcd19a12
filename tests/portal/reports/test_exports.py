"""Spreadsheet exports of adoption reports: CSV for one table, an Excel workbook for all.

Read back the way a user's spreadsheet would: the CSV through the csv module after removing the
byte order mark, the workbook through openpyxl and, for formulas, through its raw XML.
"""

import csv
import io
import zipfile
from datetime import date

import openpyxl
import pytest

from portal.reports.exports import report_csv, report_xlsx, sheet_title
from portal.reports.tables import (
    COUNT,
    DATE,
    DAYS,
    PERCENT,
    POINTS,
    SUPPRESSED,
    TEXT,
    Column,
    Table,
)

EVIL = '=HYPERLINK("http://evil","x")'
PREAMBLE = [
    ("Report", "Adoption"),
    ("Scope", "Sales reporting line"),
    ("Period", "last 13 weeks"),
    ("Generated", "2026-11-22 09:00 UTC"),
]


def adoption_table(**overrides) -> Table:
    """Every kind of cell, with a suppressed group and missing values."""
    fields = {
        "key": "by_department",
        "title": "Adoption by department",
        "columns": [
            Column("Department"),
            Column("People", COUNT),
            Column("Completed", PERCENT),
            Column("Change", POINTS),
            Column("Median days", DAYS),
            Column("First completion", DATE),
        ],
        "rows": [
            ["Équipe Zürich", 1234, 0.425, 0.035, 12, date(2026, 11, 2)],
            ["Support", 40, 0.5, -0.035, 3.5, None],
            ["Legal", SUPPRESSED, SUPPRESSED, SUPPRESSED, SUPPRESSED, SUPPRESSED],
            ["Finance, Tax\nand Audit", 7, None, 0.0, None, date(2026, 1, 9)],
        ],
        "summary": "Share of people in each department who completed the training.",
        "note": "Departments under 5 people are shown as withheld.",
    }
    return Table(**(fields | overrides))


def read_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def load(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def worksheet_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert names
        return "".join(archive.read(n).decode("utf-8") for n in names)


# CSV


def test_csv_is_utf8_with_bom_and_crlf():
    data = report_csv(table=adoption_table(), preamble=PREAMBLE)

    assert data.startswith(b"\xef\xbb\xbfReport,Adoption\r\n")
    assert "Équipe Zürich".encode() in data
    without_quoted_break = data.replace(b"Tax\nand", b"")
    assert b"\n" not in without_quoted_break.replace(b"\r\n", b"")


def test_csv_writes_preamble_blank_row_header_and_every_cell():
    rows = read_csv(report_csv(table=adoption_table(), preamble=PREAMBLE))

    assert rows == [
        ["Report", "Adoption"],
        ["Scope", "Sales reporting line"],
        ["Period", "last 13 weeks"],
        ["Generated", "2026-11-22 09:00 UTC"],
        [],
        [
            "Department",
            "People",
            "Completed (%)",
            "Change (pp)",
            "Median days",
            "First completion",
        ],
        ["Équipe Zürich", "1234", "42.5", "3.5", "12", "2026-11-02"],
        ["Support", "40", "50.0", "-3.5", "3.5", ""],
        ["Legal", *["withheld"] * 5],
        ["Finance, Tax\nand Audit", "7", "", "0.0", "", "2026-01-09"],
    ]


def test_csv_without_preamble_starts_with_the_header():
    rows = read_csv(report_csv(table=adoption_table()))

    assert rows[0][0] == "Department"
    assert len(rows) == 5


def test_csv_keeps_negative_numbers_as_numbers():
    table = adoption_table(
        rows=[["Sales", -2, 0.1, -0.035, -1.5, None], ["Ops", 5, 0.2, -0.00001, 0, None]]
    )
    rows = read_csv(report_csv(table=table))

    assert rows[1][1:5] == ["-2", "10.0", "-3.5", "-1.5"]
    assert rows[2][3] == "0.0"  # not "-0.0"


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_neutralises_formula_text_everywhere(start):
    text = f"{start}SUM(1+1)"
    table = Table(
        key="k",
        title="t",
        columns=[Column(text), Column("Team"), Column("People", COUNT)],
        rows=[[text, text, 5]],
    )
    rows = read_csv(report_csv(table=table, preamble=[(text, text)]))

    quoted = f"'{text}"
    assert rows[0] == [quoted, quoted]
    assert rows[2][0] == quoted
    assert rows[3] == [quoted, quoted, "5"]


@pytest.mark.parametrize("text", [" =1+1", "  +1", "\n=1+1", " @SUM(A1)"])
def test_csv_neutralises_formulas_after_leading_whitespace(text):
    table = Table(key="k", title="t", columns=[Column("Team")], rows=[[text]])

    assert read_csv(report_csv(table=table))[1] == [f"'{text}"]


@pytest.mark.parametrize("text", ["Sales", "a-b", "x=y", "R&D @ HQ", "", "'quoted"])
def test_csv_leaves_harmless_text_alone(text):
    table = Table(key="k", title="t", columns=[Column("Team")], rows=[[text]])

    assert read_csv(report_csv(table=table))[1] == [text]


# Sheet titles


def test_sheet_title_cuts_to_31_characters():
    taken: set[str] = set()
    name = sheet_title("Adoption by department and reporting line", taken)

    assert name == "Adoption by department and repo"
    assert len(name) == 31
    assert taken == {name}


def test_sheet_title_removes_characters_excel_refuses():
    assert sheet_title("Q3/Q4: [draft] *?\\ done", set()) == "Q3 Q4 draft done"
    assert sheet_title("'quoted'", set()) == "quoted"
    assert sheet_title(":/?", set()) == "Sheet"


def test_sheet_title_dedupes_regardless_of_case_and_keeps_the_limit():
    taken = {"Summary"}
    names = [sheet_title(t, taken) for t in ["Funnel", "Funnel", "FUNNEL", "summary"]]
    long = [sheet_title("A very long title that Excel would cut", taken) for _ in range(2)]

    assert names == ["Funnel", "Funnel (2)", "FUNNEL (3)", "summary (2)"]
    assert long == ["A very long title that Excel wo", "A very long title that Exce (2)"]
    assert sheet_title("History", set()) == "History (2)"


# Workbook


def test_xlsx_names_sheets_from_titles():
    titles = ["Summary", "Funnel / week", "Funnel / week", "x" * 40]
    tables = [adoption_table(title=t, key=f"t{i}") for i, t in enumerate(titles)]
    workbook = load(report_xlsx(title="Adoption", tables=tables))

    assert workbook.sheetnames == [
        "Summary",
        "Summary (2)",
        "Funnel week",
        "Funnel week (2)",
        "x" * 31,
    ]
    assert workbook.properties.creator == "Advocacy portal"
    assert workbook.properties.title == "Adoption"


def test_xlsx_summary_sheet_lists_preamble_and_tables():
    other = adoption_table(key="funnel", title="Funnel", summary="Who got how far.")
    workbook = load(
        report_xlsx(title="Adoption report", tables=[adoption_table(), other], preamble=PREAMBLE)
    )
    sheet = workbook["Summary"]

    assert workbook.active.title == "Summary"
    assert sheet["A1"].value == "Adoption report"
    assert sheet["A1"].font.b and sheet["A1"].font.sz == 14
    assert [(sheet.cell(r, 1).value, sheet.cell(r, 2).value) for r in range(3, 7)] == PREAMBLE
    assert sheet["A3"].font.b
    assert sheet["A7"].value is None
    assert [sheet["A8"].value, sheet["B8"].value] == ["Sheet", "What it shows"]
    assert [sheet["A9"].value, sheet["B9"].value] == [
        "Adoption by department",
        "Share of people in each department who completed the training.",
    ]
    assert [sheet["A10"].value, sheet["B10"].value] == ["Funnel", "Who got how far."]
    assert sheet["A9"].hyperlink.location == "'Adoption by department'!A1"
    assert sheet["A10"].hyperlink.location == "'Funnel'!A1"


def test_xlsx_table_sheet_layout():
    sheet = load(report_xlsx(title="Adoption", tables=[adoption_table()]))["Adoption by department"]

    assert sheet["A1"].value == "Adoption by department"
    assert sheet["A1"].font.b
    assert sheet["A2"].value.startswith("Share of people")
    assert sheet["A3"].value.startswith("Departments under 5")
    assert sheet["A4"].value is None
    assert [c.value for c in sheet[5]] == [
        "Department",
        "People",
        "Completed",
        "Change (pp)",
        "Median days",
        "First completion",
    ]
    assert all(c.font.b for c in sheet[5])
    assert sheet.freeze_panes == "A6"
    assert sheet.auto_filter.ref == "A5:F9"


def test_xlsx_without_note_puts_header_on_row_4():
    sheet = load(report_xlsx(title="A", tables=[adoption_table(note="")])).worksheets[1]

    assert sheet["A3"].value is None
    assert sheet["A4"].value == "Department"
    assert sheet.freeze_panes == "A5"
    assert sheet.auto_filter.ref == "A4:F8"


def test_xlsx_stores_real_types_and_formats():
    sheet = load(report_xlsx(title="A", tables=[adoption_table()])).worksheets[1]
    name, people, done, change, days, first = sheet[6]

    assert (name.value, name.data_type) == ("Équipe Zürich", "s")
    assert (people.value, people.data_type, people.number_format) == (1234, "n", "#,##0")
    assert (done.value, done.number_format) == (0.425, "0.0%")
    assert (change.value, change.number_format) == (0.035, "+0.0%;-0.0%;0.0%")
    assert (days.value, days.number_format) == (12, "#,##0")
    assert first.value.date() == date(2026, 11, 2)
    assert (first.data_type, first.number_format) == ("d", "yyyy-mm-dd")

    support = sheet[7]
    assert support[3].value == -0.035
    assert (support[4].value, support[4].number_format) == (3.5, "#,##0.0")
    assert support[5].value is None


def test_xlsx_shows_suppressed_cells_as_text():
    sheet = load(report_xlsx(title="A", tables=[adoption_table()])).worksheets[1]
    cells = sheet[8][1:]

    assert [c.value for c in cells] == ["withheld"] * 5
    assert all(c.data_type == "s" for c in cells)
    assert all(c.font.i and c.alignment.horizontal == "right" for c in cells)
    assert not sheet["A8"].font.i


def test_xlsx_sizes_columns_to_content_within_a_cap():
    table = adoption_table(rows=[["D" * 80, 1, 0.5, 0.0, 1, date(2026, 1, 1)]])
    sheet = load(report_xlsx(title="A", tables=[table])).worksheets[1]

    assert sheet.column_dimensions["A"].width == 50
    assert sheet.column_dimensions["B"].width == 8
    assert sheet.column_dimensions["F"].width == len("First completion") + 2


@pytest.mark.parametrize("text", [EVIL, "+1", "-1+1", "@SUM(A1)", " =1+1", "#N/A"])
def test_xlsx_stores_formula_like_text_as_plain_strings(text):
    table = Table(
        key="k",
        title=text,
        columns=[Column(text), Column("People", COUNT)],
        rows=[[text, 5]],
        summary=text,
    )
    data = report_xlsx(title=text, tables=[table], preamble=[(text, text)])
    workbook = load(data)
    summary, sheet = workbook.worksheets

    cells = [summary["A1"], summary["A3"], summary["B3"], summary["A6"], summary["B6"]]
    cells += [sheet["A1"], sheet["A2"], sheet["A4"], sheet["A5"]]
    assert [c.value for c in cells] == [text] * len(cells)
    assert [c.data_type for c in cells] == ["s"] * len(cells)
    assert sheet["B5"].value == 5
    assert "<f>" not in worksheet_xml(data)
    assert "<f " not in worksheet_xml(data)


def test_xlsx_marks_formula_like_text_with_a_quote_prefix():
    table = Table(key="k", title="t", columns=[Column("Team")], rows=[[EVIL], ["Sales"]])
    sheet = load(report_xlsx(title="A", tables=[table])).worksheets[1]

    assert sheet["A5"].quotePrefix
    assert not sheet["A6"].quotePrefix


def test_xlsx_drops_control_characters_xml_cannot_hold():
    table = Table(key="k", title="t", columns=[Column("Team", TEXT)], rows=[["Sa\x00les\x1b"]])
    sheet = load(report_xlsx(title="A", tables=[table])).worksheets[1]

    assert sheet["A5"].value == "Sales"


def test_xlsx_of_a_table_without_rows():
    table = adoption_table(rows=[])
    sheet = load(report_xlsx(title="A", tables=[table])).worksheets[1]

    assert sheet.auto_filter.ref == "A5:F5"
    assert sheet.max_row == 5


def test_xlsx_without_tables_is_a_summary_sized_to_the_preamble():
    workbook = load(report_xlsx(title="A", tables=[], preamble=[("Scope", "S" * 30)]))
    sheet = workbook["Summary"]

    assert workbook.sheetnames == ["Summary"]
    assert sheet.column_dimensions["B"].width == 32
    assert [sheet["A5"].value, sheet["A6"].value] == ["Sheet", None]
