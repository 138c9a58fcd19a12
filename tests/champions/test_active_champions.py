"""One definition of an active champion (`selectors.champions_active_q`): in the staff directory,
accepted, not moved to alumni. The champion report, the review screen, coverage, the directory
and the adoption report's coverage section all count with it, and on the same data they agree
with the adoption report's tier funnel."""

import pytest
from django.http import QueryDict
from django.utils import timezone

from champions import selectors
from champions.models import Champion
from champions.reports import champion_coverage_table
from champions.services.programme import champion_decide, champion_respond
from portal.factories import DepartmentFactory, StaffFactory
from portal.people.models import Staff
from portal.reports.scope import report_scope
from portal.reports.selectors import adoption_numbers
from portal.tiers.models import EngagementEvent
from portal.tiers.services import tier_attainments_update

from .tiers import reach

pytestmark = pytest.mark.django_db


def _champion(person, by):
    """Invited and accepted, through the services, as a person would."""
    reach(person, 4)
    champion_decide(staff=person, decision="invite", by=by)
    champion_respond(staff=person, accept=True)
    tier_attainments_update(staff_id=person.pk)  # as champion_joined's commit would


@pytest.fixture
def programme(community_manager):
    """Three active champions, one who left the directory, one below the Champion tier, and
    six other people."""
    support = DepartmentFactory(name="Support")
    people = [StaffFactory(department=support) for _ in range(11)]
    for person in people[:4]:
        _champion(person, community_manager)
    gone = people[3]
    gone.active = False
    gone.save()
    below = people[4]
    reach(below, 1)  # accepted although only Aware: counted, and named as below the tier
    champion_decide(staff=below, decision="invite", by=community_manager)
    champion_respond(staff=below, accept=True)
    return {"active": people[:3], "gone": gone, "below": below, "people": people}


def _funnel_reached(user, tier_name: str) -> int:
    scope = report_scope(user=user, staff=None, params=QueryDict())
    funnel = adoption_numbers(scope=scope, now=timezone.now()).funnel
    (row,) = [row for row in funnel.rows if row[0].endswith(f". {tier_name}")]
    return row[1]


def _everywhere(programme) -> dict[str, int]:
    report = selectors.champion_report()
    directory = selectors.directory()
    section = champion_coverage_table(
        people=Staff.objects.filter(active=True),
        since=timezone.now(),
        now=timezone.now(),
        whole_organisation=True,
    )
    return {
        "report": len(report["active"]),
        "pipeline": dict(report["pipeline"])["Active"],
        "review": selectors.champions_active().count(),
        "coverage": sum(row.champions for row in selectors.coverage()),
        "directory": len(directory["champions"]) + directory["unlisted"],
        "adoption section": sum(row[2] for row in section.rows),
    }


def test_every_screen_counts_the_same_active_champions(programme):
    counts = _everywhere(programme)
    assert set(counts.values()) == {4}, counts  # three, and the one below the tier
    assert programme["gone"].pk not in [c.staff_id for c in selectors.champions_active()]


def test_the_report_agrees_with_the_tier_funnel(programme, leader_user):
    report = selectors.champion_report()
    assert [c.staff for c in report["below_tier"]] == [programme["below"]]
    assert report["below_tier"][0].tier_name == "Aware"
    # The funnel's Champion row is the report's active champions at the Champion tier; the
    # one who left the directory is in neither.
    assert report["at_tier"] == _funnel_reached(leader_user, "Champion") == 3


def test_a_champion_moved_to_alumni_leaves_the_funnel_too(
    programme, leader_user, community_manager
):
    alumna = programme["active"][0]
    champion_decide(staff=alumna, decision="retire", by=community_manager)
    tier_attainments_update(staff_id=alumna.pk)
    assert EngagementEvent.objects.filter(staff=alumna, kind="champion_left").count() == 1

    counts = _everywhere(programme)
    assert set(counts.values()) == {3}, counts
    report = selectors.champion_report()
    assert report["at_tier"] == 2
    assert _funnel_reached(leader_user, "Champion") == 2


def test_moving_to_alumni_ends_it_on_every_screen_of_the_programme(programme, community_manager):
    alumna = programme["active"][0]
    champion_decide(staff=alumna, decision="retire", by=community_manager)

    assert Champion.objects.get(staff=alumna).status == "alumni"
    assert set(_everywhere(programme).values()) == {3}
    assert EngagementEvent.objects.filter(staff=alumna, kind="champion_left").count() == 1
