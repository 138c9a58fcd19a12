"""The adoption report over HTTP, beyond who sees what: suppression and formula cells end to
end, htmx, query counts, the weekly email toggle, and odd input (on `two_lines.py`)."""

import html
import io
import re
import zipfile
from datetime import timedelta
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
)
from portal.reports.exports import sheet_title
from portal.reports.models import DigestSubscription
from portal.tiers.models import TierAttainment

from .two_lines import (
    A_DEEP,
    A_STUDIO,
    EVIL,
    MANAGERS,
    OUTPUTS,
    SUPPRESSED,
    TABLE_KEYS,
    csv_parts,
    fetch,
    html_row,
    xlsx_row,
)

# 6. Suppression, end to end


def test_a_department_of_four_in_view_is_suppressed_in_page_csv_and_workbook(
    client, as_a, leader_user, org
):
    """Shared Operations has 4 people in A's line (7 in the organisation): A sees no number
    for it in the page, the CSVs or the workbook. Alpha Studio (5 people) shows: A sees every
    one of her people by name, so nothing is protected by hiding more than the rule of five
    (`disclosure`: only a report that names no one hides groups to protect others)."""
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
# tiers, role targets, sign-ins, the domain apps' sections (five) and the digest choice. The
# first request after the data changed also reads the organisation's two frames (and whether
# the programme is rolled out in waves, for who counts as invited).
DASHBOARD_QUERIES = 22  # + the rollout's sections: waves, pulse by wave and by department
FRAME_READS = 3
MANAGER_QUERIES = 25  # no second person lookup; 'manages anyone' once; the line check, its
# filter lists, the switcher; the last activity of the people table's page;
# the waves section (pulse results are for the whole organisation only); the audit log's entry
# (the page names the manager's people)


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
    assert urlsplit(response["Location"]).path == reverse("account_login")
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
