"""The champions app's suggested first movers for a rollout wave: scored as the review queue
scores, best first, explained, and in a fixed number of queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from champions.models import ScoreSettings
from champions.rollout import first_movers
from portal.factories import DepartmentFactory, StaffFactory
from portal.rollout import suggestions
from portal.rollout.suggestions import Suggestion
from portal.tiers.services import engagement_record

pytestmark = pytest.mark.django_db


def _replies(person, times, *, subject="reply"):
    for i in range(times):
        engagement_record(
            staff=person,
            kind="community_contributed",
            subject=subject,
            source="test",
            occurred_at=timezone.now() - timedelta(days=1, minutes=i),
            idempotency_key=f"{person.pk}:{subject}:{i}",
        )


@pytest.fixture
def people():
    """Ana replies most, Ben a little, Cy gave one accepted solution, Di did nothing."""
    sales = DepartmentFactory(name="Sales")
    ana, ben, cy, di = (
        StaffFactory(display_name=n, department=sales) for n in ("Ana", "Ben", "Cy", "Di")
    )
    _replies(ana, 6)
    _replies(ben, 2)
    _replies(cy, 1, subject="solution")
    return {"ana": ana, "ben": ben, "cy": cy, "di": di}


def _ranked(found):
    return [s.staff.display_name for s in found]


def test_everyone_with_evidence_best_first_nobody_without(people):
    found = first_movers(limit=10, exclude=set())

    assert all(isinstance(s, Suggestion) for s in found)
    scores = [s.score for s in found]
    assert scores == sorted(scores, reverse=True)
    assert "Di" not in _ranked(found)
    assert _ranked(found).index("Ana") < _ranked(found).index("Ben")
    assert set(_ranked(found)) == {"Ana", "Ben", "Cy"}


def test_exclude_and_limit(people):
    found = first_movers(limit=1, exclude={people["ana"].pk})

    assert len(found) == 1
    assert found[0].staff != people["ana"]
    assert found[0].score == max(
        s.score for s in first_movers(limit=10, exclude=set()) if s.staff != people["ana"]
    )
    assert first_movers(limit=0, exclude=set()) == []


def test_reasons_are_the_breakdown_terms_that_add_up_to_the_score(people):
    settings = ScoreSettings.current()
    ana = next(s for s in first_movers(limit=10, exclude=set()) if s.staff == people["ana"])

    contributions = next(r for r in ana.reasons if r["signal"] == "contributions")
    assert contributions["count"] == 6
    assert contributions["weight"] == settings.contributions
    assert contributions["points"] == 6 * settings.contributions
    assert {"label", "count", "weight", "points"} <= set(contributions)
    assert sum(r["points"] for r in ana.reasons) == pytest.approx(ana.score)
    assert all(r["points"] for r in ana.reasons)  # terms worth nothing are left out


def test_the_provider_is_registered_for_the_rollout():
    assert first_movers in suggestions._providers


def test_a_fixed_number_of_queries_however_many_people(people, django_assert_num_queries):
    ScoreSettings.current()
    with CaptureQueriesContext(connection) as few:
        first_movers(limit=10, exclude={people["di"].pk})
    for person in StaffFactory.create_batch(8):
        _replies(person, 3)

    with django_assert_num_queries(len(few.captured_queries)):
        found = first_movers(limit=10, exclude={people["di"].pk})
        [s.staff.department for s in found]  # the department comes with the person
    assert len(found) == 10
