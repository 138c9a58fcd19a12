"""The office-hours section of the adoption report: every number against a hand count, the
people and the period it covers, suppression, and a fixed number of queries."""

from datetime import UTC, datetime, timedelta

import pytest
from django.http import QueryDict

from officehours.factories import OccurrenceFactory
from officehours.models import Booking
from officehours.reports import office_hours_table
from portal.factories import DepartmentFactory, StaffFactory, UserFactory
from portal.people.models import Staff
from portal.reports import sections
from portal.reports.scope import report_scope
from portal.reports.selectors import adoption_report
from portal.reports.tables import SUPPRESSED

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
SINCE = NOW - timedelta(weeks=13)


def _person(department):
    user = UserFactory()
    return StaffFactory(user=user, email=user.email, department=department)


def _session(starts_at):
    return OccurrenceFactory(starts_at=starts_at)


def _book(session, staff, *, how="seat", attended=None):
    """A booking as the services leave it: a seat at once, a seat after waiting, still
    waiting, or cancelled."""
    queued = session.starts_at - timedelta(days=2)
    fields = {
        "seat": {"status": "confirmed", "confirmed_at": queued},
        "promoted": {"status": "confirmed", "confirmed_at": queued + timedelta(hours=5)},
        "waiting": {"status": "waitlisted", "confirmed_at": None},
        "cancelled": {"status": "cancelled", "confirmed_at": queued, "cancelled_at": queued},
    }[how]
    return Booking.objects.create(
        occurrence=session, user=staff.user, queued_at=queued, attended=attended, **fields
    )


def _table(people, *, whole_organisation=False):
    return office_hours_table(
        people=people, since=SINCE, now=NOW, whole_organisation=whole_organisation
    )


def _values(table):
    return {row[0]: (row[1], row[2]) for row in table.rows}


def test_every_number_matches_a_hand_count_for_the_people_and_period_in_view():
    support, sales = DepartmentFactory(name="Support"), DepartmentFactory(name="Sales")
    p = [_person(support) for _ in range(6)]
    outsider = _person(sales)
    session, later = _session(NOW - timedelta(days=10)), _session(NOW - timedelta(days=3))
    before = _session(SINCE - timedelta(minutes=1))  # just before the period
    at_now = _session(NOW)  # starts at the end of the period: not yet
    _book(session, p[0], attended=True)
    _book(session, p[1], attended=True)
    _book(session, p[2], how="promoted", attended=True)  # waited, then came
    _book(session, p[3], attended=False)  # a no-show
    _book(session, p[4], how="waiting")  # still waiting when it started
    _book(session, p[5], how="cancelled")  # not counted, and p5 did not book
    _book(later, p[0], attended=False)  # a second booking by p0: a no-show
    _book(session, outsider, attended=True)  # outside the view
    _book(before, p[1], how="waiting")  # before the period
    _book(at_now, p[3], how="waiting")  # after it

    table = _table(Staff.objects.filter(active=True, department=support))

    assert table.key == "office_hours" and table.title == "Office hours"
    assert [c.kind for c in table.columns] == ["text", "count", "percent"]
    assert _values(table) == {
        "People who booked": (5, None),  # p0..p4
        "People who attended": (3, None),  # p0, p1, p2
        "Bookings": (6, None),  # five on the session, p0's second one
        "Attended": (3, None),
        "No-shows": (2, 2 / 5),  # of the five bookings the host marked
        "Waited on the waitlist": (2, 2 / 6),  # p2 (promoted) and p4 (still waiting)
    }
    assert table.summary == (
        "3 people attended office hours in this period; 40 % of marked bookings were no-shows."
    )
    assert "cancelled bookings are left out" in table.note

    everyone = _values(_table(Staff.objects.filter(active=True), whole_organisation=True))
    assert everyone["People who booked"] == (6, None)  # and the outsider
    assert everyone["Attended"] == (4, None)


def test_four_people_are_withheld_and_five_are_shown():
    team = DepartmentFactory(name="Support")
    people = Staff.objects.filter(active=True, department=team)
    session = _session(NOW - timedelta(days=1))
    for _ in range(4):
        _book(session, _person(team), attended=True)

    table = _table(people)
    assert [row[1:] for row in table.rows] == [[SUPPRESSED, None]] * 4 + [
        [SUPPRESSED, SUPPRESSED]
    ] * 2
    assert table.summary.startswith("Fewer than 5 people in this view booked office hours")

    _book(session, _person(team), attended=False)
    values = _values(_table(people))
    assert values["People who booked"] == (5, None)
    assert values["Attended"] == (4, None)
    assert values["No-shows"] == (1, 1 / 5)
    assert values["Waited on the waitlist"] == (0, 0.0)


def test_a_share_of_fewer_than_five_bookings_is_withheld_though_the_counts_show():
    team = DepartmentFactory(name="Support")
    session = _session(NOW - timedelta(days=1))
    _book(session, _person(team), attended=True)
    _book(session, _person(team), attended=False)
    for _ in range(3):
        _book(session, _person(team))  # not marked yet
    values = _values(_table(Staff.objects.filter(active=True, department=team)))
    assert values["No-shows"] == (1, SUPPRESSED)  # two marked bookings
    assert values["Waited on the waitlist"] == (0, 0.0)  # of five bookings
    table = _table(Staff.objects.filter(active=True, department=team))
    assert table.summary == "1 person attended office hours in this period."


def test_no_section_before_there_are_any_sessions(django_assert_num_queries):
    _person(DepartmentFactory())
    with django_assert_num_queries(1):
        assert _table(Staff.objects.filter(active=True)) is None
    _session(NOW + timedelta(days=3))  # a session, none booked yet: the section shows
    table = _table(Staff.objects.filter(active=True))
    assert table is not None and _values(table)["Bookings"] == (SUPPRESSED, None)


def test_the_query_count_does_not_grow_with_bookings_or_departments(django_assert_num_queries):
    session = _session(NOW - timedelta(days=1))
    for _ in range(5):
        _book(session, _person(DepartmentFactory()), attended=True)
    with django_assert_num_queries(2):
        _table(Staff.objects.filter(active=True))
    for days in range(2, 6):
        more = _session(NOW - timedelta(days=days))
        for _ in range(4):
            _book(more, _person(DepartmentFactory()), how="promoted", attended=False)
    with django_assert_num_queries(2):
        table = _table(Staff.objects.filter(active=True))
    assert _values(table)["Bookings"] == (21, None)


def test_the_section_is_registered_and_in_the_adoption_report(leader_user):
    assert sections._sections["office_hours"].order == 20
    session = _session(NOW - timedelta(days=1))
    for _ in range(5):
        _book(session, _person(DepartmentFactory(name="Support")), attended=True)
    scope = report_scope(user=leader_user, staff=None, params=QueryDict())
    report = adoption_report(scope=scope, now=NOW)
    (table,) = [t for t in report.extra if t.key == "office_hours"]
    assert _values(table)["Attended"] == (5, None)
    keys = [t.key for t in report.extra]
    assert keys.index("signins") < keys.index("office_hours")
