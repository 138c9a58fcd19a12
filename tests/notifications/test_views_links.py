"""What a message's links and buttons reach over HTTP, with no session, trusted by their
signature alone: the tracked link (the click counted for its channel), one-click unsubscribe
(RFC 8058) and Slack's button callback."""

import json
import time
from urllib.parse import urlencode, urlsplit

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from notifications import links
from notifications.content import Action, Content
from notifications.models import Choice, Click, Notification
from notifications.services import notify
from portal.factories import UserFactory
from portal.outbox.models import Message
from portal.outbox.services import messages_deliver
from tests.notifications.test_views import CAN_WAIT, INBOX, MUST, page, told
from tests.peers.slack import signed_headers

pytestmark = pytest.mark.django_db

SLACK_ACTIONS = reverse("notifications_slack_actions")
SECRET = "8f742231b10e8888abcd99yyyzzz85a5"


# The tracked link -----------------------------------------------------------------------------


def _link_in(message: Message) -> str:
    """The tracked address in a queued email, as the reader's mail client shows it."""
    for word in message.body.split():
        if "/notifications/go/" in word:
            return urlsplit(word).path
    raise AssertionError("no tracked link in the message")


def test_a_tracked_link_counts_the_click_reads_it_and_goes_to_the_step(client):
    ana = UserFactory()
    told(ana, "a:1")
    link = _link_in(Message.objects.get(key="a:1:email"))
    client.force_login(ana)

    response = client.get(link)

    assert (response.status_code, response["Location"]) == (302, "/faq/start/")
    notification = Notification.objects.get(key="a:1")
    [click] = Click.objects.filter(notification=notification)
    assert click.channel == "email"
    assert notification.read_at is not None


def test_the_inboxs_own_link_counts_as_the_inbox(client):
    ana = UserFactory()
    told(ana, "a:1")
    client.force_login(ana)
    text = page(client.get(INBOX))
    link = next(part for part in text.split('"') if part.startswith("/notifications/go/"))
    assert client.get(link).status_code == 302
    assert Click.objects.get().channel == "inbox"


def test_someone_elses_click_is_counted_but_does_not_read_it_for_them(client):
    ana, bo = UserFactory(), UserFactory()
    told(ana, "a:1")
    link = _link_in(Message.objects.get(key="a:1:email"))
    client.force_login(bo)  # a forwarded email
    assert client.get(link).status_code == 302
    assert Click.objects.count() == 1
    assert Notification.objects.get(key="a:1").read_at is None


def test_a_click_without_a_session_is_counted_and_goes_on_to_sign_in(client):
    ana = UserFactory()
    told(ana, "a:1")
    link = _link_in(Message.objects.get(key="a:1:email"))
    response = client.get(link)
    assert (response.status_code, response["Location"]) == (302, "/faq/start/")
    assert Click.objects.count() == 1
    assert Notification.objects.get(key="a:1").read_at is None


@pytest.mark.parametrize("how", ["cut", "changed", "another salt"])
def test_a_tampered_link_is_a_404_page_in_words(client, how):
    ana = UserFactory()
    told(ana, "a:1")
    link = _link_in(Message.objects.get(key="a:1:email"))
    token = link.removeprefix("/notifications/go/").rstrip("/")
    if how == "cut":
        token = token[:-6]
    elif how == "changed":
        token = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    else:
        token = signing.dumps([1, "email", "/faq/start/"], salt=links.UNSUBSCRIBE_SALT)
    client.force_login(ana)
    response = client.get(reverse("notifications_go", args=[token]))
    assert response.status_code == 404
    assert "This link does not work" in page(response)
    assert not Click.objects.exists()


@pytest.mark.parametrize(
    "path",
    [
        "//evil.example/",
        "/\\evil.example/",
        "https://evil.example/",
        "/\\/evil.example",
        "javascript:alert(1)",
    ],
)
def test_a_link_that_would_leave_the_site_is_never_followed(client, path):
    ana = UserFactory()
    notification = told(ana, "a:1")
    token = signing.dumps([notification.pk, "email", path], salt=links.GO_SALT, compress=True)
    client.force_login(ana)
    response = client.get(reverse("notifications_go", args=[token]))
    assert response.status_code == 404
    assert "evil" not in response.get("Location", "")
    assert not Click.objects.exists()


# One-click unsubscribe ------------------------------------------------------------------------


def _unsubscribe_path(message: Message) -> str:
    address = message.headers["List-Unsubscribe"].strip("<>")
    return urlsplit(address).path


def test_one_click_unsubscribe_as_a_mail_client_sends_it(client):
    """RFC 8058: a POST of `List-Unsubscribe=One-Click` to the header's address, with no
    session, no cookie and no CSRF token, stops that kind (and only that kind)."""
    ana = UserFactory()
    told(ana, "a:1")
    address = _unsubscribe_path(Message.objects.get(key="a:1:email"))
    mail_client = Client(enforce_csrf_checks=True)

    response = mail_client.post(
        address,
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    assert "You are unsubscribed" in page(response)
    assert Choice.objects.get(user=ana, kind=CAN_WAIT).channels == ["inbox"]
    told(ana, "a:2")  # the same kind again: the inbox only
    told(ana, "a:3", kind="officehours.24h")  # another kind: still by email
    assert not Message.objects.filter(key__startswith="a:2").exists()
    assert Message.objects.filter(key="a:3:email").exists()
    assert Notification.objects.filter(key="a:2").exists()


def test_opening_the_unsubscribe_link_asks_first_and_changes_nothing(client):
    ana = UserFactory()
    told(ana, "a:1")
    address = _unsubscribe_path(Message.objects.get(key="a:1:email"))
    response = client.get(address)  # a mail scanner, or the person before deciding
    assert response.status_code == 200
    text = page(response)
    assert "Stop “A question you asked is answered”?" in text
    assert '<button class="button" type="submit">Unsubscribe</button>' in text
    assert not Choice.objects.exists()
    # the page's own button posts back to it, without a session either
    assert Client(enforce_csrf_checks=True).post(address).status_code == 200
    assert Choice.objects.get(user=ana).channels == ["inbox"]


def test_a_kind_that_cannot_be_stopped_says_so_and_stays(client):
    ana = UserFactory()
    address = urlsplit(links.unsubscribe_url(user_id=ana.pk, kind=MUST)).path
    opened = page(client.get(address))
    assert "cannot be turned off" in opened and "Unsubscribe</button>" not in opened
    response = client.post(address, "List-Unsubscribe=One-Click", content_type="text/plain")
    assert response.status_code == 200
    assert "cannot be turned off" in page(response)
    assert not Choice.objects.exists()


@pytest.mark.parametrize("how", ["tampered", "unknown kind", "no such person", "a go token"])
def test_a_broken_unsubscribe_link_is_a_404_in_words(client, how):
    ana = UserFactory()
    if how == "tampered":
        address = links.unsubscribe_url(user_id=ana.pk, kind=CAN_WAIT)[:-4] + "xx/"
    elif how == "unknown kind":
        address = links.unsubscribe_url(user_id=ana.pk, kind="no.such.kind")
    elif how == "no such person":
        address = links.unsubscribe_url(user_id=ana.pk + 1000, kind=CAN_WAIT)
    else:
        address = reverse(
            "notifications_unsubscribe",
            args=[signing.dumps([ana.pk, CAN_WAIT], salt=links.GO_SALT)],
        )
    path = urlsplit(address).path
    for response in (
        client.get(path),
        client.post(path, "List-Unsubscribe=One-Click", content_type="text/plain"),
    ):
        assert response.status_code == 404
        assert "This link does not work" in page(response)
    assert not Choice.objects.exists()


# Slack's callback URL -------------------------------------------------------------------------


@pytest.fixture
def slack(slack_server, settings):
    settings.SLACK_SIGNING_SECRET = SECRET
    return slack_server


def _pressed_in_slack(slack, user, key="nudge:1"):
    """A notification with a "Not now" button, delivered to the capture server; the button as
    Slack would send it back when pressed."""
    slack.users[user.email] = "U0ANA"
    notify(
        user=user,
        key=key,
        content=Content(
            kind=CAN_WAIT,
            title="One step from Informed",
            text="The 4-minute video is next.",
            url="/training/",
            actions=(
                Action("Watch it", "/training/", primary=True),
                Action("Not now", "", action_id="not_now", value=key),  # signed by notify
            ),
        ),
    )
    messages_deliver()
    [message] = slack.messages
    blocks = (
        message["blocks"] if isinstance(message["blocks"], list) else json.loads(message["blocks"])
    )
    buttons = [e for b in blocks if b["type"] == "actions" for e in b["elements"]]
    return next(b for b in buttons if b.get("action_id") == "not_now")


def _interaction(button: dict, response_url: str, **overrides) -> bytes:
    payload = {
        "type": "block_actions",
        "user": {"id": "U0ANA"},
        "trigger_id": "1234.5678",
        "response_url": response_url,
        "actions": [{"type": "button", "action_id": button["action_id"], "value": button["value"]}],
    } | overrides
    return urlencode({"payload": json.dumps(payload)}).encode()


def _post(client, body: bytes, headers: dict):
    return client.post(
        SLACK_ACTIONS,
        body,
        content_type="application/x-www-form-urlencoded",
        headers=headers,
    )


def test_a_button_pressed_in_slack_runs_and_is_answered_in_place(slack):
    ana = UserFactory()
    button = _pressed_in_slack(slack, ana)
    body = _interaction(button, slack.response_url("r1"))
    slack_itself = Client(enforce_csrf_checks=True)  # no session, no CSRF token

    response = _post(slack_itself, body, signed_headers(body, secret=SECRET))

    assert response.status_code == 200
    assert Notification.objects.get(key="nudge:1").read_at is not None
    answer = Message.objects.get(kind="notifications.slack_answer")
    assert (answer.channel, answer.to) == ("slack", slack.response_url("r1"))
    assert not slack.calls_to("response")  # nothing sent inside the request
    messages_deliver()
    [sent] = slack.calls_to("response")
    assert sent.path == "/response/r1"
    assert sent.body["replace_original"] is True
    assert sent.body["text"].startswith("Fine, not now.")


def test_a_wrong_signature_is_401_and_does_nothing(slack, client):
    ana = UserFactory()
    body = _interaction(_pressed_in_slack(slack, ana), slack.response_url())
    response = _post(client, body, signed_headers(body, secret="another-apps-secret"))
    assert response.status_code == 401
    assert "does not match" in response.json()["error"]
    assert Notification.objects.get(key="nudge:1").read_at is None
    assert not Message.objects.filter(kind="notifications.slack_answer").exists()


def test_a_stale_request_is_401_even_when_signed(slack, client):
    ana = UserFactory()
    body = _interaction(_pressed_in_slack(slack, ana), slack.response_url())
    headers = signed_headers(body, secret=SECRET, timestamp=int(time.time()) - 6 * 60)
    response = _post(client, body, headers)
    assert response.status_code == 401
    assert "more than 5 minutes old" in response.json()["error"]
    assert Notification.objects.get(key="nudge:1").read_at is None


def test_a_replayed_request_is_401_the_second_time(slack, client):
    ana = UserFactory()
    body = _interaction(_pressed_in_slack(slack, ana), slack.response_url())
    headers = signed_headers(body, secret=SECRET)
    assert _post(client, body, headers).status_code == 200
    again = _post(client, body, headers)
    assert again.status_code == 401
    assert "received before" in again.json()["error"]
    assert Message.objects.filter(kind="notifications.slack_answer").count() == 1


@pytest.mark.parametrize(
    "change",
    [
        "value from another salt",
        "action id swapped",
        "no actions",
        "a person who left",
    ],
)
def test_a_signed_payload_that_is_not_a_button_of_ours_is_400(slack, client, change):
    ana = UserFactory()
    button = _pressed_in_slack(slack, ana)
    overrides = {}
    if change == "value from another salt":
        button = button | {"value": signing.dumps([ana.pk, "not_now", "nudge:1", "nudge:1"])}
    elif change == "action id swapped":
        button = button | {"action_id": "book"}
    elif change == "no actions":
        overrides = {"actions": []}
    else:
        ana.is_active = False
        ana.save()
    body = _interaction(button, slack.response_url(), **overrides)
    response = _post(client, body, signed_headers(body, secret=SECRET))
    assert response.status_code == 400
    assert "not a button" in response.json()["error"]
    assert Notification.objects.get(key="nudge:1").read_at is None
    assert not Message.objects.filter(kind="notifications.slack_answer").exists()


@pytest.mark.parametrize("body", [b"payload=%7Bnot+json", b"text=hello", b"payload=%5B1%5D"])
def test_a_signed_body_slack_would_not_send_is_400_in_words(slack, client, body):
    response = _post(client, body, signed_headers(body, secret=SECRET))
    assert response.status_code == 400
    assert "Slack" in response.json()["error"] or "payload" in response.json()["error"]


def test_the_callback_takes_only_posts(slack, client):
    assert client.get(SLACK_ACTIONS).status_code == 405
