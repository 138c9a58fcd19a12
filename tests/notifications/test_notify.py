"""notify(): the inbox row and one outbox message per chosen channel, once per key; quiet hours
and the daily digest in the person's own zone; unsubscribe stops exactly one kind; a channel
that does not know the person falls back to email."""

from datetime import UTC, datetime, time

import pytest
from django.core import mail

from notifications import kinds
from notifications.content import Action, Content
from notifications.models import Choice, Notification, Settings
from notifications.services import (
    Email,
    channels_for,
    digests_send,
    notify,
    unsubscribe,
)
from portal.accounts.zones import time_zone_set
from portal.factories import UserFactory
from portal.outbox.models import Message
from portal.outbox.services import messages_deliver

pytestmark = pytest.mark.django_db

CAN_WAIT = "faq.question_settled"  # optional, not urgent
URGENT = "officehours.1h"  # optional, urgent
MUST = "officehours.cancelled"  # nobody may turn it off


def content(kind=CAN_WAIT, **overrides):
    values = {
        "kind": kind,
        "title": "Your question has an answer",
        "text": "You asked: how do I start?",
        "url": "/faq/start/",
        "facts": (("Asked", "1 March"),),
        "actions": (Action("Read the answer", "/faq/start/", primary=True),),
    }
    return Content(**(values | overrides))


def messages_of(user):
    return list(Message.objects.filter(user=user).order_by("channel"))


def test_once_per_key_with_the_inbox_row_and_an_email_by_default():
    user = UserFactory()
    now = datetime(2027, 1, 5, 12, tzinfo=UTC)
    first = notify(user=user, key="q:1", content=content(), now=now)
    again = notify(user=user, key="q:1", content=content(), now=now)

    assert first is not None and again is None
    assert Notification.objects.filter(user=user).count() == 1
    [message] = messages_of(user)
    assert (message.channel, message.key, message.next_attempt_at) == ("email", "q:1:email", now)
    assert message.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/notifications/unsubscribe/" in message.headers["List-Unsubscribe"]
    assert "Open it in the portal: http" in message.body  # the tracked link, absolute
    assert "Read the answer" not in message.body  # the same place, said once
    assert "/notifications/go/" in message.body


def test_the_sending_apps_email_is_sent_with_the_footer_and_files():
    user = UserFactory()
    notify(
        user=user,
        key="q:2",
        content=content(),
        email=Email(subject="Answered", body="The whole email."),
    )
    [sent] = _delivered()
    assert sent.subject == "Answered"
    assert sent.body.startswith("The whole email.")
    assert "Stop these emails: http" in sent.body
    assert sent.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_a_kind_nobody_may_stop_has_no_unsubscribe_link():
    user = UserFactory()
    notify(user=user, key="c:1", content=content(kind=MUST))
    [message] = messages_of(user)
    assert "List-Unsubscribe" not in message.headers
    assert "Stop these emails" not in message.body


def test_slack_is_the_default_where_it_is_connected(slack_server):
    user = UserFactory(email="ada@example.com")
    assert channels_for(user, kinds.kind_of(CAN_WAIT)) == ["slack"]
    notify(user=user, key="q:3", content=content())
    [message] = messages_of(user)
    assert message.channel == "slack" and message.to == "ada@example.com"
    assert message.payload["blocks"]  # rendered by the Slack channel at queue time


def test_a_person_without_slack_gets_the_email_instead(slack_server):
    user = UserFactory(email="nobody@example.com")  # the capture server knows no one
    notify(user=user, key="q:4", content=content())
    messages_deliver()
    slack_message, email_message = (
        Message.objects.get(key="q:4:slack"),
        Message.objects.get(key="q:4:email"),
    )
    assert slack_message.state == Message.State.FAILED
    assert "Slack" in slack_message.last_error
    messages_deliver()
    email_message.refresh_from_db()
    assert email_message.state == Message.State.SENT
    assert mail.outbox[0].to == ["nobody@example.com"]


def test_a_person_on_slack_gets_it_there_once(slack_server):
    user = UserFactory(email="grace@example.com")
    slack_server.users["grace@example.com"] = "U123"
    notify(user=user, key="q:5", content=content())
    messages_deliver()
    messages_deliver()
    [posted] = slack_server.messages
    assert posted["channel"] == "U123"
    assert mail.outbox == []


def test_own_choice_wins_and_unsubscribe_stops_exactly_that_kind():
    user = UserFactory()
    Choice.objects.create(user=user, kind=URGENT, channels=["inbox"])
    assert unsubscribe(user_id=user.pk, kind=CAN_WAIT) is True
    assert unsubscribe(user_id=user.pk, kind=MUST) is False  # changes their plans

    notify(user=user, key="a", content=content(kind=CAN_WAIT))
    notify(user=user, key="b", content=content(kind=URGENT))
    notify(user=user, key="c", content=content(kind=MUST))
    notify(user=user, key="d", content=content(kind="reports.digest"))

    assert [m.key for m in messages_of(user)] == ["c:email", "d:email"]
    assert Notification.objects.filter(user=user).count() == 4  # the inbox keeps every one


def test_a_kind_nobody_may_stop_still_goes_when_every_channel_was_unticked():
    user = UserFactory()
    Choice.objects.create(user=user, kind=MUST, channels=[])
    assert channels_for(user, kinds.kind_of(MUST)) == ["email"]


@pytest.mark.parametrize(
    ("zone", "now", "waits_until"),
    [
        # Tokyo (UTC+9), quiet 20:00-08:00: 21:00 there waits for 08:00 the next morning
        ("Asia/Tokyo", datetime(2027, 1, 5, 12, tzinfo=UTC), datetime(2027, 1, 5, 23, tzinfo=UTC)),
        # Tokyo at 07:59 still waits a minute; at 08:00 it goes
        (
            "Asia/Tokyo",
            datetime(2027, 1, 5, 22, 59, tzinfo=UTC),
            datetime(2027, 1, 5, 23, tzinfo=UTC),
        ),
        ("Asia/Tokyo", datetime(2027, 1, 5, 23, tzinfo=UTC), datetime(2027, 1, 5, 23, tzinfo=UTC)),
        # New York the night the clocks go forward (14 March 2027): 23:00 EST is 04:00 UTC;
        # 08:00 the next morning is EDT (UTC-4), so 12:00 UTC, not 13:00
        (
            "America/New_York",
            datetime(2027, 3, 14, 4, tzinfo=UTC),
            datetime(2027, 3, 14, 12, tzinfo=UTC),
        ),
        # ...and the night they go back (7 November 2027): 08:00 EST is 13:00 UTC
        (
            "America/New_York",
            datetime(2027, 11, 7, 4, tzinfo=UTC),
            datetime(2027, 11, 7, 13, tzinfo=UTC),
        ),
        # London in the afternoon: not quiet, goes at once
        (
            "Europe/London",
            datetime(2027, 1, 5, 15, tzinfo=UTC),
            datetime(2027, 1, 5, 15, tzinfo=UTC),
        ),
    ],
)
def test_quiet_hours_hold_a_message_until_they_end_in_the_persons_zone(zone, now, waits_until):
    user = UserFactory()
    time_zone_set(user=user, name=zone)
    Settings.objects.create(user=user, quiet_from=time(20), quiet_until=time(8))
    notify(user=user, key="q", content=content(), now=now)
    [message] = messages_of(user)
    assert message.next_attempt_at == waits_until
    assert messages_deliver(now=now) == (1 if waits_until == now else 0)


def test_an_urgent_message_does_not_wait_for_quiet_hours():
    user = UserFactory()
    time_zone_set(user=user, name="Asia/Tokyo")
    Settings.objects.create(user=user, quiet_from=time(20), quiet_until=time(8))
    now = datetime(2027, 1, 5, 12, tzinfo=UTC)  # 21:00 in Tokyo
    notify(user=user, key="u", content=content(kind=URGENT), now=now)
    [message] = messages_of(user)
    assert message.next_attempt_at == now


def test_the_daily_digest_bundles_what_can_wait_once_at_the_persons_morning():
    user = UserFactory()
    time_zone_set(user=user, name="America/New_York")
    Settings.objects.create(user=user, daily_digest=True, digest_time=time(8, 30))
    evening = datetime(2027, 3, 13, 23, tzinfo=UTC)  # 18:00 EST, the day before the change
    notify(user=user, key="w:1", content=content(title="First"), now=evening)
    notify(user=user, key="w:2", content=content(title="Second"), now=evening)
    notify(user=user, key="w:3", content=content(kind=URGENT, title="Now"), now=evening)
    assert [m.key for m in messages_of(user)] == ["w:3:email"]  # only the urgent one went

    due = datetime(2027, 3, 14, 12, 30, tzinfo=UTC)  # 08:30 EDT, after the clocks moved
    assert set(
        Notification.objects.filter(digest_at__isnull=False).values_list("digest_at", flat=True)
    ) == {due}
    assert digests_send(now=datetime(2027, 3, 14, 12, 29, tzinfo=UTC)) == 0
    assert digests_send(now=due) == 1
    assert digests_send(now=due) == 0  # a second sweep, or a second worker: nothing more
    digest = Message.objects.get(user=user, key__startswith="notifications.digest")
    assert "2 updates" in digest.subject
    assert "First" in digest.body and "Second" in digest.body


def _delivered():
    messages_deliver()
    return mail.outbox
