"""The screens of notifications over HTTP: a person's inbox (their own only), the bell's count,
mark all read, their settings (what a message's links reach: test_views_links.py)."""

from html import escape

import pytest
from django.urls import reverse

from notifications import kinds
from notifications.content import Content
from notifications.models import Choice, Notification, Settings
from notifications.services import notify
from portal.factories import UserFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
CAN_WAIT = "faq.question_settled"  # optional, not urgent
MUST = "officehours.cancelled"  # nobody may turn it off
INBOX = reverse("notifications_inbox")
BELL = reverse("notifications_bell")
READ_ALL = reverse("notifications_read_all")
SETTINGS = reverse("notifications_settings")


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
