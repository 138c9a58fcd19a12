"""The rollout as staff see it: the "Join the pilot" page, its invitation on My path, and the
pulse check (answered anonymously, once a quarter)."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.factories import StaffFactory, UserFactory
from portal.rollout.models import PulseAnswer, PulseAsked, Wave, WaveMember
from portal.rollout.services import quarter_of
from portal.tiers.models import EngagementEvent

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
PILOT = "/pilot/"
PULSE = "/pilot/pulse/"


@pytest.fixture
def me(client):
    user = UserFactory()
    person = StaffFactory(user=user, email=user.email)
    client.force_login(user)
    return person


def _wave(name="Pilot wave", **kwargs):
    defaults = {"starts_on": date(2026, 11, 2), "open_to_volunteers": True}
    return Wave.objects.create(name=name, **{**defaults, **kwargs})


def _trained(person):
    EngagementEvent.objects.create(
        staff=person,
        kind="training_completed",
        occurred_at=timezone.now(),
        source="test",
        idempotency_key=f"test:trained:{person.pk}",
    )


# The pilot page


def test_urls_are_where_the_brief_says():
    assert reverse("rollout_pilot") == PILOT
    assert reverse("rollout_pulse") == PULSE


def test_with_no_open_wave_the_page_explains_and_offers_no_button(client, me):
    _wave(open_to_volunteers=False)
    html = client.get(PILOT).content.decode()
    assert "No group is open to volunteers right now" in html
    assert "Join the pilot</button>" not in html


def test_an_open_wave_shows_what_it_asks_and_a_button(client, me):
    wave = _wave(
        size_limit=10, sponsor_name="Dana Reyes", sponsor_message="Come and shape it with us."
    )
    WaveMember.objects.create(wave=wave, staff=StaffFactory(), source="volunteer")
    html = client.get(PILOT).content.decode()
    assert "Pilot wave" in html
    assert "Monday 2 November 2026" in html
    assert "Come and shape it with us." in html
    assert "Dana Reyes" in html
    assert "7-minute video" in html
    assert "knowledge check, if your role meets customers" in html
    assert "leave whenever you like" in html
    assert "9 places left" in html
    assert "Join the pilot</button>" in html


def test_without_a_size_limit_no_places_are_counted(client, me):
    _wave()
    html = client.get(PILOT).content.decode()
    assert "left" not in html and "waitlist" not in html
    assert "Join the pilot</button>" in html


@pytest.mark.parametrize(
    ("status", "text"),
    [("member", "You're in."), ("waitlisted", "we'll add you when a place opens")],
)
def test_people_already_in_the_wave_see_their_status_not_the_button(client, me, status, text):
    WaveMember.objects.create(wave=_wave(), staff=me, source="volunteer", status=status)
    html = client.get(PILOT).content.decode()
    assert text in html
    assert "Join the pilot</button>" not in html


def test_joining_redirects_with_a_message_and_is_idempotent(client, me):
    wave = _wave()
    response = client.post(PILOT)
    assert response.status_code == 302
    assert response["Location"] == PILOT
    html = client.get(PILOT).content.decode()
    assert "welcome to the pilot" in html
    assert "You're in." in html
    assert client.post(PILOT).status_code == 302
    assert WaveMember.objects.filter(wave=wave, staff=me, status="member").count() == 1


def test_joining_with_htmx_answers_the_new_status(client, me):
    _wave()
    response = client.post(PILOT, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="pilot-join"' in html
    assert "You're in." in html
    assert "<html" not in html
    assert WaveMember.objects.filter(staff=me).count() == 1


def test_past_the_size_limit_people_are_waitlisted(client, me):
    wave = _wave(size_limit=1)
    WaveMember.objects.create(wave=wave, staff=StaffFactory(), source="volunteer")
    assert "full: new volunteers join the waitlist" in client.get(PILOT).content.decode()
    html = client.post(PILOT, **HTMX).content.decode()
    assert "You're on the waitlist:" in html
    client.post(PILOT)  # plain, again: no change
    html = client.get(PILOT).content.decode()
    assert "on the waitlist" in html
    assert WaveMember.objects.get(staff=me).status == "waitlisted"


def test_joining_when_no_wave_is_open_says_so(client, me):
    response = client.post(PILOT, follow=True)
    assert "No wave is open to volunteers at the moment." in response.content.decode()
    response = client.post(PILOT, **HTMX)
    assert response.status_code == 409
    assert "No wave is open to volunteers" in response.content.decode()
    assert not WaveMember.objects.exists()


def test_a_person_with_no_staff_record_gets_the_usual_explanation(client, staff_user):
    _wave()
    client.force_login(staff_user)
    html = client.get(PILOT).content.decode()
    assert "Your account is not in the staff directory yet." in html
    assert "Join the pilot</button>" not in html
    response = client.post(PILOT, follow=True)
    assert "Your account is not in the staff directory yet." in response.content.decode()
    assert not WaveMember.objects.exists()


def test_the_page_refuses_other_methods(client, me):
    assert client.put(PILOT).status_code == 405
    assert client.get(PULSE).status_code == 405


# The invitation on My path

INVITE = "Be one of the first: join the pilot"


def test_my_path_invites_people_in_no_wave_while_a_wave_is_open(client, me):
    assert INVITE not in client.get("/my-path/").content.decode()
    closed = _wave("Later", open_to_volunteers=False)
    assert INVITE not in client.get("/my-path/").content.decode()
    _wave()
    html = client.get("/my-path/").content.decode()
    assert INVITE in html
    assert f'href="{PILOT}"' in html
    WaveMember.objects.create(wave=closed, staff=me, source="rule")  # in another wave
    assert INVITE not in client.get("/my-path/").content.decode()


def test_my_path_invites_nobody_without_a_staff_record(client, staff_user):
    _wave()
    client.force_login(staff_user)
    assert INVITE not in client.get("/my-path/").content.decode()


# The pulse check

QUESTION = "How confident are you talking about the community with customers?"


def test_the_pulse_panel_waits_for_finished_training(client, me):
    assert QUESTION not in client.get("/my-path/").content.decode()
    _trained(me)
    html = client.get("/my-path/").content.decode()
    assert QUESTION in html
    assert "stored without your name" in html
    assert 'name="confidence" value="5"' in html


@pytest.mark.parametrize("post", [{"action": "send", "confidence": "4"}, {"action": "skip"}])
def test_the_pulse_panel_is_not_shown_again_this_quarter(client, me, post):
    _trained(me)
    client.post(PULSE, post)
    assert QUESTION not in client.get("/my-path/").content.decode()


def test_answering_stores_the_answer_without_the_person(client, me):
    _trained(me)
    response = client.post(
        PULSE, {"action": "send", "confidence": "4", "what_would_help": "  A cheat sheet "}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("my_path")
    answer = PulseAnswer.objects.get()
    assert (answer.confidence, answer.what_would_help) == (4, "A cheat sheet")
    assert answer.department_id == me.department_id
    assert not any(f.name == "staff" for f in PulseAnswer._meta.get_fields())
    assert PulseAsked.objects.filter(staff=me, quarter=quarter_of(timezone.localdate())).exists()
    html = client.get("/my-path/").content.decode()
    assert "Thank you: your answer helps us plan" in html


def test_answering_with_htmx_replaces_the_panel_with_thanks(client, me):
    _trained(me)
    response = client.post(PULSE, {"action": "send", "confidence": "2"}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Thank you" in html
    assert "<form" not in html
    assert "<html" not in html
    assert PulseAnswer.objects.get().confidence == 2


@pytest.mark.parametrize("htmx", [False, True])
def test_not_now_stores_no_answer(client, me, htmx):
    _trained(me)
    response = client.post(PULSE, {"action": "skip", "confidence": "3"}, **(HTMX if htmx else {}))
    assert response.status_code == (200 if htmx else 302)
    if htmx:
        assert "we'll ask again next quarter" in response.content.decode()
    assert not PulseAnswer.objects.exists()
    assert PulseAsked.objects.filter(staff=me).count() == 1


@pytest.mark.parametrize("confidence", ["9", "0", "abc", "-1", "4.5", "7" * 5000])
@pytest.mark.parametrize("htmx", [False, True])
def test_a_bad_confidence_is_refused_and_what_was_typed_kept(client, me, confidence, htmx):
    _trained(me)
    response = client.post(
        PULSE,
        {"action": "send", "confidence": confidence, "what_would_help": "More examples"},
        **(HTMX if htmx else {}),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose how confident you are, from 1 to 5." in html
    assert "More examples</textarea>" in html
    assert ("<html" in html) is not htmx  # plain posts get My path again, with the panel
    assert not PulseAnswer.objects.exists()
    assert not PulseAsked.objects.exists()


def test_an_empty_answer_is_refused_with_the_choice_kept(client, me):
    _trained(me)
    response = client.post(PULSE, {"action": "send"}, **HTMX)
    assert response.status_code == 400
    assert "Answer at least one question" in response.content.decode()
    response = client.post(PULSE, {"action": "send", "confidence": "3"}, **HTMX)
    assert response.status_code == 200


def test_answering_twice_is_refused_in_words(client, me):
    _trained(me)
    client.post(PULSE, {"action": "send", "confidence": "5"})
    for extra in ({}, HTMX):
        response = client.post(PULSE, {"action": "send", "confidence": "3"}, **extra)
        assert response.status_code == 400
        html = response.content.decode()
        assert "already answered this quarter" in html
        assert 'value="3" id="pulse-confidence-3" checked' in html
    assert PulseAnswer.objects.get().confidence == 5


def test_a_person_with_no_staff_record_cannot_answer(client, staff_user):
    client.force_login(staff_user)
    response = client.post(PULSE, {"action": "send", "confidence": "3"}, **HTMX)
    assert response.status_code == 400
    assert "not in the staff directory" in response.content.decode()
    assert not PulseAnswer.objects.exists()


# Query cost


@pytest.mark.parametrize("state", ["no wave", "open wave", "in the wave", "pulse"])
def test_the_two_panels_add_one_query_to_my_path(client, me, state, django_assert_num_queries):
    if state != "no wave":
        wave = _wave()
    if state == "in the wave":
        WaveMember.objects.create(wave=wave, staff=me, source="volunteer")
    if state == "pulse":
        _trained(me)
    client.get("/my-path/")  # the menu's cached lookups
    # session, user, staff, the path's reads, navigation, the FAQ panel; then ours, once
    with django_assert_num_queries(11):
        html = client.get("/my-path/").content.decode()
    assert (INVITE in html) is (state in ("open wave", "pulse"))
    assert (QUESTION in html) is (state == "pulse")
