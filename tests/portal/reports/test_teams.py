"""Drilling from a department into its teams, and groups that stay hidden by subtraction too.

The organisation (every count by hand):

    Commerce (no one directly in it)          19
      Retail           6 directly, + North 3   9
        Retail North   3
      Wholesale        7
      Pricing          3
    Operations (no teams)                      8

Commerce's teams: Pricing (3) is under five, and it is the only one, so Commerce's 19 minus
Retail's 9 and Wholesale's 7 would give it away; Wholesale, the cheaper other team to hide
(Commerce has no one directly in it), is hidden with it, and so is Wholesale's own report: a
group is decided once, for every table and view (`portal.reports.disclosure`). Retail's level:
Retail North (3) is hidden alone, so the 6 people directly in Retail are hidden with it.
"""

from types import SimpleNamespace

import pytest
from django.http import Http404
from django.urls import reverse

from portal.factories import DepartmentFactory, RoleFactory, StaffFactory, UserFactory
from portal.reports.tables import SUPPRESSED as S
from portal.reports.teams import Tree
from portal.tiers.models import Tier

from .handbuilt import report, rows


@pytest.fixture
def tree_org(db):
    aware = Tier.objects.get(order=1)
    role = RoleFactory(name="Seller", target_tier=aware)
    commerce = DepartmentFactory(name="Commerce")
    retail = DepartmentFactory(name="Retail", parent=commerce)
    north = DepartmentFactory(name="Retail North", parent=retail)
    wholesale = DepartmentFactory(name="Wholesale", parent=commerce)
    pricing = DepartmentFactory(name="Pricing", parent=commerce)
    operations = DepartmentFactory(name="Operations")
    boss = StaffFactory(display_name="Boss Person", department=operations, role=role)
    boss.user = UserFactory()
    boss.save(update_fields=["user"])
    people = {}
    for department, n in [(retail, 6), (north, 3), (wholesale, 7), (pricing, 3), (operations, 7)]:
        people[department.name] = [
            StaffFactory(
                display_name=f"{department.name} {i}",
                department=department,
                role=role,
                manager=boss if department in (north, retail) else None,
            )
            for i in range(n)
        ]
    return SimpleNamespace(
        commerce=commerce,
        retail=retail,
        north=north,
        wholesale=wholesale,
        pricing=pricing,
        operations=operations,
        boss=boss,
        people=people,
    )


def people_column(table) -> dict[str, object]:
    return {row[0]: row[1] for row in table.rows}


def by(adoption, key):
    return next(t for t in adoption.breakdowns if t.key == key)


def test_the_whole_organisation_shows_top_level_departments_with_their_teams_counted(
    tree_org, leader_user
):
    adoption = report(leader_user)
    table = by(adoption, "by_department")
    assert people_column(table) == {"Commerce": 19, "Operations": 8}
    # Only a department with teams links to its own report.
    assert table.links == [{"department": str(tree_org.commerce.pk)}, None]
    assert adoption.headline.people == 27


def test_a_department_shows_its_teams_and_hides_a_small_one_with_a_second(tree_org, leader_user):
    adoption = report(leader_user, f"department={tree_org.commerce.pk}")
    assert adoption.headline.people == 19  # everyone under Commerce, grand-children included
    assert not any(t.key == "by_department" for t in adoption.breakdowns)
    table = by(adoption, "by_team")
    assert table.title == "By team"
    assert people_column(table) == {"Pricing": S, "Retail": 9, "Wholesale": S}
    assert all(cell is S for row in table.rows if row[0] != "Retail" for cell in row[1:])
    assert table.links == [None, {"department": str(tree_org.retail.pk)}, None]
    assert "by subtraction" in table.summary
    curve = {row[0]: row[1:] for row in adoption.curve.rows}
    assert curve["Pricing"] == [S] * 5 and curve["Wholesale"] == [S] * 5
    assert curve["Retail"][0] == 9


def test_no_hidden_team_can_be_solved_from_its_parents_total(tree_org, leader_user):
    """At every level, the total minus the visible groups is the sum of at least two hidden
    groups, never one."""
    for department in (None, tree_org.commerce, tree_org.retail):
        params = f"department={department.pk}" if department else ""
        adoption = report(leader_user, params)
        table = next(t for t in adoption.breakdowns if t.key in ("by_team", "by_department"))
        hidden = [row[0] for row in table.rows if row[1] is S]
        visible = sum(row[1] for row in table.rows if row[1] is not S)
        assert len(hidden) != 1, (department, hidden)
        if hidden:
            assert adoption.headline.people - visible >= 5 or len(hidden) >= 2


def test_the_people_directly_in_a_department_are_hidden_with_its_one_small_team(
    tree_org, leader_user
):
    adoption = report(leader_user, f"department={tree_org.retail.pk}")
    assert adoption.headline.people == 9
    assert people_column(by(adoption, "by_team")) == {"Retail North": S, "Retail, in no team": S}


def test_the_team_hidden_with_a_small_one_has_its_own_report_withheld(tree_org, leader_user):
    """Wholesale is one group, decided once: hidden in Commerce's table, hidden in its own view
    (`disclosure`), or Commerce's 19 minus Retail's 9 minus Wholesale's own headline would be
    Pricing's 3."""
    adoption = report(leader_user, f"department={tree_org.wholesale.pk}")
    assert adoption.headline.people is S and adoption.headline.share is S
    assert all(cell in (S, None) for row in adoption.funnel.rows for cell in row[1:])
    assert all(cell is S for row in adoption.trend.rows for cell in row[1:])
    # The people directly in Retail have no report of their own; Retail itself shows.
    assert report(leader_user, f"department={tree_org.retail.pk}").headline.people == 9


def test_a_small_team_is_withheld_in_its_own_report(tree_org, leader_user):
    adoption = report(leader_user, f"department={tree_org.pricing.pk}")
    assert adoption.headline.people is S
    assert people_column(by(adoption, "by_department")) == {"Pricing": S}


def test_a_department_without_teams_keeps_its_department_table(tree_org, leader_user):
    adoption = report(leader_user, f"department={tree_org.operations.pk}")
    table = by(adoption, "by_department")
    assert rows(table)[0][:2] == ["Operations", 8] and table.links == []


def test_the_breadcrumb_leads_back_up(tree_org, leader_user):
    adoption = report(leader_user, f"department={tree_org.north.pk}")
    assert adoption.scope.department_trail() == [
        (None, "Whole organisation"),
        (tree_org.commerce.pk, "Commerce"),
        (tree_org.retail.pk, "Retail"),
        (tree_org.north.pk, "Retail North"),
    ]


def test_a_manager_drills_only_within_their_line(tree_org):
    """The boss's line is Retail's 9 people: Commerce and Retail can be opened (the numbers
    are the line's), Wholesale, Pricing and Operations answer 404."""
    user = tree_org.boss.user
    line = report(user, staff=tree_org.boss)
    assert people_column(by(line, "by_department")) == {"Commerce": 9}
    commerce = report(user, f"department={tree_org.commerce.pk}", staff=tree_org.boss)
    assert commerce.headline.people == 9
    assert people_column(by(commerce, "by_team")) == {"Retail": 9}
    for department in (tree_org.wholesale, tree_org.pricing, tree_org.operations):
        with pytest.raises(Http404):
            report(user, f"department={department.pk}", staff=tree_org.boss)


def test_a_loop_in_the_department_data_ends():
    tree = Tree.of([(1, 2), (2, 1), (3, 1)])  # 1 and 2 are each other's parent
    assert [tree.ancestors(d) for d in (1, 2, 3)] == [[], [], []]  # all taken as top-level
    assert tree.subtree(1) == {1}


def test_the_teams_are_the_same_rows_in_page_pdf_spreadsheet_and_csv(client, tree_org, leader_user):
    from tests.pdf_text import pdf_text

    from .http.two_lines import csv_parts, xlsx_sheets

    client.force_login(leader_user)
    params = {"department": tree_org.commerce.pk}
    page = client.get(reverse("reports"), params).content.decode()
    assert f'href="/reports/?department={tree_org.retail.pk}"' in page
    assert 'aria-current="page">Commerce</a>' in page  # the breadcrumb's last step
    _, header, rows = csv_parts(
        client.get(reverse("reports_csv"), {**params, "table": "by_team"}).content
    )
    assert header[:2] == ["Team", "People"]
    assert [row[:2] for row in rows] == [
        ["Pricing", "withheld"],
        ["Retail", "9"],
        ["Wholesale", "withheld"],
    ]
    sheet = xlsx_sheets(client.get(reverse("reports_xlsx"), params).content)["By team"]
    assert [row[:2] for row in sheet if row and row[0] in ("Pricing", "Retail", "Wholesale")] == [
        ("Pricing", "withheld"),
        ("Retail", 9),
        ("Wholesale", "withheld"),
    ]
    text = pdf_text(client.get(reverse("reports_pdf"), params).content)
    assert "By team" in text and "Pricing" in text and "Wholesale" in text
    assert "/reports/?department" not in text
