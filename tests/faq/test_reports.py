"""The FAQ section of the adoption report: votes and questions of the people in view against a
hand count, the search gaps only for the whole organisation, suppression, fixed queries."""

from datetime import UTC, datetime, timedelta

import pytest
from django.http import QueryDict

from faq.factories import FAQVoteFactory, QuestionFactory
from faq.models import FAQVote, Question, SearchGap
from faq.reports import faq_table
from portal.factories import DepartmentFactory, StaffFactory, UserFactory
from portal.people.models import Staff
from portal.reports import sections
from portal.reports.scope import report_scope
from portal.reports.selectors import adoption_report
from portal.reports.tables import SUPPRESSED

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
SINCE = NOW - timedelta(weeks=13)
IN_PERIOD = NOW - timedelta(days=5)
SEARCH_ROWS = {"Searches that found nothing", "Open unanswered search terms"}


def _person(department):
    user = UserFactory()
    return StaffFactory(user=user, email=user.email, department=department)


def _vote(staff, entry, *, helpful=True, at=IN_PERIOD):
    vote = FAQVoteFactory(user=staff.user, entry=entry, helpful=helpful)
    FAQVote.objects.filter(pk=vote.pk).update(updated_at=at)  # auto_now: set it afterwards
    return vote


def _ask(staff, *, at=IN_PERIOD):
    question = QuestionFactory(asker=staff.user)
    Question.objects.filter(pk=question.pk).update(created_at=at)
    return question


def _gap(query, searches, *, last_seen=IN_PERIOD, **extra):
    return SearchGap.objects.create(query=query, searches=searches, last_seen=last_seen, **extra)


def _table(people, *, whole_organisation=False):
    return faq_table(people=people, since=SINCE, now=NOW, whole_organisation=whole_organisation)


def _values(table):
    return {row[0]: (row[1], row[2]) for row in table.rows}


def test_every_number_matches_a_hand_count_for_the_people_and_period_in_view(guide):
    support, sales = DepartmentFactory(name="Support"), DepartmentFactory(name="Sales")
    p = [_person(support) for _ in range(6)]
    outsider = _person(sales)
    _vote(p[0], guide.disclose)
    _vote(p[0], guide.book)
    _vote(p[1], guide.disclose)
    _vote(p[2], guide.disclose, helpful=False)
    _vote(p[3], guide.book)
    _vote(p[4], guide.escalate, helpful=False)
    _vote(p[5], guide.book, at=SINCE - timedelta(minutes=1))  # just before the period
    _vote(p[1], guide.book, at=NOW)  # at the end of the period: not in it
    _vote(outsider, guide.book)  # outside the view
    for person in p[:5]:
        _ask(person)
    _ask(p[0])
    _ask(p[5], at=SINCE - timedelta(minutes=1))
    _ask(outsider)
    _gap("vpn", 7)
    _gap("parking", 3)
    _gap("expenses", 10, entry=guide.book)  # answered
    _gap("lunch", 4, dismissed_at=IN_PERIOD)  # dismissed
    _gap("fax", 2, last_seen=SINCE - timedelta(minutes=1))  # not searched in the period

    table = _table(Staff.objects.filter(active=True, department=support))

    assert table.key == "faq" and table.title == "FAQ guide"
    assert [c.kind for c in table.columns] == ["text", "count", "percent"]
    assert _values(table) == {
        "Votes cast": (6, None),  # p0 twice, p1..p4
        "Found it helpful": (4, 4 / 6),
        "People who voted": (5, None),
        "Questions asked": (6, None),  # p0..p4, and p0 again
    }
    assert not SEARCH_ROWS & set(_values(table))  # not shown as suppressed: not shown at all
    assert "only in the whole-organisation view" in table.note
    assert table.summary == (
        "5 people in this view voted on FAQ answers in this period; 67 % of their votes said "
        "the answer helped. 6 questions were asked."
    )

    whole = _table(Staff.objects.filter(active=True), whole_organisation=True)
    values = _values(whole)
    assert values["Votes cast"] == (7, None)  # and the outsider's
    assert values["Found it helpful"] == (5, 5 / 7)
    assert values["Questions asked"] == (7, None)
    assert values["Searches that found nothing"] == (10, None)  # vpn 7 + parking 3
    assert values["Open unanswered search terms"] == (2, None)
    assert whole.summary.endswith("10 searches found nothing, across 2 unanswered search terms.")
    assert "logged without identity" in whole.note


def test_four_voters_are_withheld_and_five_are_shown(guide):
    team = DepartmentFactory(name="Support")
    people = Staff.objects.filter(active=True, department=team)
    voters = [_person(team) for _ in range(5)]
    for person in voters[:4]:
        _vote(person, guide.book)
        _vote(person, guide.disclose, helpful=False)  # eight votes, but four people
        _ask(person)
        _ask(person)

    values = _values(_table(people))
    assert values == {
        "Votes cast": (SUPPRESSED, None),
        "Found it helpful": (SUPPRESSED, SUPPRESSED),
        "People who voted": (SUPPRESSED, None),
        "Questions asked": (SUPPRESSED, None),  # eight questions, but four people
    }
    assert _table(people).summary.startswith("Fewer than 5 people in this view voted")

    _vote(voters[4], guide.book)
    values = _values(_table(people))
    assert values["Votes cast"] == (9, None)
    assert values["Found it helpful"] == (5, 5 / 9)
    assert values["People who voted"] == (5, None)
    assert values["Questions asked"] == (SUPPRESSED, None)  # still four people asking

    _ask(voters[4])
    assert _values(_table(people))["Questions asked"] == (9, None)


def test_no_section_before_the_guide_has_entries(django_assert_num_queries):
    _person(DepartmentFactory())
    with django_assert_num_queries(1):
        assert _table(Staff.objects.filter(active=True), whole_organisation=True) is None


def test_an_unused_guide_still_shows_its_section(guide):
    values = _values(_table(Staff.objects.filter(active=True), whole_organisation=True))
    assert values["Votes cast"] == (SUPPRESSED, None)
    assert values["Searches that found nothing"] == (0, None)
    assert values["Open unanswered search terms"] == (0, None)


def test_the_query_count_does_not_grow_with_votes_questions_or_gaps(
    guide, django_assert_num_queries
):
    people = Staff.objects.filter(active=True)
    for entry in (guide.book, guide.disclose):
        _vote(_person(DepartmentFactory()), entry)
    with django_assert_num_queries(3):
        _table(people)
    with django_assert_num_queries(4):
        _table(people, whole_organisation=True)
    for i in range(6):
        person = _person(DepartmentFactory())
        for entry in (guide.book, guide.disclose, guide.escalate):
            _vote(person, entry, helpful=i % 2 == 0)
        _ask(person)
        _gap(f"term {i}", i + 1)
    with django_assert_num_queries(3):
        _table(people)
    with django_assert_num_queries(4):
        table = _table(people, whole_organisation=True)
    assert _values(table)["Votes cast"] == (20, None)
    assert _values(table)["Searches that found nothing"] == (21, None)


def test_the_section_is_registered_and_in_the_adoption_report(
    guide, leader_user, community_manager
):
    assert sections._sections["faq"].order == 30
    team = DepartmentFactory(name="Support")
    for _ in range(5):
        _vote(_person(team), guide.book)
    _gap("vpn", 3)

    scope = report_scope(user=leader_user, staff=None, params=QueryDict())
    (table,) = [t for t in adoption_report(scope=scope, now=NOW).extra if t.key == "faq"]
    assert _values(table)["Votes cast"] == (5, None)
    assert _values(table)["Searches that found nothing"] == (3, None)

    # A filter narrows the view to part of the organisation: the search rows go. A leader,
    # who sees no names, reads votes for the whole organisation only: one department's voters
    # could be subtracted from another view's (portal.reports.sections, SOME).
    params = QueryDict(f"department={team.pk}")
    filtered = report_scope(user=leader_user, staff=None, params=params)
    (table,) = [t for t in adoption_report(scope=filtered, now=NOW).extra if t.key == "faq"]
    assert table.rows == [] and "whole organisation only" in table.summary
    filtered = report_scope(user=community_manager, staff=None, params=params)
    (table,) = [t for t in adoption_report(scope=filtered, now=NOW).extra if t.key == "faq"]
    assert _values(table)["Votes cast"] == (5, None)
    assert not SEARCH_ROWS & set(_values(table))
