"""A nudge whose subject is news for everyone (a wave's start, an FAQ entry) may also be posted
once in the community channel: Teams through the Workflows webhook, Slack to SLACK_CHANNEL
(issue 23: "to a channel"). Delivered to the loopback Teams and Slack peers."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse

from notifications.models import NudgeRule
from notifications.nudges import nudges_evaluate
from portal.outbox.models import Message
from portal.outbox.services import messages_deliver
from portal.rollout.models import WaveMember
from tests.notifications.nudging import NOW, person, switch_on

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_frames")]

CHANNEL = "C0COMMUNITY"


@pytest.fixture
def channels(slack_server, teams_peer, settings):
    slack_server.channels.add(CHANNEL)
    settings.SLACK_CHANNEL = CHANNEL
    return slack_server, teams_peer


def _posts():
    return Message.objects.filter(key__contains=":announce:").order_by("channel")


def test_a_wave_start_is_posted_once_to_each_channel_for_everyone(channels, waves, place):
    slack, teams = channels
    people, wave = waves
    switch_on("wave_started", announce=True)

    nudges_evaluate(now=NOW)

    assert [(m.channel, m.to) for m in _posts()] == [("slack", CHANNEL), ("teams", "channel")]
    messages_deliver()
    assert all(m.state == "sent" for m in _posts())
    [card] = [a.body["attachments"][0]["content"] for a in teams.of("webhook")]
    words = json.dumps(card)
    assert "Hi everyone, our community programme starts" in words
    assert "I am glad you are in." in words and "Rita Chief" in words
    assert "/notifications/go/" not in words  # nobody's own tracked link
    [posted] = [m for m in slack.messages if m["channel"] == CHANNEL]
    assert "Hi everyone" in json.dumps(posted["blocks"])

    # a newcomer to the same wave gets the nudge; the channel hears of the wave once
    late = person(place, people["member"].role)
    member = WaveMember.objects.create(wave=wave, staff=late, source="list", status="member")
    WaveMember.objects.filter(pk=member.pk).update(added_at=NOW + timedelta(minutes=5))
    sent = nudges_evaluate(now=NOW + timedelta(minutes=15))
    assert sent["wave_started"] == 1
    assert _posts().count() == 2


def test_without_the_switch_nothing_is_posted_to_a_channel(channels, waves):
    switch_on("wave_started")
    assert nudges_evaluate(now=NOW)["wave_started"] == 1
    assert not _posts().exists()


def test_only_connected_channels_are_posted_to(teams_peer, waves, settings):
    settings.TEAMS_WEBHOOK_URL = ""
    switch_on("wave_started", announce=True)
    nudges_evaluate(now=NOW)
    assert not _posts().exists()  # no webhook, no Slack channel: nowhere to post


def test_the_switch_is_offered_only_for_news_for_everyone(client, community_manager):
    client.force_login(community_manager)
    switch_on("wave_started")
    for key, offered in (("wave_started", True), ("faq_new_for_role", True)):
        rule = NudgeRule.objects.get(type=key)
        page = client.get(reverse("notifications_nudges:edit", args=[rule.pk])).content.decode()
        assert ('name="announce"' in page) is offered, key
    for key in ("informed_one_step", "team_passed_25"):
        rule = NudgeRule.objects.get(type=key)
        page = client.get(reverse("notifications_nudges:edit", args=[rule.pk])).content.decode()
        assert 'name="announce"' not in page, key
