"""What community managers review: every nomination with its reasons, whatever the score (the
form promises "Community managers read every nomination"), a person's record, and the minimum
tier below which nobody can be invited."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from champions import selectors
from champions.models import Champion, Nomination, ScoreSettings
from champions.services.nominations import nomination_create
from champions.services.programme import ProgrammeError, champion_decide
from portal.factories import DepartmentFactory, StaffFactory, UserFactory
from portal.tiers.models import Tier
from portal.tiers.services import engagement_record
from tests.outbox import delivered

from .tiers import reach

pytestmark = pytest.mark.django_db

REVIEW = reverse("champions_review")
NOMINATED = REVIEW + "?show=nominated"
REASON_1 = "Lina explains our API limits to customers better than the docs do."
REASON_2 = "She stayed late to help me with a tricky thread & it worked."
NOTE = "Reviewers only: ask her manager about time first."


@pytest.fixture
def lina():
    """Nominated twice, with no other evidence: far below the cutoff."""
    lina = StaffFactory(display_name="Lina Berg", department=DepartmentFactory(name="Support"))
    nomination_create(
        nominator=StaffFactory(display_name="Omar Said"), nominee=lina, reason=REASON_1
    )
    nomination_create(nominator=StaffFactory(display_name="Jo Park"), nominee=lina, reason=REASON_2)
    return lina


@pytest.fixture
def star():
    """Plenty of evidence: above the cutoff."""
    star = StaffFactory(display_name="Sam Star")
    for i in range(50):
        engagement_record(
            staff=star,
            kind="community_contributed",
            subject="reply",
            source="test",
            occurred_at=timezone.now() - timedelta(days=1, minutes=i),
            idempotency_key=f"star:{i}",
        )
    return star


def test_a_nomination_below_the_cutoff_is_listed_with_every_reason(
    client, community_manager, lina, star
):
    assert lina.pk not in [c.staff.pk for c in selectors.champion_candidates()]  # below it
    client.force_login(community_manager)

    queue = client.get(REVIEW).content.decode()
    assert "Sam Star" in queue and "Lina Berg" not in queue
    assert "Every nomination (1 waiting for a decision)" in queue

    html = client.get(NOMINATED).content.decode()
    card = html.split(f'id="nominee-{lina.pk}"')[1]
    assert "Lina Berg" in card and "Support" in card
    assert REASON_1 in card and "She stayed late to help me with a tricky thread &amp; it" in card
    assert "Omar Said" in card and "Jo Park" in card
    assert timezone.localdate().strftime("%-d %b %Y") in card
    assert "8.0 points" in card  # two colleagues at 4 points each
    assert "Below the cutoff (the queue starts at" in card
    assert "Waiting for a decision" in card
    assert f'href="/champions/review/{lina.pk}/?next=' in card


def test_the_person_record_shows_the_reasons_and_the_reviewers_note(
    client, community_manager, lina
):
    champion_decide(staff=lina, decision="defer", by=community_manager, reason=NOTE)
    client.force_login(community_manager)

    html = client.get(reverse("champions_person", args=[lina.pk])).content.decode()

    assert REASON_1 in html and "Omar Said" in html and "Jo Park" in html
    assert NOTE in html and "Deferred" in html
    assert "Colleagues who nominated them" in html  # the score, term by term


@pytest.mark.parametrize("who", ["staff", "leader"])
def test_nominations_and_records_are_not_shown_to_other_people(client, role_users, who, lina):
    client.force_login(role_users[who])
    for url in (NOMINATED, reverse("champions_person", args=[lina.pk])):
        response = client.get(url)
        assert response.status_code == 403, url
        assert REASON_1 not in response.content.decode()


def test_the_nominator_never_sees_the_reviewers_note(client, community_manager, lina):
    champion_decide(staff=lina, decision="defer", by=community_manager, reason=NOTE)
    omar = Nomination.objects.get(nominee=lina).reasons.get(reason=REASON_1).nominator
    omar.user = UserFactory()
    omar.save()
    client.force_login(omar.user)

    html = client.get(reverse("champions_nominate")).content.decode()

    assert "Lina Berg" in html and REASON_1 in html and "Under review" in html
    assert NOTE not in html and REASON_2 not in html


def test_waiting_decided_all_search_and_pages(client, community_manager, lina):
    decided = StaffFactory(display_name="Dee Cided")
    nomination_create(nominator=lina, nominee=decided, reason="Great.")
    champion_decide(staff=decided, decision="dismiss", by=community_manager, reason="Not now.")
    left = StaffFactory(display_name="Lee Left")
    nomination_create(nominator=lina, nominee=left, reason="Was great.")
    left.active = False
    left.save()
    client.force_login(community_manager)

    def names(**params):
        found = client.get(REVIEW, {"show": "nominated", **params}).context["nominated"]
        return [row.nominee.display_name for row in found["rows"]], found["counts"]

    waiting, counts = names()
    assert waiting == ["Lina Berg"]
    assert counts == {"open": 1, "decided": 2, "all": 3}
    assert sorted(names(stage="decided")[0]) == ["Dee Cided", "Lee Left"]
    assert len(names(stage="all")[0]) == 3
    assert names(stage="all", q="cided")[0] == ["Dee Cided"]
    assert names(stage="nonsense")[0] == ["Lina Berg"]  # an unknown choice is the default

    for n in range(selectors.NOMINATIONS_PER_PAGE):
        nomination_create(nominator=lina, nominee=StaffFactory(), reason=f"Reason {n}")
    first = client.get(NOMINATED).context["nominated"]
    second = client.get(NOMINATED + "&page=2").context["nominated"]
    assert len(first["rows"]) == selectors.NOMINATIONS_PER_PAGE and len(second["rows"]) == 1
    assert second["rows"][0].nominee == lina  # the oldest reason comes last
    assert client.get(NOMINATED + "&page=" + "9" * 40).status_code == 200


def test_the_queue_shows_why_colleagues_nominated_someone_above_the_cutoff(
    client, community_manager, star
):
    nomination_create(nominator=StaffFactory(display_name="Ida Voss"), nominee=star, reason="Wow.")
    client.force_login(community_manager)

    card = client.get(REVIEW).content.decode().split(f'id="candidate-{star.pk}"')[1]

    assert "What colleagues said" in card and "Wow." in card and "Ida Voss" in card


# The minimum tier to be invited


@pytest.fixture
def minimum_trained():
    settings = ScoreSettings.current()
    settings.min_invite_tier = Tier.objects.get(order=3)
    settings.save()
    return settings


def test_without_a_minimum_anyone_can_be_invited(community_manager, lina):
    assert ScoreSettings.current().min_invite_tier is None
    assert champion_decide(staff=lina, decision="invite", by=community_manager).status == "invited"


def test_below_the_minimum_the_invitation_is_refused_naming_both_tiers(
    community_manager, lina, minimum_trained
):
    reach(lina, 1)
    with pytest.raises(ProgrammeError) as refused:
        champion_decide(staff=lina, decision="invite", by=community_manager)
    assert str(refused.value).startswith(
        "Lina Berg is at Aware, and the programme invites people from Trained on: they cannot "
        "be invited yet."
    )
    assert refused.value.status == 409
    assert not Champion.objects.filter(staff=lina).exclude(status="candidate").exists()

    nobody = StaffFactory(display_name="New Starter")
    with pytest.raises(ProgrammeError, match="New Starter has not reached a tier yet, and"):
        champion_decide(staff=nobody, decision="invite", by=community_manager)

    reach(lina, 3)
    assert champion_decide(staff=lina, decision="invite", by=community_manager).status == "invited"


def test_the_refusal_through_the_page_is_409_with_the_sentence(
    client, community_manager, lina, minimum_trained
):
    reach(lina, 1)
    client.force_login(community_manager)

    response = client.post(
        reverse("champions_decide", args=[lina.pk]),
        {"decision": "invite", "reason": "Kind & quick.", "next": NOMINATED},
    )

    assert response.status_code == 409
    html = response.content.decode()
    assert "Lina Berg is at Aware, and the programme invites people from Trained on" in html
    assert 'role="alert"' in html and 'value="Kind &amp; quick."' in html
    assert "The programme invites people from Trained on: Lina Berg cannot be invited yet." in html
    assert not Champion.objects.filter(staff=lina, status="invited").exists()
    assert not delivered()


def test_a_decision_returns_to_the_page_it_was_made_on_if_it_is_ours(
    client, community_manager, lina
):
    client.force_login(community_manager)
    url = reverse("champions_decide", args=[lina.pk])

    back = client.post(url, {"decision": "defer", "reason": "Later.", "next": NOMINATED})
    assert back.status_code == 302 and back["Location"] == NOMINATED

    other = StaffFactory()
    away = client.post(
        reverse("champions_decide", args=[other.pk]),
        {"decision": "defer", "reason": "Later.", "next": "https://elsewhere.example/"},
    )
    assert away["Location"] == reverse("champions_person", args=[other.pk])


@pytest.mark.parametrize(
    ("data", "status", "sentence"),
    [
        ({"decision": "dismiss"}, 400, "Give a reason"),
        ({"decision": "explode"}, 400, "Choose invite, defer, dismiss or retire."),
        ({"decision": "retire"}, 409, "that cannot be changed by “retire”"),
    ],
)
def test_other_refusals_answer_in_words(client, community_manager, lina, data, status, sentence):
    client.force_login(community_manager)
    response = client.post(reverse("champions_decide", args=[lina.pk]), data)
    assert response.status_code == status
    assert sentence in response.content.decode()


def test_community_managers_edit_the_programme_settings(client, community_manager, staff_user):
    settings = ScoreSettings.current()
    url = reverse("wagtailsettings:edit", args=["champions", "scoresettings", settings.pk])
    client.force_login(community_manager)

    form = client.get(url)
    assert form.status_code == 200
    assert "Minimum tier to be invited" in form.content.decode()
    data = {
        name: getattr(settings, name)
        for name in (
            "tier",
            "training",
            "attended",
            "hosted",
            "contributions",
            "solutions",
            "nominations",
            "brought_along",
            "threshold",
            "top_percent",
            "staff_per_champion",
        )
    }
    trained = Tier.objects.get(order=3)
    response = client.post(url, {**data, "threshold": "12.5", "min_invite_tier": trained.pk})
    assert response.status_code == 302
    settings.refresh_from_db()
    assert settings.threshold == 12.5 and settings.min_invite_tier == trained
    assert ScoreSettings.objects.count() == 1
    assert community_manager.has_perm("champions.change_scoresettings")
    assert not community_manager.has_perm("champions.add_scoresettings")

    client.force_login(staff_user)
    assert client.get(url, follow=True).status_code == 403


def test_the_staff_directory_leads_to_a_persons_champion_record(client, community_manager, lina):
    client.force_login(community_manager)
    listing = client.get(reverse("wagtailsnippets_portal_staff:list"), {"q": "Lina"})
    record = reverse("champions_person", args=[lina.pk])
    assert f'href="{record}"' in listing.content.decode()
    assert REASON_1 in client.get(record).content.decode()
