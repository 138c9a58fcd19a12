"""Two reporting lines for the report's HTTP tests, and readers for every output.

An organisation of three managers: C at the top, A under C (so A's line is inside C's), and B
with a line of their own. Every person has a synthetic surname that occurs nowhere else, so a
name leaking into a page, a PDF (read back with pdftotext), a workbook (every cell of every
sheet) or a CSV (every table) is found by looking for it. The `org` and `as_a` fixtures are in
this folder's conftest.
"""

import csv
import html
import io
import re

import openpyxl
from django.urls import reverse

from tests.pdf_text import pdf_text

OUTPUTS = ["reports", "reports_pdf", "reports_xlsx", "reports_csv"]
TABLE_KEYS = [
    "trend",
    "funnel",
    "by_department",
    "by_role",
    "by_location",
    "cohorts",
    "curve",
    "signins",
    "people",
]
SUPPRESSED = "withheld"
EVIL = '=HYPERLINK("http://x","y")'

# Direct reports of A: four in the department both lines share, three in A's own department
# (one of them, Kettleworth, manages two more people, so A's line goes two levels deep).
A_SHARED = ["Zephyrine Alpaxton", "Odalys Quimbleforth", "Percival Yarrowmere", "Ignatius Wolvane"]
A_STUDIO = ["Leocadia Brimblecombe", "Thaddeus Kettleworth"]
A_DEEP = ["Ximena Fairweatherly", "Octavian Plumtreeve"]  # under Kettleworth
A_PEOPLE = [*A_SHARED, *A_STUDIO, "Rosalind Vexingham", *A_DEEP]
# B's line: three in the shared department, four in B's own department.
B_SHARED = ["Zebulon Quaxley", "Wilhelmina Drabblecast", "Horatio Fennimorepike"]
B_FOUNDRY = [
    "Esmeralda Thistlewoodle",
    "Barnaby Crumhornet",
    "Philippa Grousewater",
    "Cornelius Vantablick",
]
B_PEOPLE = [*B_SHARED, *B_FOUNDRY]
MANAGERS = {"A": "Amara Linfordshire", "B": "Bertrand Okonvale", "C": "Cassius Overholtz"}


def surname(name: str) -> str:
    return name.split()[-1]


# Reading the outputs back


def csv_parts(data: bytes) -> tuple[dict[str, str], list[str], list[list[str]]]:
    """A report CSV as (preamble, header, data rows): the preamble ends at the blank row."""
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    blank = rows.index([])
    return dict(rows[:blank]), rows[blank + 1], rows[blank + 2 :]


def xlsx_sheets(data: bytes) -> dict[str, list[tuple]]:
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in workbook.worksheets}


def xlsx_text(data: bytes) -> str:
    return "\n".join(
        str(value)
        for rows in xlsx_sheets(data).values()
        for row in rows
        for value in row
        if value is not None
    )


def xlsx_row(data: bytes, sheet: str, first: str) -> tuple:
    return next(row for row in xlsx_sheets(data)[sheet] if row and row[0] == first)


def csv_text(data: bytes) -> str:
    preamble, header, rows = csv_parts(data)
    return "\n".join([*preamble, *preamble.values(), *header, *(v for row in rows for v in row)])


def output_text(name: str, response) -> str:
    """Everything a reader of this output sees, as text."""
    if name == "reports":
        return html.unescape(response.content.decode())
    if name == "reports_pdf":
        return pdf_text(response.content)
    if name == "reports_xlsx":
        return xlsx_text(response.content)
    return csv_text(response.content)


def html_row(page: str, first: str) -> list[str]:
    """The cells of the first table row whose heading cell is `first`, as text."""
    match = re.search(rf"<tr><th scope=\"row\"[^>]*>{re.escape(first)}</th>(.*?)</tr>", page)
    assert match, f"no row for {first!r}"
    return [html.unescape(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", match.group(1))]


def assert_no_names(text: str, names: list[str], where: str) -> None:
    leaked = [n for n in names if n in text or surname(n) in text]
    assert not leaked, f"{where} names {leaked}"


def assert_all_names(text: str, names: list[str], where: str) -> None:
    missing = [n for n in names if n not in text]
    assert not missing, f"{where} does not name {missing}"


# The organisation


def fetch(client, name, **params):
    return client.get(reverse(name), params)
