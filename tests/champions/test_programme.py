"""The programme lifecycle, the directory's opt-in, and who may see what."""

import pytest
from django.urls import reverse

from champions.models import Champion
from champions.services.programme import (
    ProgrammeError,
    champion_decide,
    champion_profile_update,
    champion_respond,
)
from portal.factories import DepartmentFactory, StaffFactory, UserFactory
from portal.tiers.models import EngagementEvent
from tests.outbox import delivered
from tests.pdf_text import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def person():
    user = UserFactory()
    return StaffFactory(user=user, email=user.email, display_name="Rosa Diaz")


def test_invite_accept_makes_an_active_champion_through_the_event_log(
    person, community_manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        champion = champion_decide(staff=person, decision="invite", by=community_manager)
    assert champion.status == "invited" and champion.invited_at is not None
    assert len(delivered()) == 1 and delivered()[0].to == [person.email]
    assert reverse("champions_me") in delivered()[0].body
    champion = champion_respond(staff=person, accept=True)
    assert champion.status == "active" and champion.active_since is not None
    assert EngagementEvent.objects.filter(staff=person, kind="champion_joined").count() == 1
    with pytest.raises(ProgrammeError, match="is active"):
        champion_respond(staff=person, accept=True)  # a second click changes nothing
    assert EngagementEvent.objects.filter(staff=person, kind="champion_joined").count() == 1


def test_moves_the_programme_does_not_allow_are_refused_in_words(person, community_manager):
    with pytest.raises(ProgrammeError, match="reason"):
        champion_decide(staff=person, decision="dismiss", by=community_manager)
    with pytest.raises(ProgrammeError, match="candidate"):
        champion_respond(staff=person, accept=True)  # nobody invited them
    assert not Champion.objects.filter(staff=person).exclude(status="candidate").exists()
    champion_decide(staff=person, decision="dismiss", by=community_manager, reason="Not now.")
    with pytest.raises(ProgrammeError, match="dismissed"):
        champion_decide(staff=person, decision="defer", by=community_manager, reason="x")


def test_the_directory_shows_only_champions_who_opted_in(client, person, staff_user):
    StaffFactory(user=staff_user, email=staff_user.email)
    Champion.objects.create(staff=person, status="active")
    quiet = StaffFactory(display_name="Quiet Person")
    Champion.objects.create(staff=quiet, status="active")
    client.force_login(staff_user)
    html = client.get(reverse("champions_directory"), {"department": ""}).content.decode()
    assert "Rosa Diaz" not in html and "Quiet Person" not in html
    assert "2 more champions here have not published a profile" in html
    champion_profile_update(staff=person, public=True, focus_areas="Security", bio="Ask me.")
    html = client.get(reverse("champions_directory"), {"department": "", "focus": "secur"})
    html = html.content.decode()
    assert "Rosa Diaz" in html and "Security" in html and "Quiet Person" not in html
    assert "1 more champion here has not published a profile" in html


def test_the_review_queue_is_for_community_managers_only(client, staff_user, leader_user):
    for user, status in ((staff_user, 403), (leader_user, 403)):
        client.force_login(user)
        assert client.get(reverse("champions_review")).status_code == status
        assert client.post(reverse("champions_decide", args=[1])).status_code == status
    client.force_login(leader_user)
    assert client.get(reverse("champions_report")).status_code == 200
    assert client.get(reverse("champions_coverage")).status_code == 200
    client.force_login(staff_user)
    assert client.get(reverse("champions_report")).status_code == 403


def test_the_report_names_private_champions_only_to_community_managers(
    client, person, leader_user, community_manager
):
    StaffFactory(department=DepartmentFactory(name="Finance"))  # a team without a champion
    Champion.objects.create(staff=person, status="active", public_profile=False)

    def report_text(user):
        client.force_login(user)
        response = client.get(reverse("champions_report_pdf"))
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        return pdf_text(response.content)

    leader_text = report_text(leader_user)
    assert "Champion report" in leader_text and "Finance" in leader_text
    assert "Rosa Diaz" not in leader_text and "Private profile" in leader_text
    assert "Rosa Diaz" in report_text(community_manager)


def test_nominating_through_the_form_and_a_managers_endorsement(client):
    manager_user, colleague_user = UserFactory(), UserFactory()
    manager = StaffFactory(user=manager_user, email=manager_user.email)
    nominee = StaffFactory(manager=manager, display_name="Nia Okafor")
    me = StaffFactory(user=colleague_user, email=colleague_user.email)
    client.force_login(colleague_user)
    blank = client.post(reverse("champions_nominate"), {"search": nominee.email, "reason": ""})
    assert blank.status_code == 400 and "why they would make a good champion" in (
        blank.content.decode()
    )
    matches = client.get(
        reverse("champions_people_search"), {"search": "Nia"}, HTTP_HX_REQUEST="true"
    )
    assert f'value="{nominee.pk}"' in matches.content.decode()
    sent = client.post(
        reverse("champions_nominate"), {"nominee": nominee.pk, "search": "Nia", "reason": "Kind."}
    )
    assert sent.status_code == 302
    nomination = nominee.nomination
    assert nomination.reasons.get().nominator == me
    assert client.post(reverse("champions_endorse", args=[nomination.pk])).status_code == 404
    client.force_login(manager_user)
    assert "Nia Okafor" in client.get(reverse("champions_me")).content.decode()
    client.post(reverse("champions_endorse", args=[nomination.pk]))
    nomination.refresh_from_db()
    assert nomination.endorsed_by == manager


def test_the_report_counts_what_champions_did_after_joining(client, person, community_manager):
    from datetime import timedelta

    from django.utils import timezone

    from champions import selectors
    from portal.tiers.services import engagement_record

    now = timezone.localtime().replace(day=15, hour=12)  # mid-month, whatever today is
    Champion.objects.create(staff=person, status="active", active_since=now - timedelta(days=5))
    for n, days_ago in enumerate([10, 3]):  # the 5th, before joining; the 12th, after
        engagement_record(
            staff=person,
            kind="community_contributed",
            subject="reply",
            source="test",
            occurred_at=now - timedelta(days=days_ago),
            idempotency_key=f"r:{n}",
        )
    report = selectors.champion_report(now=now)
    assert report["activity"] == [("Contribute to the community", 1)]
    assert "Candidate" not in [label for label, _ in report["pipeline"]]


def test_a_community_manager_moves_a_champion_to_alumni(client, person, community_manager):
    Champion.objects.create(staff=person, status="active")
    client.force_login(community_manager)
    assert "Move Rosa Diaz to alumni" in client.get(reverse("champions_review")).content.decode()
    client.post(reverse("champions_decide", args=[person.pk]), {"decision": "retire"})
    champion = Champion.objects.get(staff=person)
    assert champion.status == "alumni" and champion.ended_at is not None
    assert champion.decided_by == community_manager


def test_absurd_numbers_in_the_directory_and_nomination_are_not_server_errors(client, person):
    client.force_login(person.user)
    assert client.get(reverse("champions_directory"), {"department": "9" * 5000}).status_code == 200
    response = client.post(reverse("champions_nominate"), {"nominee": "9" * 5000, "reason": "x"})
    assert response.status_code == 400 and "Choose a colleague" in response.content.decode()
