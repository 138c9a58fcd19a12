"""The champion score on a hand-built organisation: every number is what the weights say."""

from datetime import timedelta

import pytest
from django.utils import timezone

from champions import scoring, selectors
from champions.models import Champion, ScoreSettings
from champions.services.nominations import (
    NominationAlreadyMade,
    NominationError,
    nomination_create,
)
from champions.services.programme import champion_decide
from portal.factories import DepartmentFactory, StaffFactory, UserFactory
from portal.tiers.services import engagement_record

pytestmark = pytest.mark.django_db


def _did(person, kind, times, *, subject="", days_ago=1):
    for i in range(times):
        engagement_record(
            staff=person,
            kind=kind,
            subject=subject or f"{kind}-{i}",
            source="test",
            occurred_at=timezone.now() - timedelta(days=days_ago, minutes=i),
            idempotency_key=f"{person.pk}:{kind}:{subject}:{days_ago}:{i}",
        )


@pytest.fixture
def org():
    """Ana answers a lot; Ben trained and attends; Cy did a little long ago; Di nothing."""
    sales = DepartmentFactory(name="Sales")
    ana, ben, cy, di = (
        StaffFactory(display_name=n, department=sales) for n in ("Ana", "Ben", "Cy", "Di")
    )
    _did(ana, "community_contributed", 6, subject="reply")
    _did(ana, "community_contributed", 2, subject="post")
    _did(ana, "community_contributed", 3, subject="solution")
    _did(ana, "community_contributed", 4, subject="reply", days_ago=120)  # outside 90 days
    _did(ben, "training_completed", 2)
    _did(ben, "office_hours_attended", 3)
    _did(cy, "community_contributed", 1, subject="post", days_ago=200)
    nomination_create(nominator=ben, nominee=ana, reason="Answers everything.")
    nomination_create(nominator=cy, nominee=ana, reason="Helped me twice.")
    nomination_create(nominator=ana, nominee=ana, reason="I would like to.")  # self
    return {"ana": ana, "ben": ben, "cy": cy, "di": di}


def test_signals_count_exactly_the_evidence(org):
    frame = scoring.signals_frame()
    ana, ben, cy = (frame.loc[org[n].pk] for n in ("ana", "ben", "cy"))
    assert ana["contributions"] == 8  # 6 replies + 2 posts in 90 days; solutions apart
    assert ana["solutions"] == 3
    assert ana["nominations"] == 2  # Ben and Cy; nominating yourself is not a colleague's
    assert ana["brought_along"] == 0
    assert (ben["training"], ben["attended"], ben["brought_along"]) == (2, 3, 1)
    assert cy["contributions"] == 0 and cy["brought_along"] == 1


def test_scores_and_breakdown_are_count_times_weight(org):
    settings = ScoreSettings.current()
    points = scoring.points_frame(scoring.signals_frame(), settings)
    # Ana: 8 x 0.5 + 3 x 2 + 2 x 4 = 18; Ben: 2 x 1 + 3 x 1 + 1 x 1 = 6; Cy: 1; Di: 0.
    assert points.loc[org["ana"].pk, "score"] == 18
    assert points.loc[org["ben"].pk, "score"] == 6
    assert points.loc[org["cy"].pk, "score"] == 1
    assert points.loc[org["di"].pk, "score"] == 0
    settings.threshold, settings.top_percent = 1, 0
    settings.save()
    candidate = next(c for c in selectors.champion_candidates() if c.staff == org["ana"])
    terms = {t["signal"]: (t["count"], t["weight"], t["points"]) for t in candidate.breakdown}
    assert terms["contributions"] == (8, 0.5, 4) and terms["solutions"] == (3, 2, 6)
    assert terms["nominations"] == (2, 4, 8)
    assert sum(p for _, _, p in terms.values()) == candidate.score == 18


def test_the_queue_follows_the_threshold_and_a_weight_changes_the_ranking(org):
    settings = ScoreSettings.current()
    settings.threshold, settings.top_percent = 5, 0
    settings.save()
    queue = selectors.champion_candidates()
    assert [c.staff.display_name for c in queue] == ["Ana", "Ben"]
    settings.attended = 6  # attending office hours now weighs heavily: Ben 2 + 18 + 1 = 21
    settings.save()
    queue = selectors.champion_candidates()
    assert [(c.staff.display_name, c.score) for c in queue] == [("Ben", 21), ("Ana", 18)]


def test_the_top_percent_reaches_below_the_threshold(org):
    settings = ScoreSettings.current()
    settings.threshold, settings.top_percent = 100, 25  # top quarter of 4 people: one
    settings.save()
    assert [c.staff.display_name for c in selectors.champion_candidates()] == ["Ana"]


def test_decided_people_leave_the_queue_and_deferred_come_back_later(org):
    settings = ScoreSettings.current()
    settings.threshold, settings.top_percent = 5, 0
    settings.save()
    manager = UserFactory()
    champion_decide(staff=org["ana"], decision="invite", by=manager)
    champion_decide(staff=org["ben"], decision="defer", by=manager, reason="After the launch.")
    assert selectors.champion_candidates() == []
    later = timezone.now() + timedelta(days=91)
    assert [c.staff.display_name for c in selectors.champion_candidates(now=later)] == ["Ben"]
    decided = Champion.objects.get(staff=org["ana"])
    assert decided.breakdown["nominations"] == 8 and decided.score == 18


def test_nominations_merge_and_a_second_one_by_the_same_person_records_nothing(org):
    with pytest.raises(NominationAlreadyMade, match="You already nominated Ana on"):
        nomination_create(nominator=org["ben"], nominee=org["ana"], reason="Answers everything!!")
    nomination = org["ana"].nomination
    assert nomination.reasons.count() == 3  # Ben, Cy and Ana herself, once each
    assert nomination.reasons.get(nominator=org["ben"]).reason == "Answers everything."
    with pytest.raises(NominationError, match="why"):
        nomination_create(nominator=org["di"], nominee=org["cy"], reason="   ")


def test_coverage_lists_teams_without_a_champion_first_with_their_best_candidates(org):
    empty = DepartmentFactory(name="Finance")
    StaffFactory(department=empty)
    support = DepartmentFactory(name="Support")
    helper = StaffFactory(department=support)
    StaffFactory(department=support)
    Champion.objects.create(staff=helper, status=Champion.Status.ACTIVE)
    rows = selectors.coverage()
    assert [r.name for r in rows] == ["Finance", "Sales", "Support"]
    sales = rows[1]
    assert (sales.staff, sales.champions, sales.target, sales.gap) == (4, 0, 1, 1)
    assert [c.staff.display_name for c in sales.best] == ["Ana", "Ben", "Cy"]
    assert rows[2].gap == 0 and not rows[2].none
