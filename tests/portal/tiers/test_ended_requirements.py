"""A requirement another kind ends: leaving the programme ends having joined it, joining again
holds it again, and the periods end at the moment of leaving, incrementally and in bulk."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError

from portal.factories import StaffFactory
from portal.models import Requirement, Tier, TierAttainment
from portal.tiers.selectors import my_path
from portal.tiers.services import engagement_record, tier_attainments_recompute

T0 = datetime(2026, 2, 2, 10, 0, tzinfo=UTC)
pytestmark = pytest.mark.django_db


@pytest.fixture
def programme_tier():
    """One tier, as the Champion tier is set: joined, until left."""
    Tier.objects.all().delete()
    tier = Tier.objects.create(order=1, name="Champion")
    Requirement.objects.create(tier=tier, event_kind="champion_joined", ended_by="champion_left")
    return tier


def _periods(person):
    return [
        (a.reached_at, a.lapsed_at)
        for a in TierAttainment.objects.filter(staff=person).order_by("reached_at")
    ]


def _record(person, kind, when, capture):
    with capture(execute=True):
        engagement_record(staff=person, kind=kind, occurred_at=when, source="test")


def test_leaving_ends_the_period_and_joining_again_opens_another(
    programme_tier, django_capture_on_commit_callbacks
):
    person = StaffFactory()
    joined, left, again = T0, T0 + timedelta(days=30), T0 + timedelta(days=45, microseconds=7)
    _record(person, "champion_joined", joined, django_capture_on_commit_callbacks)
    assert _periods(person) == [(joined, None)]
    _record(person, "champion_left", left, django_capture_on_commit_callbacks)
    assert _periods(person) == [(joined, left)]
    _record(person, "champion_joined", again, django_capture_on_commit_callbacks)
    incremental = _periods(person)
    assert incremental == [(joined, left), (again, None)]

    TierAttainment.objects.all().delete()
    tier_attainments_recompute()
    assert _periods(person) == incremental


def test_leaving_at_the_moment_of_joining_ends_it(
    programme_tier, django_capture_on_commit_callbacks
):
    person = StaffFactory()
    _record(person, "champion_left", T0, django_capture_on_commit_callbacks)
    _record(person, "champion_joined", T0, django_capture_on_commit_callbacks)
    assert _periods(person) == []
    _record(
        person,
        "champion_joined",
        T0 + timedelta(microseconds=1),
        django_capture_on_commit_callbacks,
    )
    assert _periods(person) == [(T0 + timedelta(microseconds=1), None)]


def test_my_path_counts_only_what_came_after_leaving(
    programme_tier, django_capture_on_commit_callbacks
):
    person = StaffFactory()
    _record(person, "champion_joined", T0, django_capture_on_commit_callbacks)
    _record(person, "champion_left", T0 + timedelta(days=3), django_capture_on_commit_callbacks)
    (step,) = my_path(staff=person, now=T0 + timedelta(days=4)).steps
    assert not step.held
    assert [r.done for r in step.requirements] == [False]
    (step,) = my_path(staff=person, now=T0 + timedelta(days=2)).steps
    assert [r.done for r in step.requirements] == [True]


def test_a_requirement_cannot_be_ended_by_its_own_kind(programme_tier):
    requirement = Requirement(
        tier=programme_tier, event_kind="champion_joined", ended_by="champion_joined"
    )
    with pytest.raises(ValidationError, match="cannot be ended by the events it counts"):
        requirement.full_clean()


def test_the_default_champion_tier_is_ended_by_leaving(db):
    (requirement,) = Requirement.objects.filter(event_kind="champion_joined")
    assert requirement.ended_by == "champion_left"
    assert str(requirement) == (
        "Join the champion programme, until: Leave the champion programme (moved to alumni)"
    )
