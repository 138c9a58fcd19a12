"""The rollout as staff see it: the "Join the pilot" page, its invitation on My path, and the
pulse check (answered anonymously, once a quarter)."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal import panels
from portal.factories import RoleFactory, StaffFactory, UserFactory
from portal.rollout.models import PulseAnswer, PulseAsked, PulsePending, Wave, WaveMember
from portal.rollout.services import quarter_of
from portal.tiers.models import EngagementEvent, Tier
from portal.tiers.services import tier_attainments_update

from . import waiting

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
    assert "The next group starts Monday 2 November 2026" in html
    assert "Pilot wave" not in html  # the community managers' name for it
    assert "Come and shape it with us." in html
    assert "Dana Reyes" in html
    assert "7-minute video" in html
    assert "knowledge check, if your role meets customers" in html
    assert "leave whenever you like" in html
    assert "9 places left" in html
    assert "Join the pilot</button>" in html
    assert "Join the waitlist" not in html


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
    assert 'role="status" data-swap-focus' in html  # where focus goes after the swap
    assert 'class="continue"' in html  # the one next step
    assert "<html" not in html
    assert WaveMember.objects.filter(staff=me).count() == 1


def test_people_in_another_wave_read_when_theirs_starts_and_cannot_join_a_second(client, me):
    planned = _wave("Internal label", starts_on=date(2027, 3, 2), open_to_volunteers=False)
    WaveMember.objects.create(wave=planned, staff=me, source="rule")
    _wave()
    sentence = "already part of the rollout, in a group that starts on 2 March 2027"

    html = client.get(PILOT).content.decode()
    assert sentence in html and "Join the pilot</button>" not in html
    assert "Internal label" not in html

    refused = client.post(PILOT, **HTMX)
    assert refused.status_code == 409 and sentence in refused.content.decode()
    assert client.post(PILOT).status_code == 302
    assert list(me.waves.values_list("wave__name", flat=True)) == ["Internal label"]


def test_past_the_size_limit_people_are_waitlisted(client, me):
    wave = _wave(size_limit=1)
    WaveMember.objects.create(wave=wave, staff=StaffFactory(), source="volunteer")
    html = client.get(PILOT).content.decode()
    assert "Every place is taken. You can join the waitlist" in html
    assert "Join the waitlist</button>" in html  # the button says what it will do
    assert "Join the pilot</button>" not in html
    html = client.post(PILOT, **HTMX).content.decode()
    assert "You're on the waitlist:" in html
    assert 'class="continue"' in html
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


def test_my_path_names_the_day_not_the_waves_own_name(client, me):
    _wave("Wave 3: everyone")
    html = client.get("/my-path/").content.decode()
    assert "The next group starts on 2 November 2026 and is open to volunteers." in html
    assert "Wave 3" not in html


def _at_tier(person, order):
    """`person` holds the default tiers up to `order` (1 Aware ... 4 Engaged), from events."""
    kinds = ["faq_viewed"] * 5 + ["policy_acknowledged"]
    kinds += ["wiifm_watched"] * (order >= 2) + ["training_completed"] * (order >= 3)
    kinds += ["office_hours_attended"] * (order >= 4)
    EngagementEvent.objects.bulk_create(
        EngagementEvent(
            staff=person,
            kind=kind,
            subject=f"entry-{i}" if kind == "faq_viewed" else "",
            occurred_at=timezone.now() - timedelta(days=1, minutes=i),
            source="test",
            idempotency_key=f"test:tier:{person.pk}:{i}",
        )
        for i, kind in enumerate(kinds)
    )
    tier_attainments_update(staff_id=person.pk)
    assert person.attainments.filter(tier__order=order).exists()


def _with_target(person, order):
    person.role = RoleFactory(target_tier=Tier.objects.get(order=order))
    person.save()


@pytest.mark.parametrize(
    ("target", "held", "invited"),
    [
        (None, 3, False),  # Trained: what the pilot leads to
        (None, 4, False),  # past it
        (None, 2, True),
        (1, 1, False),  # at the depth their role needs
        (2, 3, False),
        (4, 2, True),  # their role asks for more, and they are not trained yet
        (4, 3, False),  # trained: the pilot's training is behind them
    ],
)
def test_people_already_where_the_pilot_leads_are_not_asked_to_be_the_first(
    client, me, target, held, invited
):
    _wave(size_limit=1)
    WaveMember.objects.create(wave=Wave.objects.get(), staff=StaffFactory(), source="volunteer")
    if target:
        _with_target(me, target)
    _at_tier(me, held)
    assert (INVITE in client.get("/my-path/").content.decode()) is invited
    html = client.get(PILOT).content.decode()
    assert ("Join the waitlist</button>" in html) is invited
    assert ("that is where the pilot leads" in html) is not invited
    if not invited:
        name = Tier.objects.get(order=held).name
        assert f"You are already at <strong>{name}</strong>" in html
        assert "Every place is taken" not in html  # nothing to join, so no waitlist either


def test_finished_training_alone_is_enough_to_not_be_asked(client, me):
    _wave()
    _trained(me)  # the event, before any tier is worked out
    assert INVITE not in client.get("/my-path/").content.decode()
    html = client.get(PILOT).content.decode()
    assert "You have already done the training: that is where the pilot leads" in html
    assert "Join the pilot</button>" not in html


def test_members_see_their_status_even_when_trained(client, me):
    WaveMember.objects.create(wave=_wave(), staff=me, source="volunteer")
    _trained(me)
    html = client.get(PILOT).content.decode()
    assert "You're in." in html
    assert "that is where the pilot leads" not in html


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


def test_answering_keeps_the_answer_sealed_without_the_person_until_its_batch(client, me):
    _trained(me)
    response = client.post(
        PULSE, {"action": "send", "confidence": "4", "what_would_help": "  A cheat sheet "}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("my_path")
    (answer,) = waiting()
    assert (answer["confidence"], answer["text"]) == (4, "A cheat sheet")
    assert answer["department"] == me.department_id
    assert set(answer) == {"wave", "department", "quarter", "confidence", "text", "owes"}
    assert b"cheat sheet" not in bytes(PulsePending.objects.get().sealed)
    assert not PulseAnswer.objects.exists()  # one answer is no batch
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
    assert [a["confidence"] for a in waiting()] == [2]


@pytest.mark.parametrize("htmx", [False, True])
def test_not_now_stores_no_answer(client, me, htmx):
    _trained(me)
    response = client.post(PULSE, {"action": "skip", "confidence": "3"}, **(HTMX if htmx else {}))
    assert response.status_code == (200 if htmx else 302)
    if htmx:
        assert "we'll ask again next quarter" in response.content.decode()
    assert not waiting() and not PulseAnswer.objects.exists()
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
    assert not waiting()
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
    assert [a["confidence"] for a in waiting()] == [5]


@pytest.mark.parametrize(("confidence", "marked"), [("9", True), ("", False)])
def test_a_refused_answer_marks_the_answer_to_fix_for_focus(client, me, confidence, marked):
    _trained(me)
    response = client.post(PULSE, {"action": "send", "confidence": confidence}, **HTMX)
    html = response.content.decode()
    assert 'id="pulse-check"' in html  # the swapped region keeps its id
    assert 'role="alert" id="pulse-error"' in html
    assert ('aria-invalid="true" aria-describedby="pulse-error"' in html) is marked


def test_the_thanks_takes_focus_after_the_swap(client, me):
    _trained(me)
    html = client.post(PULSE, {"action": "skip"}, **HTMX).content.decode()
    assert 'id="pulse-check"' in html
    assert 'role="status" data-swap-focus tabindex="-1">No problem' in html


def test_a_person_with_no_staff_record_cannot_answer(client, staff_user):
    client.force_login(staff_user)
    response = client.post(PULSE, {"action": "send", "confidence": "3"}, **HTMX)
    assert response.status_code == 400
    assert "not in the staff directory" in response.content.decode()
    assert not waiting()


# Query cost


@pytest.mark.parametrize("state", ["no wave", "open wave", "in the wave", "pulse", "trained"])
def test_the_two_panels_add_one_query_to_my_path(client, me, state, monkeypatch):
    """Measured against My path without them, so other apps' panels do not move the pin."""
    if state != "no wave":
        wave = _wave()
    if state == "in the wave":
        WaveMember.objects.create(wave=wave, staff=me, source="volunteer")
    if state == "pulse":
        _trained(me)
    if state == "trained":
        _at_tier(me, 3)
    client.get("/my-path/")  # the menu's cached lookups

    def queries() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as captured:
            html = client.get("/my-path/").content.decode()
        return len(captured), html

    with_ours, html = queries()
    for name in ("rollout_pilot", "rollout_pulse"):
        monkeypatch.delitem(panels._panels, name)
    without, _ = queries()
    assert with_ours == without + 1
    assert (INVITE in html) is (state == "open wave")  # the trained are not asked
    assert (QUESTION in html) is (state in ("pulse", "trained"))
