"""Nudges (issue 23): `notify_many` sends like `notify` (channels, quiet hours, digest, tracked
links, List-Unsubscribe) once per key and once per interval, also under two workers at once and
in chunks that resume; Slack's "Not now"; unsubscribing from one nudge stops exactly that one."""

import json
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, time, timedelta
from threading import Barrier
from urllib.parse import urlencode

import pytest
from django.db import connections
from django.urls import reverse

from notifications import kinds, links
from notifications.bulk import Item, notify_many
from notifications.content import Action, Content
from notifications.models import Choice, KindDefault, Notification, NudgeRule, Settings
from notifications.nudges import nudge_rules, nudges_evaluate
from notifications.services import channels_for, notify, unsubscribe
from portal.accounts.zones import time_zone_set
from portal.factories import DepartmentFactory, LocationFactory, RoleFactory, UserFactory
from portal.models import Staff
from portal.outbox.models import Message
from portal.tiers.models import Tier
from portal.tiers.services import tier_attainments_recompute
from tests.notifications.nudging import AWARE, NOW, did, one_steps, switch_on, tokens_out
from tests.peers.slack import signed_headers

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_frames")]


# Sending: like notify(), once ------------------------------------------------------------


def test_notify_many_sends_what_notify_sends(slack_server, teams_peer):
    kind = "nudges.informed_one_step"
    content = Content(
        kind=kind,
        title="One step from Informed: the 4-minute video",
        text="Hi Ada, the video is next.\n\nIt takes 4 minutes.",
        url="/training/welcome/#video-1",
        facts=(("Length", "4 minutes"),),
        actions=(Action("Watch the video", "/training/welcome/#video-1", primary=True),),
    )
    ada = UserFactory()
    Choice.objects.create(user=ada, kind=kind, channels=["email", "slack", "teams"])
    notify(user=ada, key="one", content=content, now=NOW)
    [new] = notify_many(kind=kind, items=[Item(ada.pk, "many", content)], now=NOW)

    assert new.key == "many" and Notification.objects.get(key="many").nudge == ""
    one = {m.channel: m for m in Message.objects.filter(key__startswith="one:")}
    many = {m.channel: m for m in Message.objects.filter(key__startswith="many:")}
    assert set(one) == set(many) == {"email", "slack", "teams"}
    for channel, message in one.items():
        other = many[channel]
        assert other.key == f"many:{channel}"
        assert (other.to, other.subject, other.kind, other.user_id) == (
            message.to,
            message.subject,
            message.kind,
            message.user_id,
        )
        assert (other.next_attempt_at, other.state) == (message.next_attempt_at, "pending")
        assert tokens_out(other.body) == tokens_out(message.body)
        assert {k: tokens_out(v) for k, v in other.headers.items()} == {
            k: tokens_out(v) for k, v in message.headers.items()
        }
        assert tokens_out(json.dumps(other.payload)) == tokens_out(json.dumps(message.payload))
    # each link counts for its own notification
    go = re.search(r"/notifications/go/([^/]+)/", many["email"].body).group(1)
    assert links.tracked_target(go) == (new.pk, "email", "/training/welcome/#video-1")


def test_notify_many_takes_the_channels_notify_would(slack_server, teams_peer):
    kind = kinds.kind_of("nudges.faq_new_for_role")
    KindDefault.objects.create(kind=kind.key, channels=["teams", "inbox"])
    chosen = [None, [], ["inbox"], ["slack"], ["email", "teams"], ["slack", "email"]]
    people = UserFactory.create_batch(len(chosen))
    for user, channels in zip(people, chosen, strict=True):
        if channels is not None:
            Choice.objects.create(user=user, kind=kind.key, channels=channels)
    content = Content(kind=kind.key, title="New in the FAQ", text="Read it.", url="/faq/")
    notify_many(kind=kind.key, items=[Item(u.pk, f"k:{u.pk}", content) for u in people], now=NOW)
    for user in people:
        sent = sorted(Message.objects.filter(user=user).values_list("channel", flat=True))
        assert sent == sorted(channels_for(user, kind)), user
    assert Notification.objects.count() == len(people)  # the inbox keeps every one


def test_a_rule_overrides_the_default_channels_but_not_a_persons_choice(slack_server):
    ada, bo = UserFactory.create_batch(2)
    Choice.objects.create(user=bo, kind="nudges.wave_started", channels=["slack"])
    content = Content(kind="nudges.wave_started", title="Welcome", text="Hello.")
    notify_many(
        kind="nudges.wave_started",
        items=[Item(u.pk, f"w:{u.pk}", content) for u in (ada, bo)],
        now=NOW,
        channels=["email"],
    )
    assert list(Message.objects.filter(user=ada).values_list("channel", flat=True)) == ["email"]
    assert list(Message.objects.filter(user=bo).values_list("channel", flat=True)) == ["slack"]


def test_quiet_hours_and_the_daily_digest_are_kept_by_bulk_sends(tiers, place):
    tokyo, digest, plain = one_steps(tiers, place, 3)
    for who in (tokyo, digest):
        time_zone_set(user=who.user, name="Asia/Tokyo")
    Settings.objects.create(user=tokyo.user, quiet_from=time(20), quiet_until=time(8))
    Settings.objects.create(user=digest.user, daily_digest=True, digest_time=time(8, 30))
    switch_on("informed_one_step", channels=["email"])

    assert nudges_evaluate(now=NOW)["informed_one_step"] == 3  # 12:00 UTC is 21:00 in Tokyo

    [held] = Message.objects.filter(user=tokyo.user)
    assert held.next_attempt_at == datetime(2027, 3, 10, 23, 0, tzinfo=UTC)  # 08:00 in Tokyo
    assert not Message.objects.filter(user=digest.user).exists()
    bundled = Notification.objects.get(user=digest.user)
    assert bundled.digest_at == datetime(2027, 3, 10, 23, 30, tzinfo=UTC)  # 08:30 in Tokyo
    [now_sent] = Message.objects.filter(user=plain.user)
    assert now_sent.next_attempt_at == NOW


def test_once_per_interval_however_often_it_runs(tiers, place):
    [ada] = one_steps(tiers, place)
    switch_on("informed_one_step", every_days=7, channels=["email"])
    moments = [NOW, NOW, NOW + timedelta(minutes=15), NOW + timedelta(days=7, minutes=-1)]
    assert [nudges_evaluate(now=m)["informed_one_step"] for m in moments] == [1, 0, 0, 0]
    [first] = Notification.objects.filter(user=ada.user)
    period = int(NOW.timestamp() // 86400) // 7
    assert first.key == f"nudges.informed_one_step:{ada.user_id}:{period}"
    assert (first.nudge, first.subject) == ("informed_one_step", "")
    assert Message.objects.filter(user=ada.user).count() == 1

    later = NOW + timedelta(days=7, minutes=1)  # the interval is over: once more
    assert nudges_evaluate(now=later)["informed_one_step"] == 1
    assert Notification.objects.filter(user=ada.user).count() == 2
    assert Message.objects.filter(user=ada.user).count() == 2
    assert NudgeRule.objects.get(type="informed_one_step").checked_at == later


def test_a_switched_off_nudge_and_one_with_broken_words_send_nothing(tiers, place):
    one_steps(tiers, place)
    nudge_rules()
    assert nudges_evaluate(now=NOW) == {}  # every nudge starts switched off
    switch_on("informed_one_step", title="One step from {tier.__class__}")  # not by the form
    assert nudges_evaluate(now=NOW) == {"informed_one_step": 0}
    assert not Notification.objects.exists()


def test_unsubscribing_from_one_nudge_stops_exactly_that_one(tiers, place, waves):
    people, _ = waves
    member, other = people["member"], people["in_silent"]
    did([member, other], AWARE)
    Staff.objects.filter(pk__in=[member.pk, other.pk]).update(
        role=RoleFactory(target_tier=tiers["Trained"])
    )
    tier_attainments_recompute()
    switch_on("informed_one_step", channels=["email"])
    switch_on("wave_started", channels=["email"])
    unsubscribe(user_id=member.user_id, kind="nudges.informed_one_step")

    assert nudges_evaluate(now=NOW) == {"informed_one_step": 2, "wave_started": 1}

    def sent(staff):
        return sorted(Message.objects.filter(user=staff.user).values_list("kind", flat=True))

    assert sent(member) == ["nudges.wave_started"]  # the one nudge stopped, the other not
    assert sent(other) == ["nudges.informed_one_step"]
    assert Notification.objects.filter(user=member.user).count() == 2  # the inbox keeps both


def test_the_unsubscribe_link_of_a_nudge_stops_that_nudge(client, tiers, place):
    [ada] = one_steps(tiers, place)
    switch_on("informed_one_step", channels=["email"])
    nudges_evaluate(now=NOW)
    [message] = Message.objects.filter(user=ada.user)
    address = message.headers["List-Unsubscribe"].strip("<>")
    assert "Stop these emails: " + address in message.body
    response = client.post(address, "List-Unsubscribe=One-Click", content_type="text/plain")
    assert response.status_code == 200
    assert Choice.objects.get(user=ada.user).kind == "nudges.informed_one_step"

    nudges_evaluate(now=NOW + timedelta(days=8))
    assert Notification.objects.filter(user=ada.user).count() == 2
    assert Message.objects.filter(user=ada.user).count() == 1  # nothing more by email


SECRET = "nudge-signing-secret"


def test_slack_carries_not_now_which_marks_it_read(client, tiers, place, slack_server, settings):
    settings.SLACK_SIGNING_SECRET = SECRET
    ada, bo = one_steps(tiers, place, 2)
    slack_server.users[ada.user.email] = "U0ADA"
    Choice.objects.create(user=bo.user, kind="nudges.informed_one_step", channels=["email"])
    switch_on("informed_one_step")  # Slack by default, where Slack is connected
    nudges_evaluate(now=NOW)
    email = Message.objects.get(user=bo.user)
    assert "Not now" not in email.body and "Watch the video: " not in email.body
    [slack] = Message.objects.filter(user=ada.user)
    buttons = [e for b in slack.payload["blocks"] if b["type"] == "actions" for e in b["elements"]]
    watch, not_now = buttons
    assert (watch["text"]["text"], watch["style"]) == ("Watch the video", "primary")
    assert "/notifications/go/" in watch["url"]
    notification = Notification.objects.get(user=ada.user)
    assert links.action_target(not_now["value"]) == (
        ada.user_id,
        "not_now",
        notification.key,
        notification.key,
    )

    payload = {
        "type": "block_actions",
        "trigger_id": "1.2",
        "response_url": slack_server.response_url("r1"),
        "actions": [{"type": "button", "action_id": "not_now", "value": not_now["value"]}],
    }
    body = urlencode({"payload": json.dumps(payload)}).encode()
    response = client.post(
        reverse("notifications_slack_actions"),
        body,
        content_type="application/x-www-form-urlencoded",
        headers=signed_headers(body, secret=SECRET),
    )
    assert response.status_code == 200
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert nudges_evaluate(now=NOW + timedelta(days=1))["informed_one_step"] == 0  # waits


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("apart", [timedelta(0), timedelta(seconds=1)])
def test_two_workers_at_once_send_each_person_once(apart):
    tiers = {t.name: t for t in Tier.objects.all()}
    place = {"department": DepartmentFactory(), "location": LocationFactory()}
    people = one_steps(tiers, place, 12)
    switch_on("informed_one_step", channels=["email"])
    start = Barrier(2)

    def worker(moment):
        start.wait()
        try:
            return nudges_evaluate(now=moment)["informed_one_step"]
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=2) as pool:
        sent = list(pool.map(worker, [NOW, NOW + apart]))

    if apart:  # at the very same microsecond each counts the other's rows as its own too
        assert sum(sent) == len(people)
    assert Notification.objects.count() == len(people)
    assert Message.objects.filter(kind="nudges.informed_one_step").count() == len(people)
    assert sorted(Message.objects.values_list("user_id", flat=True)) == sorted(
        p.user_id for p in people
    )


def test_a_large_send_goes_a_chunk_to_a_transaction_and_a_cut_short_run_resumes(
    tiers, place, monkeypatch
):
    from notifications import nudges

    people = one_steps(tiers, place, 10)
    switch_on("informed_one_step", channels=["email"])
    monkeypatch.setattr(nudges, "SEND_CHUNK", 4)
    calls = []

    def cut_short(**options):
        if len(calls) == 1:
            raise RuntimeError("the worker died")
        calls.append(len(options["items"]))
        return notify_many(**options)

    monkeypatch.setattr(nudges, "notify_many", cut_short)
    with pytest.raises(RuntimeError):
        nudges_evaluate(now=NOW)
    assert Notification.objects.count() == Message.objects.count() == 4  # the first chunk
    assert NudgeRule.objects.get(type="informed_one_step").checked_at is None

    monkeypatch.setattr(nudges, "notify_many", notify_many)
    assert nudges_evaluate(now=NOW + timedelta(minutes=15)) == {"informed_one_step": 6}
    assert sorted(Notification.objects.values_list("user_id", flat=True)) == sorted(
        p.user_id for p in people
    )
    assert Message.objects.count() == 10
