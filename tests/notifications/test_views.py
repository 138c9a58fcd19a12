"""The screens of notifications over HTTP: a person's inbox (their own only), the bell's count,
mark all read, their settings; the tracked link a message carries, one-click unsubscribe
(RFC 8058) and Slack's button callback, which come with no session and are trusted by their
signature alone."""

import json
import time
from html import escape
from urllib.parse import urlencode, urlsplit

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from notifications import kinds, links
from notifications.content import Action, Content
from notifications.models import Choice, Click, Notification, Settings
from notifications.services import notify
from portal.factories import UserFactory
from portal.outbox.models import Message
from portal.outbox.services import messages_deliver
from tests.peers.slack import signed_headers

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
CAN_WAIT = "faq.question_settled"  # optional, not urgent
MUST = "officehours.cancelled"  # nobody may turn it off
INBOX = reverse("notifications_inbox")
BELL = reverse("notifications_bell")
READ_ALL = reverse("notifications_read_all")
SETTINGS = reverse("notifications_settings")
SLACK_ACTIONS = reverse("notifications_slack_actions")
SECRET = "8f742231b10e8888abcd99yyyzzz85a5"


def told(user, key, *, kind=CAN_WAIT, title="Your question has an answer", **overrides):
    """A notification as an app sends one (an answered question, by default)."""
    values = {
        "kind": kind,
        "title": title,
        "text": "You asked: how do I start?",
        "url": "/faq/start/",
        "facts": (("Asked", "1 March"),),
    }
    return notify(user=user, key=key, content=Content(**(values | overrides)))


def page(response) -> str:
    return response.content.decode()


# The inbox ------------------------------------------------------------------------------------


def test_the_inbox_shows_a_persons_own_notifications_and_never_anothers(client):
    ana, bo = UserFactory(), UserFactory()
    told(ana, "a:1", title="Your seat is booked")
    told(ana, "a:2", title="Your question has an answer")
    told(bo, "b:1", title="Bo's private news")
    client.force_login(ana)

    response = client.get(INBOX)

    assert response.status_code == 200
    text = page(response)
    assert "Your seat is booked" in text and "Your question has an answer" in text
    assert "Bo&#x27;s private news" not in text and "Bo's private news" not in text
    assert "2 unread" in text
    assert text.count("/notifications/go/") == 2  # each title a tracked link
    assert "Asked" in text and "1 March" in text  # its facts


def test_the_inbox_escapes_what_it_shows(client):
    ana = UserFactory()
    told(ana, "a:1", title="<script>alert(1)</script>", text="<b>bold</b>")
    client.force_login(ana)
    text = page(client.get(INBOX))
    assert "<script>alert(1)</script>" not in text and "&lt;script&gt;" in text
    assert "<b>bold</b>" not in text


def test_an_empty_inbox_says_what_will_come(client):
    client.force_login(UserFactory())
    text = page(client.get(INBOX))
    assert "All read" in text and "Nothing yet" in text
    assert "Mark all as read" not in text


@pytest.mark.parametrize("count", [2, 40])
def test_the_inbox_costs_the_same_queries_for_few_or_many(
    client, count, django_assert_max_num_queries
):
    ana = UserFactory()
    for n in range(count):
        told(ana, f"a:{n}", title=f"Update {n}")
    client.force_login(ana)
    # session, account, zone; the page of notifications and the unread count; the menu's 8
    with django_assert_max_num_queries(13):
        response = client.get(INBOX)
    assert response.status_code == 200
    assert f"Update {count - 1}" in page(response)  # newest first, on the first page


def test_the_inbox_shows_the_newest_thirty(client):
    ana = UserFactory()
    for n in range(35):
        told(ana, f"a:{n}", title=f"Update number {n}.")
    client.force_login(ana)
    text = page(client.get(INBOX))
    assert "Update number 34." in text and "Update number 5." in text
    assert "Update number 4." not in text
    assert "35 unread" in text


# The bell -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("unread", "badge", "said"),
    [(0, None, "Notifications</span>"), (7, ">7<", "7 unread"), (99, ">99<", "99 unread")],
)
def test_the_bell_counts_unread(client, unread, badge, said, django_assert_max_num_queries):
    ana = UserFactory()
    for n in range(unread):
        told(ana, f"a:{n}")
    told(UserFactory(), "someone-else")  # never counted for ana
    client.force_login(ana)
    with django_assert_max_num_queries(7):  # session, account, zone, the count
        text = page(client.get(BELL, **HTMX))
    assert said in text
    if badge is None:
        assert "bell__count" not in text
    else:
        assert badge in text


def test_over_99_the_bell_shows_99_plus_and_says_the_number(client):
    ana = UserFactory()
    Notification.objects.bulk_create(
        Notification(user=ana, key=f"n:{n}", kind=CAN_WAIT, title="x", text="", created_at=now)
        for n, now in enumerate([_now()] * 150)
    )
    client.force_login(ana)
    text = page(client.get(BELL))
    assert ">99+<" in text
    assert "150 unread" in text  # what a screen reader hears


# Mark all read --------------------------------------------------------------------------------


def test_mark_all_read_reads_only_ones_own_and_goes_back_to_the_inbox(client):
    ana, bo = UserFactory(), UserFactory()
    told(ana, "a:1")
    told(ana, "a:2")
    told(bo, "b:1")
    client.force_login(ana)

    response = client.post(READ_ALL)

    assert (response.status_code, response.url) == (302, INBOX)
    assert not Notification.objects.filter(user=ana, read_at__isnull=True).exists()
    assert Notification.objects.get(key="b:1").read_at is None
    assert "All read" in page(client.get(INBOX))


def test_mark_all_read_with_htmx_answers_the_list_and_the_bell(client):
    ana = UserFactory()
    told(ana, "a:1", title="Your seat is booked")
    client.force_login(ana)

    response = client.post(READ_ALL, **HTMX)

    assert response.status_code == 200
    text = page(response)
    assert "<html" not in text  # a fragment
    assert 'id="inbox"' in text and "All read" in text and "Your seat is booked" in text
    assert "Mark all as read" not in text
    assert 'id="notifications-bell"' in text and 'hx-swap-oob="true"' in text
    assert "bell__count" not in text  # the bell is back to nothing unread
    assert Notification.objects.get(key="a:1").read_at is not None


def test_mark_all_read_is_a_post(client):
    client.force_login(UserFactory())
    assert client.get(READ_ALL).status_code == 405


# Settings -------------------------------------------------------------------------------------


def test_settings_lists_every_kind_by_group_with_email_alone_on_a_portal_without_chat(client):
    client.force_login(UserFactory())
    response = client.get(SETTINGS)
    assert response.status_code == 200
    text = page(response)
    for kind in kinds.all_kinds():
        assert escape(kind.label) in text
        assert f'scope="rowgroup">{escape(kind.group)}<' in text
    assert '<th scope="col" class="channels-table__channel">Email</th>' in text
    assert ">Slack<" not in text and "Microsoft Teams" not in text
    assert ">In the portal<" not in text  # everything is in the inbox anyway: no box for it
    # unset, a kind goes by email (the default without Slack)
    assert _ticked(text, CAN_WAIT) == {"email"}


def test_settings_offer_the_chat_channels_this_portal_is_connected_to(
    client, slack_server, teams_peer
):
    client.force_login(UserFactory())
    text = page(client.get(SETTINGS))
    for label in ("Email", "Slack", "Microsoft Teams"):
        assert f'<th scope="col" class="channels-table__channel">{label}</th>' in text
    assert _ticked(text, CAN_WAIT) == {"slack"}  # Slack is the default where connected


def test_settings_show_a_community_managers_default_until_the_person_chooses(client, settings):
    from notifications.models import KindDefault

    KindDefault.objects.create(kind=CAN_WAIT, channels=["email", "inbox"])
    KindDefault.objects.create(kind="officehours.24h", channels=["inbox"])
    ana = UserFactory()
    client.force_login(ana)
    text = page(client.get(SETTINGS))
    assert _ticked(text, CAN_WAIT) == {"email"}
    assert _ticked(text, "officehours.24h") == set()


def test_settings_save_channels_and_quiet_hours(client, slack_server):
    ana = UserFactory()
    client.force_login(ana)
    form = _form(ana, client) | {
        CAN_WAIT: ["email"],  # Slack unticked, email ticked
        "officehours.24h": [],  # nothing: unsubscribed
        "quiet_from": "20:00",
        "quiet_until": "07:30",
        "daily_digest": "on",
        "digest_time": "09:15",
    }
    response = client.post(SETTINGS, form)

    assert (response.status_code, response.url) == (302, SETTINGS)
    own = Settings.objects.get(user=ana)
    assert (str(own.quiet_from), str(own.quiet_until)) == ("20:00:00", "07:30:00")
    assert own.daily_digest and str(own.digest_time) == "09:15:00"
    assert Choice.objects.get(user=ana, kind=CAN_WAIT).channels == ["email"]
    assert Choice.objects.get(user=ana, kind="officehours.24h").channels == []
    after = client.get(SETTINGS)
    assert "Your notification settings are saved." in page(after)
    assert _ticked(page(after), CAN_WAIT) == {"email"}
    assert 'value="20:00"' in page(after)


def test_settings_saved_with_htmx_answer_the_form_with_a_status(client):
    ana = UserFactory()
    client.force_login(ana)
    form = _form(ana, client) | {"quiet_from": "21:00", "quiet_until": "08:00"}
    response = client.post(SETTINGS, form, **HTMX)
    assert response.status_code == 200
    text = page(response)
    assert "<html" not in text and 'id="settings-form"' in text
    assert 'role="status"' in text and "Your notification settings are saved." in text
    assert Settings.objects.get(user=ana).quiet_from is not None


@pytest.mark.parametrize(
    ("given", "missing"),
    [({"quiet_from": "22:00"}, "quiet_until"), ({"quiet_until": "07:00"}, "quiet_from")],
)
@pytest.mark.parametrize("htmx", [False, True])
def test_half_filled_quiet_hours_are_refused_in_words_and_nothing_is_saved(
    client, given, missing, htmx
):
    ana = UserFactory()
    client.force_login(ana)
    form = _form(ana, client) | {CAN_WAIT: [], "quiet_from": "", "quiet_until": ""} | given
    response = client.post(SETTINGS, form, **(HTMX if htmx else {}))

    assert response.status_code == 400
    text = page(response)
    assert "Give both ends of your quiet hours, or neither." in text
    assert 'role="alert"' in text
    assert f'id="id_{missing}"' in text and 'aria-invalid="true"' in text
    assert f'aria-describedby="id_{missing}_error"' in text or (
        f'aria-describedby="id_{missing}_helptext id_{missing}_error"' in text
    )
    assert f'id="id_{missing}_error"' in text
    assert not Settings.objects.filter(user=ana).exists()
    assert not Choice.objects.filter(user=ana).exists()
    assert _ticked(text, CAN_WAIT) == set()  # what was posted, to correct and send again


def test_a_kind_nobody_may_turn_off_keeps_email_when_every_box_is_unticked(client, slack_server):
    ana = UserFactory()
    client.force_login(ana)
    form = _form(ana, client) | {MUST: [], "officehours.promoted": ["email", "slack"]}
    assert client.post(SETTINGS, form).status_code == 302
    assert Choice.objects.get(user=ana, kind=MUST).channels == ["email"]
    assert Choice.objects.get(user=ana, kind="officehours.promoted").channels == [
        "email",
        "slack",
    ]
    assert "Cannot be turned off: it comes at least by email." in page(client.get(SETTINGS))


@pytest.mark.parametrize(
    "bad",
    [
        {"quiet_from": "20:00\x00"},
        {CAN_WAIT: ["email\x00"]},
        {"quiet_from": "25:99", "quiet_until": "08:00"},
        {"digest_time": "soon"},
    ],
)
def test_bad_input_is_refused_in_words_and_nothing_is_saved(client, bad):
    ana = UserFactory()
    client.force_login(ana)
    response = client.post(SETTINGS, _form(ana, client) | bad)
    assert response.status_code == 400
    assert "<" in page(response)  # a page in words, not a stack trace
    assert not Settings.objects.filter(user=ana).exists()
    assert not Choice.objects.filter(user=ana).exists()


def test_unknown_kinds_and_channels_are_ignored(client):
    ana = UserFactory()
    client.force_login(ana)
    form = _form(ana, client)
    form |= {
        "shown": [*form["shown"], "no.such.kind"],
        "no.such.kind": ["email"],
        CAN_WAIT: ["fax", "inbox"],  # email unticked; a channel that is not one, and the inbox
    }
    assert client.post(SETTINGS, form).status_code == 302
    assert not Choice.objects.filter(user=ana, kind="no.such.kind").exists()
    assert Choice.objects.get(user=ana, kind=CAN_WAIT).channels == []


def test_only_what_a_person_changed_becomes_their_choice(client, slack_server):
    """Saving quiet hours pins no channel: a kind left alone keeps following the community
    managers' default, even one set later."""
    from notifications.models import KindDefault
    from notifications.services import channels_for

    ana = UserFactory()
    client.force_login(ana)
    form = _form(ana, client) | {"quiet_from": "22:00", "quiet_until": "07:00"}
    assert client.post(SETTINGS, form).status_code == 302
    assert not Choice.objects.filter(user=ana).exists()
    KindDefault.objects.create(kind=CAN_WAIT, channels=["email", "inbox"])
    assert channels_for(ana, kinds.kind_of(CAN_WAIT)) == ["email"]

    form = _form(ana, client) | {"officehours.24h": ["email", "slack"]}
    assert client.post(SETTINGS, form).status_code == 302
    assert list(Choice.objects.filter(user=ana).values_list("kind", "channels")) == [
        ("officehours.24h", ["email", "slack"])
    ]


def test_a_nudge_is_stopped_by_unticking_every_box(client, slack_server):
    nudge = next((kind for kind in kinds.all_kinds() if kind.nudge), None)
    if nudge is None:
        pytest.skip("no nudge registered")
    ana = UserFactory()
    client.force_login(ana)
    form = _form(ana, client)
    assert form[nudge.key] == ["slack"]
    del form[nudge.key]  # an unticked box sends nothing
    assert client.post(SETTINGS, form).status_code == 302
    assert Choice.objects.get(user=ana, kind=nudge.key).channels == []


def test_settings_are_for_the_signed_in(client):
    response = client.get(SETTINGS)
    assert response.status_code == 302 and "/accounts/login/" in response.url


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


# Helpers --------------------------------------------------------------------------------------


def _now():
    from django.utils import timezone

    return timezone.now()


def _form(user, client) -> dict:
    """The settings form as the page sends it now, ticks and all."""
    text = page(client.get(SETTINGS))
    form = {"digest_time": "08:30", "quiet_from": "", "quiet_until": "", "shown": []}
    for kind in kinds.all_kinds():
        assert f'name="shown" value="{kind.key}"' in text
        form["shown"].append(kind.key)
        form[kind.key] = sorted(_ticked(text, kind.key))
    return form


def _ticked(text: str, kind: str) -> set[str]:
    """The channels ticked for `kind` on the settings page."""
    found = set()
    for tag in text.split("<input")[1:]:
        tag = tag.split(">", 1)[0]
        if f'name="{kind}"' in tag and " checked" in tag:
            found.add(tag.split('value="', 1)[1].split('"', 1)[0])
    return found
