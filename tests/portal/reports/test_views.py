"""The adoption report over HTTP: who sees which line, in every output, and what it may name.

An organisation of three managers: C at the top, A under C (so A's line is inside C's), and B
with a line of their own. Every person has a synthetic surname that occurs nowhere else, so a
name leaking into a page, a PDF (read back with pdftotext), a workbook (every cell of every
sheet) or a CSV (every table) is found by looking for it.
"""

import csv
import html
import io
import re
import zipfile
from datetime import timedelta
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from portal import permissions
from portal.factories import (
    DepartmentFactory,
    LocationFactory,
    RoleFactory,
    StaffFactory,
    UserFactory,
)
from portal.reports.exports import sheet_title
from portal.reports.models import DigestSubscription
from portal.tiers.models import Tier, TierAttainment
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
SUPPRESSED = "fewer than 5"
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


@pytest.fixture
def org(db):
    tiers = list(Tier.objects.order_by("order"))
    assert len(tiers) >= 2
    adviser = RoleFactory(name="Quill Adviser", target_tier=tiers[0])
    smith = RoleFactory(name="Bravo Smithwright", target_tier=tiers[1])  # only in B's line
    harbour = LocationFactory(name="Harbour House")
    lighthouse = LocationFactory(name="Bravo Lighthouse")  # only in B's line
    leadership = DepartmentFactory(name="Leadership Suite")
    shared = DepartmentFactory(name="Shared Operations")  # both lines: 4 of A's, 3 of B's
    studio = DepartmentFactory(name="Alpha Studio")  # only A's line: 5 people
    foundry = DepartmentFactory(name="Bravo Foundry")  # only B's line

    def person(name, department, *, manager=None, role=adviser, location=harbour, user=False):
        return StaffFactory(
            display_name=name,
            department=department,
            role=role,
            location=location,
            manager=manager,
            user=UserFactory() if user else None,
            start_date=timezone.localdate() - timedelta(days=400),
        )

    c = person(MANAGERS["C"], leadership, user=True)
    a = person(MANAGERS["A"], leadership, manager=c, user=True)
    b = person(MANAGERS["B"], leadership, role=smith, location=lighthouse, user=True)
    staff = {}
    for name in A_SHARED:
        staff[name] = person(name, shared, manager=a)
    for name in [*A_STUDIO, "Rosalind Vexingham"]:
        staff[name] = person(name, studio, manager=a)
    kettleworth = staff["Thaddeus Kettleworth"]
    for name in A_DEEP:
        staff[name] = person(name, studio, manager=kettleworth)
    for name in B_SHARED:
        staff[name] = person(name, shared, manager=b, role=smith, location=lighthouse)
    for name in B_FOUNDRY:
        staff[name] = person(name, foundry, manager=b, role=smith, location=lighthouse)
    # A few who reached tiers (one lapsed), in both lines.
    now = timezone.now()
    for name, orders in [
        ("Zephyrine Alpaxton", [1, 2]),
        ("Leocadia Brimblecombe", [1]),
        ("Ximena Fairweatherly", [1, 2, 3]),
        ("Octavian Plumtreeve", [1]),
        ("Zebulon Quaxley", [1, 2]),
        ("Esmeralda Thistlewoodle", [1, 2]),
    ]:
        for order in orders:
            TierAttainment.objects.create(
                staff=staff[name], tier=tiers[order - 1], reached_at=now - timedelta(days=30)
            )
    TierAttainment.objects.create(
        staff=staff["Percival Yarrowmere"],
        tier=tiers[0],
        reached_at=now - timedelta(days=90),
        lapsed_at=now - timedelta(days=20),
    )
    return SimpleNamespace(
        a=a,
        b=b,
        c=c,
        kettleworth=kettleworth,
        staff=staff,
        shared=shared,
        studio=studio,
        foundry=foundry,
        smith=smith,
        lighthouse=lighthouse,
        tiers=tiers,
    )


@pytest.fixture
def as_a(client, org):
    client.force_login(org.a.user)
    return client


def fetch(client, name, **params):
    return client.get(reverse(name), params)


# 1. A manager asking for another line, by URL or by filter, gets 404 in every output


def _outside_a(org) -> dict[str, dict]:
    return {
        "B's line": {"line": org.b.pk},
        "C's line (above A)": {"line": org.c.pk},
        "a department only B's line has": {"department": org.foundry.pk},
        "a role only B's line has": {"role": org.smith.pk},
        "a location only B's line has": {"location": org.lighthouse.pk},
        "a person of A's line who manages nobody": {"line": org.staff["Zephyrine Alpaxton"].pk},
        "a line that does not exist": {"line": 999_999},
        "a line that is not a number": {"line": "abc"},
        "a period that does not exist": {"period": "99w"},
    }


@pytest.mark.parametrize("output", OUTPUTS)
def test_a_manager_gets_404_for_anything_outside_their_line(as_a, org, output):
    answers = {
        case: fetch(as_a, output, **params).status_code for case, params in _outside_a(org).items()
    }
    assert answers == dict.fromkeys(answers, 404)


@pytest.mark.parametrize("output", OUTPUTS)
def test_a_manager_gets_their_own_line_in_every_output(as_a, org, output):
    assert fetch(as_a, output).status_code == 200
    assert fetch(as_a, output, line=org.a.pk).status_code == 200
    assert fetch(as_a, output, line=org.kettleworth.pk).status_code == 200  # under A
    assert fetch(as_a, output, department=org.studio.pk).status_code == 200


@pytest.mark.parametrize("output", OUTPUTS)
def test_the_404_of_another_line_names_nobody_in_it(as_a, org, output):
    response = fetch(as_a, output, line=org.b.pk)
    assert response.status_code == 404
    assert_no_names(response.content.decode(), [*B_PEOPLE, MANAGERS["B"]], "the 404")


# 2. A's own outputs name A's people and none of B's


def _page_table_keys(client, **params) -> list[str]:
    response = fetch(client, "reports", **params)
    assert response.status_code == 200
    return [section["table"].key for section in response.context["sections"]]


@pytest.mark.parametrize("by_url", [False, True], ids=["default", "line=A"])
def test_a_managers_csvs_name_their_people_and_nobody_of_b(as_a, org, by_url):
    params = {"line": org.a.pk} if by_url else {}
    keys = _page_table_keys(as_a, **params)
    assert set(TABLE_KEYS) <= set(keys)
    for key in keys:
        response = fetch(as_a, "reports_csv", table=key, **params)
        assert response.status_code == 200, key
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response.content.startswith(b"\xef\xbb\xbf")
        assert_no_names(csv_text(response.content), [*B_PEOPLE, MANAGERS["B"], MANAGERS["C"]], key)
    _, header, rows = csv_parts(fetch(as_a, "reports_csv", table="people", **params).content)
    assert header[0] == "Name"
    assert sorted(row[0] for row in rows) == sorted(A_PEOPLE)


def test_a_managers_workbook_names_their_people_and_nobody_of_b(as_a, org):
    response = fetch(as_a, "reports_xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="adoption-')
    sheets = xlsx_sheets(response.content)
    assert {"Summary", "People"} <= set(sheets)
    assert_no_names(
        xlsx_text(response.content), [*B_PEOPLE, MANAGERS["B"], MANAGERS["C"]], "the workbook"
    )
    people = [row[0] for row in sheets["People"]]
    assert_all_names("\n".join(str(p) for p in people), A_PEOPLE, "the People sheet")


def test_a_managers_pdf_names_their_people_and_nobody_of_b(as_a, org):
    response = fetch(as_a, "reports_pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert f"{MANAGERS['A']}'s reporting line" in text
    assert_no_names(text, [*B_PEOPLE, MANAGERS["B"], MANAGERS["C"]], "the PDF")
    assert_all_names(text, A_PEOPLE, "the PDF")


def test_a_managers_page_names_their_people_and_nobody_of_b(as_a, org):
    page = html.unescape(fetch(as_a, "reports").content.decode())
    assert_no_names(page, [*B_PEOPLE, MANAGERS["B"], MANAGERS["C"]], "the page")
    assert_all_names(page, A_PEOPLE, "the page")


def test_a_manager_filtering_their_own_line_sees_only_that_filter(as_a, org):
    _, _, rows = csv_parts(
        fetch(as_a, "reports_csv", table="people", department=org.studio.pk).content
    )
    assert sorted(row[0] for row in rows) == sorted(
        n for n in A_PEOPLE if org.staff[n].department == org.studio
    )


# 3. Leaders: the whole organisation, aggregates only


EVERYONE = [*A_PEOPLE, *B_PEOPLE, *MANAGERS.values()]


@pytest.mark.parametrize("output", OUTPUTS)
def test_a_leader_sees_the_whole_organisation_without_names(client, leader_user, org, output):
    client.force_login(leader_user)
    response = fetch(client, output)
    assert response.status_code == 200
    text = output_text(output, response)
    assert "Whole organisation" in text
    assert_no_names(text, EVERYONE, output)


@pytest.mark.parametrize("output", OUTPUTS)
def test_a_leader_can_pick_a_line_and_still_sees_no_names(client, leader_user, org, output):
    client.force_login(leader_user)
    response = fetch(client, output, line=org.a.pk)
    assert response.status_code == 200
    text = output_text(output, response)
    assert f"{MANAGERS['A']}'s reporting line" in text  # the line is named, its people are not
    assert_no_names(text, [*A_PEOPLE, *B_PEOPLE, MANAGERS["B"], MANAGERS["C"]], output)


def test_a_leaders_csvs_name_nobody_and_have_no_people_table(client, leader_user, org):
    client.force_login(leader_user)
    for params in ({}, {"line": org.a.pk}, {"department": org.foundry.pk}):
        keys = _page_table_keys(client, **params)
        assert "people" not in keys
        assert set(TABLE_KEYS) - {"people"} <= set(keys)
        for key in keys:
            response = fetch(client, "reports_csv", table=key, **params)
            assert response.status_code == 200, key
            # A chosen line is labelled with its manager's name; its people are never named.
            unnamed = [n for n in EVERYONE if "line" not in params or n != MANAGERS["A"]]
            assert_no_names(csv_text(response.content), unnamed, key)
        assert fetch(client, "reports_csv", table="people", **params).status_code == 404


def test_a_leaders_workbook_has_no_people_sheet(client, leader_user, org):
    client.force_login(leader_user)
    assert "People" not in xlsx_sheets(fetch(client, "reports_xlsx").content)


def test_a_community_manager_sees_everyones_names(client, community_manager, org):
    client.force_login(community_manager)
    _, _, rows = csv_parts(fetch(client, "reports_csv", table="people").content)
    assert sorted(row[0] for row in rows) == sorted(EVERYONE)


# 4. A manager above A sees A's line, with names


def test_the_manager_above_sees_as_line_with_names(client, org):
    client.force_login(org.c.user)
    for output in OUTPUTS:
        assert fetch(client, output, line=org.a.pk).status_code == 200, output
        assert fetch(client, output, line=org.kettleworth.pk).status_code == 200, output
        assert fetch(client, output, line=org.b.pk).status_code == 404, output
    _, _, rows = csv_parts(fetch(client, "reports_csv", table="people", line=org.a.pk).content)
    assert sorted(row[0] for row in rows) == sorted(A_PEOPLE)
    _, _, rows = csv_parts(fetch(client, "reports_csv", table="people").content)
    assert sorted(row[0] for row in rows) == sorted([*A_PEOPLE, MANAGERS["A"]])
    page = html.unescape(fetch(client, "reports", line=org.a.pk).content.decode())
    assert_all_names(page, A_PEOPLE, "C's page of A's line")
    assert_no_names(page, B_PEOPLE, "C's page of A's line")
    text = pdf_text(fetch(client, "reports_pdf", line=org.a.pk).content)
    assert_all_names(text, A_PEOPLE, "C's PDF of A's line")
    sheets = xlsx_sheets(fetch(client, "reports_xlsx", line=org.a.pk).content)
    assert sorted(r[0] for r in sheets["People"] if r[0] in A_PEOPLE) == sorted(A_PEOPLE)


def test_a_managers_line_switcher_offers_only_their_own_lines(as_a, org):
    response = fetch(as_a, "reports")
    assert response.context["lines"] == [
        (str(org.a.pk), "My reporting line"),
        (str(org.kettleworth.pk), "Thaddeus Kettleworth's team"),
    ]


# 5. Everyone else


@pytest.mark.parametrize("output", OUTPUTS)
def test_staff_without_reports_get_403(client, staff_user, org, output):
    client.force_login(staff_user)
    assert fetch(client, output).status_code == 403
    assert fetch(client, output, line=org.a.pk).status_code == 403


@pytest.mark.parametrize("output", OUTPUTS)
def test_a_person_in_a_line_who_manages_nobody_gets_403(client, org, output):
    member = org.staff["Zebulon Quaxley"]
    member.user = UserFactory()
    member.save()
    client.force_login(member.user)
    assert fetch(client, output).status_code == 403
    assert fetch(client, output, line=org.b.pk).status_code == 403


@pytest.mark.parametrize("output", OUTPUTS)
def test_anonymous_visitors_are_sent_to_sign_in(client, org, output):
    response = fetch(client, output, line=org.a.pk)
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert target.path == reverse("login")
    assert parse_qs(target.query)["next"][0].startswith(reverse(output))


# 6. Suppression, end to end


def test_a_department_of_four_in_view_is_suppressed_in_page_csv_and_workbook(
    client, as_a, leader_user, org
):
    """Shared Operations has 4 people in A's line (7 in the organisation): A sees no number
    for it, while Alpha Studio (5 people) shows its numbers."""
    page = fetch(as_a, "reports").content.decode()
    cells = html_row(page, "Shared Operations")
    assert cells and set(cells) == {SUPPRESSED}
    assert html_row(page, "Alpha Studio")[0] == "5"

    _, header, rows = csv_parts(fetch(as_a, "reports_csv", table="by_department").content)
    by_department = {row[0]: row[1:] for row in rows}
    assert set(by_department["Shared Operations"]) == {SUPPRESSED}
    assert len(by_department["Shared Operations"]) == len(header) - 1
    assert by_department["Alpha Studio"][0] == "5"
    _, _, rows = csv_parts(fetch(as_a, "reports_csv", table="curve").content)
    assert set(next(r for r in rows if r[0] == "Shared Operations")[1:]) == {SUPPRESSED}

    workbook = fetch(as_a, "reports_xlsx").content
    assert set(xlsx_row(workbook, "By department", "Shared Operations")[1:]) == {SUPPRESSED}
    assert xlsx_row(workbook, "By department", "Alpha Studio")[1] == 5
    curve_sheet = sheet_title("The adoption curve by department", {"Summary"})  # 31 chars
    curve = xlsx_row(workbook, curve_sheet, "Shared Operations")
    assert set(curve[1:]) == {SUPPRESSED}

    # The organisation's view of the same department (7 people) shows its numbers.
    client.force_login(leader_user)
    _, _, rows = csv_parts(fetch(client, "reports_csv", table="by_department").content)
    assert next(r for r in rows if r[0] == "Shared Operations")[1] == "7"


def test_a_filtered_view_of_four_people_shows_no_number(client, leader_user, org):
    """A leader narrowing the whole organisation to a department of four sees no count."""
    tiny = DepartmentFactory(name="Petite Annex")
    for i in range(4):
        StaffFactory(display_name=f"Annex Person{i}", department=tiny)
    client.force_login(leader_user)
    _, _, rows = csv_parts(fetch(client, "reports_csv", table="funnel", department=tiny.pk).content)
    assert rows and all(set(row[1:]) <= {SUPPRESSED, ""} for row in rows)
    page = fetch(client, "reports", department=tiny.pk).content.decode()
    assert set(html_row(page, "Petite Annex")) == {SUPPRESSED}


# 7. Formula-like names reach spreadsheets as text


def test_a_formula_like_department_is_text_in_csv_and_workbook(client, leader_user, org):
    evil = DepartmentFactory(name=EVIL)
    for i in range(5):
        StaffFactory(display_name=f"Formula Person{i}", department=evil, role=org.smith)
    client.force_login(leader_user)

    for key in ("by_department", "curve"):
        _, _, rows = csv_parts(fetch(client, "reports_csv", table=key).content)
        firsts = [row[0] for row in rows]
        assert f"'{EVIL}" in firsts, key
        assert EVIL not in firsts, key

    data = fetch(client, "reports_xlsx").content
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    cells = [
        cell
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value == EVIL
    ]
    assert len(cells) >= 2  # by department and the curve
    assert all(cell.data_type == "s" for cell in cells)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = "".join(
            archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/")
        )
    assert "<f>" not in xml
    as_text = re.findall(r'<c [^>]*t="inlineStr"[^>]*><is><t>=HYPERLINK', xml)
    assert len(as_text) == xml.count("HYPERLINK") >= 2


# 8. htmx and the query string


def test_htmx_gets_the_partial_and_the_page_varies_on_it(client, leader_user, org):
    client.force_login(leader_user)
    full = fetch(client, "reports")
    partial = client.get(reverse("reports"), HTTP_HX_REQUEST="true")
    assert b"<html" in full.content
    assert partial.status_code == 200
    assert b"<html" not in partial.content
    assert partial.content.lstrip().startswith(b'<div id="report"')
    assert b"Weekly email" not in partial.content
    for response in (full, partial):
        vary = [v.strip().lower() for v in response["Vary"].split(",")]
        assert "hx-request" in vary
        assert "no-store" in response["Cache-Control"]


def _links(content: bytes, name: str) -> list[dict[str, list[str]]]:
    path = reverse(name)
    hrefs = [html.unescape(h) for h in re.findall(r'href="([^"]*)"', content.decode())]
    return [parse_qs(urlsplit(h).query) for h in hrefs if urlsplit(h).path == path]


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_downloads_carry_the_filters_of_the_view(client, org, htmx):
    client.force_login(org.c.user)
    params = {
        "line": str(org.a.pk),
        "department": str(org.studio.pk),
        "location": str(org.staff["Rosalind Vexingham"].location_id),
        "period": "26w",
    }
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = client.get(reverse("reports"), params, **headers)
    assert response.status_code == 200
    expected = {k: [v] for k, v in params.items()}
    for name in ("reports_pdf", "reports_xlsx"):
        assert _links(response.content, name) == [expected], name
    csvs = _links(response.content, "reports_csv")
    keys = [link.pop("table") for link in csvs]
    shown = [section["table"].key for section in response.context["sections"]]
    assert set(TABLE_KEYS) <= set(shown)
    assert sorted(k for [k] in keys) == sorted(shown)  # one CSV link per section
    assert csvs == [expected] * len(csvs)
    # ... and each download answers with that same view.
    pdf = fetch(client, "reports_pdf", **params)
    assert pdf.status_code == 200
    preamble, _, rows = csv_parts(fetch(client, "reports_csv", table="people", **params).content)
    assert preamble["Scope"] == f"{MANAGERS['A']}'s reporting line, Alpha Studio, Harbour House"
    assert preamble["Period"] == "Last 26 weeks"
    assert sorted(r[0] for r in rows) == sorted([*A_STUDIO, "Rosalind Vexingham", *A_DEEP])


# 9. The dashboard costs a fixed number of queries


# Session, user, the person (twice for a leader with no staff record: linked, then by email),
# permissions (two), the frames' state check (once: the filter lists, which the whole
# organisation takes from the kept frames, and the numbers share it), the filter lists (three),
# tiers, role targets, sign-ins, the domain apps' sections (four) and the digest choice. The
# first request after the data changed also reads the organisation's two frames (and whether
# the programme is rolled out in waves, for who counts as invited).
DASHBOARD_QUERIES = 21  # + the rollout's sections: waves, pulse by wave and by department
FRAME_READS = 3
MANAGER_QUERIES = 22  # no second person lookup; 'manages anyone' once; the line check, its
# filter lists, the switcher;
# the waves section (pulse results are for the whole organisation only)


def _grow(org, round_: int) -> None:
    """Four more departments, roles and locations, each a team of seven, some with tiers."""
    now = timezone.now()
    for d in range(4):
        department = DepartmentFactory(name=f"Growth {round_}-{d}")
        location = LocationFactory(name=f"Growth place {round_}-{d}")
        role = RoleFactory(name=f"Growth role {round_}-{d}", target_tier=org.tiers[d % 3])
        head = StaffFactory(department=department, role=role, location=location, manager=org.b)
        for _ in range(6):
            member = StaffFactory(department=department, role=role, location=location, manager=head)
            for tier in org.tiers[: d % 4]:
                TierAttainment.objects.create(
                    staff=member, tier=tier, reached_at=now - timedelta(days=10 + d)
                )


def test_the_dashboard_makes_a_fixed_number_of_queries(
    client, leader_user, org, django_assert_num_queries
):
    client.force_login(leader_user)
    assert fetch(client, "reports").status_code == 200  # warms the menu's page lookups
    with django_assert_num_queries(DASHBOARD_QUERIES):
        assert fetch(client, "reports").status_code == 200
    _grow(org, 1)
    _grow(org, 2)
    with django_assert_num_queries(DASHBOARD_QUERIES + FRAME_READS):
        response = fetch(client, "reports")
    assert "Growth 2-3" in [row[0] for row in response.context["adoption"].breakdowns[0].rows]
    with django_assert_num_queries(DASHBOARD_QUERIES):
        assert fetch(client, "reports").status_code == 200


def test_a_managers_dashboard_makes_a_fixed_number_of_queries(as_a, org, django_assert_num_queries):
    assert fetch(as_a, "reports").status_code == 200  # warm up
    with django_assert_num_queries(MANAGER_QUERIES):
        assert fetch(as_a, "reports").status_code == 200
    _grow(org, 1)
    for i in range(6):  # teams in A's line, with new departments, roles and locations
        head = StaffFactory(display_name=f"Growth Head{i}", manager=org.a)
        StaffFactory(manager=head)
    with django_assert_num_queries(MANAGER_QUERIES + FRAME_READS):
        response = fetch(as_a, "reports")
    assert len(response.context["lines"]) == 2 + 6  # A's line, Kettleworth's and 6 new teams
    assert len(response.context["filter_fields"][0][3]) == 2 + 12
    with django_assert_num_queries(MANAGER_QUERIES):
        assert fetch(as_a, "reports").status_code == 200


# 10. The weekly email toggle


def test_a_manager_turns_the_weekly_email_on_and_off(as_a, org):
    response = as_a.post(reverse("reports_digest"), {"weekly": "on"})
    assert response.status_code == 302
    assert response["Location"] == reverse("reports")
    assert DigestSubscription.objects.get(user=org.a.user).weekly is True
    assert b"Stop the weekly email" in fetch(as_a, "reports").content

    as_a.post(reverse("reports_digest"), {"weekly": "off"})
    assert DigestSubscription.objects.get(user=org.a.user).weekly is False
    assert DigestSubscription.objects.count() == 1


def test_the_weekly_email_toggle_takes_only_a_post(as_a, org):
    assert as_a.get(reverse("reports_digest"), {"weekly": "on"}).status_code == 405
    assert not DigestSubscription.objects.exists()


def test_staff_without_reports_cannot_subscribe(client, staff_user):
    client.force_login(staff_user)
    assert client.post(reverse("reports_digest"), {"weekly": "on"}).status_code == 403
    assert not DigestSubscription.objects.exists()


def test_anonymous_visitors_cannot_subscribe(client, db):
    response = client.post(reverse("reports_digest"), {"weekly": "on"})
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == reverse("login")
    assert not DigestSubscription.objects.exists()


def test_leader_group_is_what_grants_the_organisation(client, org):
    """A user in no group but linked to a manager sees only their line; added to Leaders,
    the whole organisation (guards the fixture's assumption about the group)."""
    client.force_login(org.b.user)
    assert fetch(client, "reports", line=org.a.pk).status_code == 404
    org.b.user.groups.add(Group.objects.get(name=permissions.LEADERS))
    client.force_login(org.b.user)
    assert fetch(client, "reports", line=org.a.pk).status_code == 200


# Query strings that are not whole numbers


@pytest.mark.parametrize("name", ["line", "department", "role", "location"])
@pytest.mark.parametrize("value", ["²", "١", "+1", "1.0", "-1", "9" * 13])
def test_a_filter_value_that_is_no_plain_whole_number_answers_404(
    client, leader_user, org, name, value
):
    """ "²" is a digit to str.isdigit() but not to int(): it once made a 500."""
    client.force_login(leader_user)
    client.raise_request_exception = False
    assert fetch(client, "reports", **{name: value}).status_code == 404


# People who left, values nobody holds, and the kept frames after a rollback


@pytest.mark.parametrize("output", OUTPUTS)
def test_a_manager_who_left_sees_no_report(client, org, output):
    """Their Staff record is inactive but still linked to their account, and their reports
    still name them as manager: no line, named or not (this once served the default view)."""
    org.a.active = False
    org.a.save()
    client.force_login(org.a.user)
    assert fetch(client, output).status_code == 403
    assert fetch(client, output, line=org.a.pk).status_code == 403
    assert fetch(client, output, line=org.kettleworth.pk).status_code == 403


def test_a_leaders_filter_value_nobody_active_holds_answers_404(client, leader_user, org):
    """The whole organisation accepts only values someone active holds (this once took any
    department that existed)."""
    left = DepartmentFactory(name="Everyone Left")
    StaffFactory(display_name="Gone Person", department=left, active=False)
    empty = DepartmentFactory(name="Never Anyone")
    client.force_login(leader_user)
    for department in (left, empty):
        for output in OUTPUTS:
            assert fetch(client, output, department=department.pk).status_code == 404, output
    offered = dict(fetch(client, "reports").context["filter_fields"][0][3])
    assert "Everyone Left" not in offered.values()
    assert "Never Anyone" not in offered.values()
    assert fetch(client, "reports", department=org.shared.pk).status_code == 200


def test_the_kept_frames_are_not_reused_after_a_rollback(client, community_manager, org):
    """Data rolled back, then other data with the same counts and ids: the report shows the
    committed people, never the rolled-back ones (the state key once repeated)."""
    client.force_login(community_manager)
    outer = transaction.savepoint()
    for i in range(5):
        StaffFactory(display_name=f"Ghostly Nobody{i}", department=org.studio)
    _, _, rows = csv_parts(fetch(client, "reports_csv", table="people").content)
    assert "Ghostly Nobody0" in [row[0] for row in rows]
    transaction.savepoint_rollback(outer)
    for i in range(5):
        StaffFactory(display_name=f"Real Somebody{i}", department=org.studio)
    _, _, rows = csv_parts(fetch(client, "reports_csv", table="people").content)
    names = [row[0] for row in rows]
    assert "Real Somebody0" in names
    assert "Ghostly Nobody0" not in names
