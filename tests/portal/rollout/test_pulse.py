"""Pulse answers that cannot be tied to a person: not by reading the results before and after
someone answers (a group's published result changes only by a batch of `REPORT_MIN_GROUP` new
answers), not by reading the rows (released answers carry a random id, the quarter and the
answer, and neither their ids nor their order on disk follows the order people answered),
and not by reading what waits (sealed, padded to a size that says only how many wait)."""

import logging
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from portal.factories import DepartmentFactory, StaffFactory
from portal.reports.tables import SUPPRESSED
from portal.rollout.models import (
    PulseAnswer,
    PulseAsked,
    PulsePending,
    PulseResult,
    Wave,
    WaveMember,
)
from portal.rollout.pulse import ANSWER_ROOM, pulse_answer, pulse_skip
from portal.rollout.selectors import pulse_comments, pulse_results
from portal.rollout.services import RolloutError

from . import waiting

pytestmark = pytest.mark.django_db


@pytest.fixture
def pilot():
    return Wave.objects.create(
        name="Pilot", starts_on=timezone.localdate(), started_at=timezone.now()
    )


def people(wave, department, n):
    staff = StaffFactory.create_batch(n, department=department)
    WaveMember.objects.bulk_create(
        WaveMember(wave=wave, staff=person, source="list") for person in staff
    )
    return staff


def published() -> tuple:
    """Everything anyone can read about the pulse: both tables, the comments, the rows."""
    return (
        pulse_results(by="wave").rows,
        pulse_results(by="department").rows,
        pulse_comments(),
        sorted(PulseResult.objects.values_list("grouping", "group_id", "quarter", "answers")),
        PulseAnswer.objects.count(),
    )


# Reading the results


@pytest.mark.parametrize("threshold", [5, 7])  # (the report tables hide counts under 5)
def test_answering_one_at_a_time_changes_nothing_until_a_batch_is_full(pilot, threshold):
    sales = DepartmentFactory(name="Sales")
    with override_settings(REPORT_MIN_GROUP=threshold):
        readings = [published()]
        for i, person in enumerate(people(pilot, sales, 3 * threshold + 2)):
            pulse_answer(staff=person, confidence=1 + i % 5, what_would_help=f"Idea {i}")
            readings.append(published())

    changed_after = [n for n in range(1, len(readings)) if readings[n] != readings[n - 1]]
    assert changed_after == [threshold, 2 * threshold, 3 * threshold]
    for n in changed_after:  # each change adds a whole batch, in every table at once
        wave_rows, department_rows, comments, results, rows = readings[n]
        assert wave_rows[0][:3] == ["Pilot", n, n]
        assert department_rows[0][:3] == ["Sales", n, n]
        assert len(comments) == rows == n
    final = readings[-1]
    assert len(waiting()) == 2  # the last two wait for three more
    assert final[0][0][1] == 3 * threshold


def test_a_small_group_is_never_published_but_its_answers_still_count_for_the_wave(pilot):
    sales, finance = DepartmentFactory(name="Sales"), DepartmentFactory(name="Finance")
    for person in people(pilot, sales, 3) + people(pilot, finance, 2):
        pulse_answer(staff=person, confidence=4, what_would_help="")
    assert pulse_results(by="wave").rows == [["Pilot", 5, 5, "4.0"]]
    assert pulse_results(by="department").rows == []  # 3 and 2: neither filled a batch
    for person in people(pilot, sales, 2):
        pulse_answer(staff=person, confidence=2, what_would_help="")
    by_department = {row[0]: row[1:] for row in pulse_results(by="department").rows}
    assert by_department == {"Sales": [5, 5, "3.2"]}  # (3 * 4 + 2 * 2) / 5; Finance waits
    assert pulse_results(by="wave").rows == [["Pilot", 5, 5, "4.0"]]  # 2 new: not yet


def test_a_quarter_that_ends_leaves_its_unfilled_groups_unpublished(pilot):
    sales = DepartmentFactory(name="Sales")
    autumn = datetime(2026, 11, 10, 12, tzinfo=UTC)
    for person in people(pilot, sales, 4):
        pulse_answer(staff=person, confidence=5, what_would_help="", now=autumn)
    winter = autumn + timedelta(days=60)
    newcomers = people(pilot, sales, 5)
    for person in newcomers:
        pulse_answer(staff=person, confidence=1, what_would_help="", now=winter)
    results = {(r.grouping, r.quarter): r.answers for r in PulseResult.objects.all()}
    assert results == {("wave", "2027-Q1"): 5, ("department", "2027-Q1"): 5}
    # The autumn four no longer wait for a group that cannot fill: with the first winter
    # answer they made a batch of released rows; the other four winter answers wait for theirs.
    assert sorted(PulseAnswer.objects.values_list("quarter", flat=True)) == ["2026-Q4"] * 4 + [
        "2027-Q1"
    ]
    assert [(a["quarter"], a["owes"]) for a in waiting()] == [("2027-Q1", ["answer"])] * 4


def test_the_adoption_report_shows_only_whole_batches(pilot, leader_user):
    from django.http import QueryDict

    from portal.reports.scope import report_scope
    from portal.reports.selectors import adoption_report

    def pulse_table():
        scope = report_scope(user=leader_user, staff=None, params=QueryDict(""))
        return {t.key: t for t in adoption_report(scope=scope).tables()}.get("pulse_by_wave")

    sales = DepartmentFactory(name="Sales")
    staff = people(pilot, sales, 6)
    for person in staff[:4]:
        pulse_answer(staff=person, confidence=3, what_would_help="")
    assert pulse_table() is None
    pulse_answer(staff=staff[4], confidence=3, what_would_help="")
    assert pulse_table().rows == [["Pilot", 5, 5, "3.0"]]
    pulse_answer(staff=staff[5], confidence=5, what_would_help="")
    assert pulse_table().rows == [["Pilot", 5, 5, "3.0"]]


def test_results_published_before_batches_keep_small_groups_suppressed():
    PulseResult.objects.create(
        grouping="department", group_id=0, quarter="2026-Q3", answers=3, rated=3, confidence_sum=9
    )
    assert pulse_results(by="department").rows == [
        ["No department", SUPPRESSED, SUPPRESSED, SUPPRESSED]
    ]


# Reading the rows


def disk_order(table: str) -> list:
    """The rows' ids in the order they lie on disk (PostgreSQL's ctid, SQLite's rowid)."""
    position = "ctid" if connection.vendor == "postgresql" else "rowid"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {table} ORDER BY {position}")  # noqa: S608
        return [uuid.UUID(str(row[0])) for row in cursor.fetchall()]


def rank_correlation(a: list, b: list) -> float:
    """Spearman's rho of two orderings of the same items."""
    n = len(a)
    where = {item: i for i, item in enumerate(b)}
    d2 = sum((i - where[item]) ** 2 for i, item in enumerate(a))
    return 1 - 6 * d2 / (n * (n * n - 1))


def test_released_rows_line_up_with_nobody(pilot):
    """200 known people answer in turn, each with a text that names their place in the line.
    The asked rows follow that order by construction; the answers' ids and their order on
    disk must not (a shuffle of each batch and random ids: the chance of this test failing
    by bad luck is far below one in a billion, while storing in answer order fails it)."""
    sales = DepartmentFactory(name="Sales")
    staff = people(pilot, sales, 200)
    for i, person in enumerate(staff):
        pulse_answer(staff=person, confidence=1 + i % 5, what_would_help=f"#{i:03d}")
    assert not waiting()
    asked = list(PulseAsked.objects.order_by("id").values_list("staff_id", flat=True))
    assert asked == [p.pk for p in staff]  # the asked rows are in answering order

    place = dict(PulseAnswer.objects.values_list("id", "what_would_help"))
    by_id = [place[pk] for pk in sorted(place, key=str)]
    on_disk = [place[pk] for pk in disk_order(PulseAnswer._meta.db_table)]
    answered = [f"#{i:03d}" for i in range(200)]
    assert abs(rank_correlation(answered, by_id)) < 0.5  # random ids: about 0 +- 0.07
    # On disk the batches follow each other, but inside each one the order is shuffled:
    # about half of the neighbours inside a batch are in answering order, not all of them.
    in_order = sum(1 for a, b in zip(on_disk, on_disk[1:], strict=False) if a < b)
    assert in_order < 150  # 199 if written as answered; about 100 + 40 batch joins if not
    # And nothing in a row is a time, a link to a person or group, or a counter.
    kinds = {f.name: f.get_internal_type() for f in PulseAnswer._meta.concrete_fields}
    assert kinds == {
        "id": "UUIDField",
        "quarter": "CharField",
        "confidence": "PositiveSmallIntegerField",
        "what_would_help": "TextField",
    }
    assert {f.name for f in PulseAsked._meta.concrete_fields} == {"id", "staff", "quarter"}


def test_what_waits_is_sealed_and_its_size_says_only_how_many_wait(pilot):
    sales = DepartmentFactory(name="Sales")
    staff = people(pilot, sales, 3)
    pulse_answer(staff=staff[0], confidence=2, what_would_help="")
    before = bytes(PulsePending.objects.get().sealed)
    pulse_answer(staff=staff[1], confidence=4, what_would_help="a" * 1000)
    long = bytes(PulsePending.objects.get().sealed)
    pulse_answer(staff=staff[2], confidence=None, what_would_help="é")
    short = bytes(PulsePending.objects.get().sealed)
    assert b"aaaaaaaa" not in long and b'"confidence"' not in short  # nothing in clear
    sizes = [len(before), len(long), len(short)]
    assert sizes[1] - sizes[0] == sizes[2] - sizes[1] == ANSWER_ROOM  # whatever was written
    assert not PulseAnswer.objects.exists() and not PulseResult.objects.exists()


def test_a_pulse_asked_row_says_nothing_of_whether_they_answered(pilot):
    sales = DepartmentFactory(name="Sales")
    answered, skipped = people(pilot, sales, 2)
    pulse_answer(staff=answered, confidence=3, what_would_help="")
    pulse_skip(staff=skipped)
    rows = list(PulseAsked.objects.values("quarter"))
    assert rows == [{"quarter": rows[0]["quarter"]}] * 2


def test_once_a_quarter_and_an_answer_is_needed():
    person = StaffFactory()
    with pytest.raises(RolloutError, match="Answer at least one question"):
        pulse_answer(staff=person, confidence=None, what_would_help="  ")
    with pytest.raises(RolloutError, match="from 1 to 5"):
        pulse_answer(staff=person, confidence=9, what_would_help="")
    pulse_answer(staff=person, confidence=4, what_would_help="")
    with pytest.raises(RolloutError, match="already answered"):
        pulse_answer(staff=person, confidence=2, what_would_help="")
    assert [a["confidence"] for a in waiting()] == [4]  # the refused one left nothing
    other = StaffFactory()
    pulse_skip(staff=other)
    pulse_skip(staff=other)
    assert PulseAsked.objects.filter(staff=other).count() == 1
    with pytest.raises(RolloutError, match="already answered"):
        pulse_answer(staff=other, confidence=4, what_would_help="")


# The key


def test_a_rotated_key_still_opens_what_waits_and_a_lost_one_starts_afresh(pilot, caplog):
    sales = DepartmentFactory(name="Sales")
    staff = people(pilot, sales, 5)
    with override_settings(SECRET_KEY="the-old-key-" * 5):
        for person in staff[:2]:
            pulse_answer(staff=person, confidence=5, what_would_help="")
    with override_settings(
        SECRET_KEY="the-new-key-" * 5, SECRET_KEY_FALLBACKS=["the-old-key-" * 5]
    ):
        pulse_answer(staff=staff[2], confidence=5, what_would_help="")
    with override_settings(SECRET_KEY="the-new-key-" * 5):
        assert len(waiting()) == 3  # re-sealed under the new key
    with (
        override_settings(SECRET_KEY="a-third-key-" * 5),
        caplog.at_level(logging.WARNING, logger="portal.rollout.pulse"),
    ):
        for person in staff[3:]:
            pulse_answer(staff=person, confidence=1, what_would_help="")
        assert [a["confidence"] for a in waiting()] == [1, 1]
    assert "could not be opened" in caplog.text
    assert not PulseResult.objects.exists()
