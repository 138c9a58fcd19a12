"""The champion-coverage section of the adoption report: departments in view against the target,
in the order a leader acts on, small departments withheld, no names, fixed queries."""

from datetime import UTC, datetime, timedelta

import pytest
from django.http import QueryDict

from champions.models import Champion, ScoreSettings
from champions.reports import champion_coverage_table
from portal.factories import DepartmentFactory, LocationFactory, StaffFactory
from portal.people.models import Staff
from portal.reports import sections
from portal.reports.scope import report_scope
from portal.reports.selectors import adoption_report
from portal.reports.tables import SUPPRESSED

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
SINCE = NOW - timedelta(weeks=13)
S = SUPPRESSED


@pytest.fixture(autouse=True)
def five_per_champion():
    settings = ScoreSettings.current()
    settings.staff_per_champion = 5
    settings.save()


def _team(name, size, *, champions=0, invited=0, **extra):
    """`size` people in department `name` (None: no department), the first `champions` of
    them active champions and the next `invited` only invited."""
    department = DepartmentFactory(name=name) if name else None
    people = [StaffFactory(department=department, **extra) for _ in range(size)]
    for person in people[:champions]:
        Champion.objects.create(staff=person, status=Champion.Status.ACTIVE)
    for person in people[champions : champions + invited]:
        Champion.objects.create(staff=person, status=Champion.Status.INVITED)
    return people


def _table(people):
    return champion_coverage_table(people=people, since=SINCE, now=NOW, whole_organisation=True)


def test_departments_against_the_target_in_the_order_a_leader_acts_on():
    _team("Support", 12, champions=1, invited=1)  # the invited one is not a champion yet
    _team("Sales", 6)
    finance = _team("Finance", 5)
    _team("Engineering", 10, champions=2)
    _team("Legal", 4, champions=1)
    _team("Admin", 3)
    _team(None, 2)
    gone = StaffFactory(department=finance[0].department, active=False)  # left: not counted
    Champion.objects.create(staff=gone, status=Champion.Status.ACTIVE)

    table = _table(Staff.objects.filter(active=True))

    assert table.key == "champion_coverage" and table.title == "Champion coverage"
    assert [c.label for c in table.columns] == [
        "Department",
        "People",
        "Active champions",
        "Target",
        "Gap",
    ]
    assert table.rows == [
        ["Sales", 6, 0, 2, 2],  # no champion, the larger gap first
        ["Finance", 5, 0, 1, 1],
        ["Support", 12, 1, 3, 2],  # ceil(12 / 5) = 3
        ["Engineering", 10, 2, 2, 0],
        ["Admin", S, S, S, S],  # fewer than 5 people: by name, after the others
        ["Legal", S, S, S, S],
        ["No department", S, S, None, None],
    ]
    assert table.summary == (
        "2 of 4 departments in this view have no champion; the programme aims for one per 5 "
        "people. 2 smaller departments are not counted: fewer than 5 people in view."
    )
    names = {person.display_name for person in Staff.objects.all()}
    text = " ".join([table.summary, table.note, *(str(c) for row in table.rows for c in row)])
    assert not any(name in text for name in names)


def test_only_the_people_in_view_count():
    berlin, lisbon = LocationFactory(name="Berlin"), LocationFactory(name="Lisbon")
    _team("Support", 6, location=berlin)
    lisbon_team = _team("Support", 6, champions=1, location=lisbon)
    _team("Sales", 7, champions=1, location=berlin)

    in_berlin = _table(Staff.objects.filter(active=True, location=berlin))
    assert in_berlin.rows == [["Support", 6, 0, 2, 2], ["Sales", 7, 1, 2, 1]]

    support = lisbon_team[0].department
    in_support = _table(Staff.objects.filter(active=True, department=support))
    assert in_support.rows == [["Support", 12, 1, 3, 2]]
    assert in_support.summary == (
        "Every department in this view has a champion; the programme aims for one per 5 people."
    )


def test_four_people_are_withheld_and_five_are_shown():
    four = _team("Support", 4, champions=1)
    assert _table(Staff.objects.filter(active=True)).rows == [["Support", S, S, S, S]]
    assert _table(Staff.objects.filter(active=True)).summary.startswith(
        "No department in this view has 5 people or more"
    )
    StaffFactory(department=four[0].department)
    assert _table(Staff.objects.filter(active=True)).rows == [["Support", 5, 1, 1, 0]]


def test_shown_before_anyone_is_a_champion():
    _team("Support", 6)
    _team("Sales", 5)
    _team(None, 5)
    table = _table(Staff.objects.filter(active=True))
    assert table.rows == [
        ["Support", 6, 0, 2, 2],  # the larger gap first
        ["Sales", 5, 0, 1, 1],
        ["No department", 5, 0, None, None],
    ]
    assert table.summary == (
        "2 of 2 departments in this view have no champion; the programme aims for one per 5 people."
    )
    assert _table(Staff.objects.none()).summary == "There is no one in this view."


def test_the_query_count_does_not_grow_with_departments(django_assert_num_queries):
    _team("Support", 5, champions=1)
    with django_assert_num_queries(2):
        _table(Staff.objects.filter(active=True))
    for i in range(6):
        _team(f"Team {i}", 5 + i, champions=i % 2)
    _team(None, 3)
    with django_assert_num_queries(2):
        table = _table(Staff.objects.filter(active=True))
    assert len(table.rows) == 8


def test_reading_the_target_creates_no_settings_row():
    ScoreSettings.objects.all().delete()
    _team("Support", 60)
    assert _table(Staff.objects.filter(active=True)).rows == [["Support", 60, 0, 2, 2]]  # 50
    assert not ScoreSettings.objects.exists()


def test_the_section_is_registered_and_in_the_adoption_report(leader_user):
    assert sections._sections["champion_coverage"].order == 40
    _team("Support", 6, champions=1)
    scope = report_scope(user=leader_user, staff=None, params=QueryDict())
    report = adoption_report(scope=scope, now=NOW)
    (table,) = [t for t in report.extra if t.key == "champion_coverage"]
    assert ["Support", 6, 1, 2, 1] in table.rows
    keys = [t.key for t in report.extra]
    assert keys == sorted(keys, key=lambda k: sections._sections[k].order)
