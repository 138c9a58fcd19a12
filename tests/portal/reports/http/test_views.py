"""The adoption report over HTTP: who sees which line, in every output, and what it may name
(the organisation is in `two_lines.py`).

An organisation of three managers: C at the top, A under C (so A's line is inside C's), and B
with a line of their own. Every person has a synthetic surname that occurs nowhere else, so a
name leaking into a page, a PDF (read back with pdftotext), a workbook (every cell of every
sheet) or a CSV (every table) is found by looking for it.
"""

import html
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from portal.factories import (
    UserFactory,
)
from tests.pdf_text import pdf_text

from .two_lines import (
    A_PEOPLE,
    B_PEOPLE,
    MANAGERS,
    OUTPUTS,
    TABLE_KEYS,
    assert_all_names,
    assert_no_names,
    csv_parts,
    csv_text,
    fetch,
    output_text,
    xlsx_sheets,
    xlsx_text,
)

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
    assert target.path == reverse("account_login")
    assert parse_qs(target.query)["next"][0].startswith(reverse(output))
