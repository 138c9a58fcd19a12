"""Teams buttons that act in place (Universal Actions): a card the bot sends carries
`Action.Execute` buttons; Teams posts a press to the bot's messaging endpoint with a Bot
Framework token, which the portal checks against the keys the OpenID metadata lists (the Teams
peer signs with PyJWT, as Microsoft's connector signs), runs the app's own service as the person
and answers with the card that replaces the pressed one.

What this leaves untested: Microsoft's real key set and tokens (their shape is Microsoft's
documented one), and how Teams shows the replacement card."""

import json
from datetime import timedelta

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.cache import cache
from django.utils import timezone

from notifications import links
from notifications.channels import teams
from notifications.models import Choice, Notification
from officehours import services as officehours
from officehours.factories import OccurrenceFactory
from officehours.models import Booking
from portal.factories import RoleFactory, StaffFactory, UserFactory
from portal.outbox.models import Message
from tests.notifications.test_teams import schema_problems
from training import factories as f
from training.models import LessonCompletion
from training.services.assignments import assignment_reminders_send

pytestmark = pytest.mark.django_db

ENDPOINT = "/notifications/teams/messages/"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()  # the key set and the activities seen are kept in the cache
    yield
    cache.clear()


def post(client, activity, token: str | None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token is not None else {}
    return client.generic(
        "POST", ENDPOINT, json.dumps(activity), content_type="application/json", **headers
    )


def execute_buttons(card: dict) -> dict[str, dict]:
    return {a["title"]: a for a in card.get("actions", []) if a["type"] == "Action.Execute"}


def press(client, peer, button: dict, **token_changes):
    activity = peer.invoke(verb=button["verb"], data=button["data"])
    return post(client, activity, peer.token(**token_changes)), activity


def signed(user, action_id: str, argument: str) -> dict:
    value = links.action_value(
        user_id=user.pk, action_id=action_id, argument=argument, notification_key="n:1"
    )
    return {
        "type": "Action.Execute",
        "title": "A button",
        "verb": action_id,
        "data": {"value": value},
    }


def _sessions():
    starts = timezone.now() + timedelta(days=2)
    cancelled = OccurrenceFactory(starts_at=starts)
    later = OccurrenceFactory(series=cancelled.series, starts_at=starts + timedelta(days=7))
    return cancelled, later


def test_a_cancelled_session_card_books_the_next_one_in_place(
    client, teams_peer, django_capture_on_commit_callbacks
):
    cancelled, later = _sessions()
    user = UserFactory()
    Choice.objects.create(user=user, kind="officehours.cancelled", channels=["teams"])
    officehours.booking_create(occurrence=cancelled, user=user)
    with django_capture_on_commit_callbacks(execute=True):
        officehours.occurrence_cancel(occurrence=cancelled)

    card = Message.objects.get(kind="officehours.cancelled", channel="teams").payload
    assert schema_problems(card) == []
    facts = {fact["title"]: fact["value"] for b in card["body"] for fact in b.get("facts", [])}
    assert "Next session" in facts
    button = execute_buttons(card)["Book the next session"]
    assert button["verb"] == "book" and button["style"] == "positive"

    response, activity = press(client, teams_peer, button)

    assert response.status_code == 200
    answer = response.json()
    assert (answer["statusCode"], answer["type"]) == (200, teams.CARD_CONTENT_TYPE)
    assert schema_problems(answer["value"]) == []
    assert "Booked" in answer["value"]["body"][0]["text"]
    assert Booking.objects.get(user=user, occurrence=later).status == "confirmed"
    assert teams_peer.of("keys"), "the keys were read from the metadata's jwks_uri"

    again = post(client, activity, teams_peer.token())  # Teams delivering the same press twice
    assert again.status_code == 401 and "before" in again.json()["error"]
    assert Booking.objects.filter(user=user).count() == 2  # the cancelled one and the new one


def test_without_a_next_session_the_card_only_links(
    client, teams_peer, django_capture_on_commit_callbacks
):
    occurrence = OccurrenceFactory()
    user = UserFactory()
    Choice.objects.create(user=user, kind="officehours.cancelled", channels=["teams", "email"])
    officehours.booking_create(occurrence=occurrence, user=user)
    with django_capture_on_commit_callbacks(execute=True):
        officehours.occurrence_cancel(occurrence=occurrence)
    card = Message.objects.get(kind="officehours.cancelled", channel="teams").payload
    assert execute_buttons(card) == {}
    email = Message.objects.get(kind="officehours.cancelled", channel="email")
    assert "Book the next session" not in email.body


def test_the_email_of_the_same_message_has_the_link_not_the_button(
    teams_peer, django_capture_on_commit_callbacks
):
    cancelled, _ = _sessions()
    user = UserFactory()
    Choice.objects.create(user=user, kind="officehours.cancelled", channels=["email"])
    officehours.booking_create(occurrence=cancelled, user=user)
    with django_capture_on_commit_callbacks(execute=True):
        officehours.occurrence_cancel(occurrence=cancelled)
    email = Message.objects.get(kind="officehours.cancelled", channel="email")
    assert "The next one is on" in email.body
    assert "Other sessions: http" in email.body  # where to book it
    assert not Message.objects.exclude(channel="email").exists()


def test_an_overdue_module_card_marks_its_reading_lesson_done(client, teams_peer):
    role = RoleFactory()
    module = f.module_make(assignments=[(role, 30)])
    lesson = f.lesson_make(module=module, title="The house rules", body=[("text", "<p>Read</p>")])
    user = UserFactory()
    start = timezone.localdate() - timedelta(days=45)
    staff = StaffFactory(user=user, email=user.email, role=role, start_date=start)
    Choice.objects.create(user=user, kind="training.assignment_overdue", channels=["teams"])
    assert assignment_reminders_send() == 1

    card = Message.objects.get(kind="training.assignment_overdue", channel="teams").payload
    button = execute_buttons(card)["Mark “The house rules” done"]
    response, _ = press(client, teams_peer, button)

    assert response.status_code == 200
    assert "complete" in response.json()["value"]["body"][0]["text"]
    assert LessonCompletion.objects.filter(staff=staff, lesson=lesson).exists()


def test_a_nudge_card_has_not_now_which_marks_it_read(client, teams_peer):
    from notifications.bulk import Item, notify_many
    from notifications.content import Content

    user = UserFactory()
    Choice.objects.create(user=user, kind="nudges.informed_one_step", channels=["teams"])
    content = Content(kind="nudges.informed_one_step", title="One step", text="Watch it")
    notify_many(
        kind="nudges.informed_one_step",
        items=[Item(user_id=user.pk, key="nudge:1", content=content)],
        nudge="informed_one_step",
        not_now=True,
    )
    card = Message.objects.get(channel="teams").payload
    response, _ = press(client, teams_peer, execute_buttons(card)["Not now"])
    assert response.status_code == 200, response.content
    assert response.json()["statusCode"] == 200, response.json()
    assert Notification.objects.get(key="nudge:1").read_at is not None


def _other_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


REFUSED = {
    "another bot's token": ({"aud": "someone-else"}, "another bot"),
    "not the Bot Framework's": ({"iss": "https://sts.example.com/"}, "not issued"),
    "expired": ({"exp": 1_000_000_000, "nbf": 999_999_000}, "expired"),
    "signed by another key": ({"key": _other_key()}, "signature"),
    "a key Microsoft does not list": ({"kid": "unknown"}, "does not list"),
    "for another service": ({"serviceUrl": "https://elsewhere.example/"}, "service address"),
}


@pytest.mark.parametrize("changes,words", REFUSED.values(), ids=REFUSED.keys())
def test_a_token_that_is_not_the_bot_frameworks_is_refused_and_does_nothing(
    client, teams_peer, changes, words
):
    user, occurrence = UserFactory(), OccurrenceFactory()
    response, _ = press(client, teams_peer, signed(user, "book", str(occurrence.pk)), **changes)
    assert response.status_code == 401
    assert words in response.json()["error"]
    assert not Booking.objects.exists()


def test_a_symmetric_token_is_refused(client, teams_peer):
    user, occurrence = UserFactory(), OccurrenceFactory()
    token = jwt.encode(
        {"iss": "https://api.botframework.com", "aud": teams_peer.app_id, "exp": 9_999_999_999},
        "a shared secret long enough for HS256 at 32 bytes",
        algorithm="HS256",
    )
    activity = teams_peer.invoke(verb="book", data=signed(user, "book", str(occurrence.pk))["data"])
    response = post(client, activity, token)
    assert response.status_code == 401 and "not signed the way" in response.json()["error"]
    assert not Booking.objects.exists()


def test_no_token_or_a_garbled_one_is_refused(client, teams_peer):
    activity = teams_peer.invoke(verb="book", data={})
    for token, words in ((None, "no Bot Framework token"), ("not.a.jwt", "cannot be read")):
        response = post(client, activity, token)
        assert response.status_code == 401 and words in response.json()["error"]


def test_a_key_that_does_not_endorse_teams_is_refused(client, teams_peer):
    teams_peer.rotate_keys(endorses=("webchat",))
    user, occurrence = UserFactory(), OccurrenceFactory()
    response, _ = press(client, teams_peer, signed(user, "book", str(occurrence.pk)))
    assert response.status_code == 401 and "channel" in response.json()["error"]
    assert not Booking.objects.exists()


def test_a_rolled_key_is_fetched_once_then_kept(client, teams_peer):
    user, occurrence = UserFactory(), OccurrenceFactory()
    assert press(client, teams_peer, signed(user, "not_now", "x"))[0].status_code == 200
    teams_peer.rotate_keys()  # Microsoft signs with a new key, not in the kept set
    response, _ = press(client, teams_peer, signed(user, "book", str(occurrence.pk)))
    assert response.status_code == 200 and Booking.objects.filter(user=user).exists()
    assert len(teams_peer.of("keys")) == 2
    for _ in range(3):  # unknown keys do not make the portal ask Microsoft on every request
        press(client, teams_peer, signed(user, "not_now", "x"), kid="unknown")
    assert len(teams_peer.of("keys")) == 2


def test_keys_that_cannot_be_read_are_a_refusal_not_an_error(client, teams_peer, settings):
    settings.TEAMS_OPENID_METADATA_URL = f"{teams_peer.url}/nothing-here"
    response, _ = press(client, teams_peer, signed(UserFactory(), "not_now", "x"))
    assert response.status_code == 401 and "could not be read" in response.json()["error"]


def test_a_button_not_of_ours_is_answered_in_words(client, teams_peer):
    user, occurrence = UserFactory(), OccurrenceFactory()
    button = signed(user, "not_now", "x") | {"verb": "book"}  # a value for another action
    response, _ = press(client, teams_peer, button)
    assert response.status_code == 200  # Teams reads the invoke's own status in the body
    assert response.json()["statusCode"] == 400
    assert "not a button" in response.json()["value"]["message"]
    tampered = {"verb": "book", "data": {"value": "forged"}}
    assert press(client, teams_peer, tampered)[0].json()["statusCode"] == 400
    assert not Booking.objects.exists() and occurrence


def test_other_activities_are_acknowledged_and_unreadable_ones_refused(client, teams_peer):
    installed = teams_peer.invoke(verb="", data={}) | {"type": "conversationUpdate"}
    installed.pop("name")
    assert post(client, installed, teams_peer.token()).status_code == 200
    response = client.generic(
        "POST",
        ENDPOINT,
        b"{not json",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {teams_peer.token()}",
    )
    assert response.status_code == 400 and "cannot be read" in response.json()["error"]


def test_without_the_bot_the_endpoint_refuses_and_cards_only_link(client, teams_peer, settings):
    settings.TEAMS_BOT_APP_ID = ""
    response, _ = press(client, teams_peer, signed(UserFactory(), "not_now", "x"))
    assert response.status_code == 401 and "TEAMS_BOT_APP_ID" in response.json()["error"]
    from notifications.content import Action, Content

    card = teams.render(
        Content(
            kind="x",
            title="t",
            text="",
            actions=(Action("Book", "https://portal.example/s", "book", "v"),),
        )
    )
    assert [a["type"] for a in card["actions"]] == ["Action.OpenUrl"]


def test_the_endpoint_needs_no_session_but_only_takes_post(client, teams_peer):
    assert client.get(ENDPOINT).status_code == 405
