"""Slack buttons that act in place: the signed callback runs the app's own service as the
person, and the answer that replaces the buttons goes back through the outbox."""

import json
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.utils import timezone

from notifications import links
from officehours.factories import OccurrenceFactory
from officehours.models import Booking
from portal.factories import StaffFactory, UserFactory
from portal.outbox.models import Message
from tests.peers.slack import signed_headers
from training import factories as f
from training.models import LessonCompletion

pytestmark = pytest.mark.django_db

SECRET = "test-signing-secret"


@pytest.fixture
def slack(slack_server, settings):
    settings.SLACK_SIGNING_SECRET = SECRET
    return slack_server


def press(client, slack, *, user, action_id, argument, trigger="T1"):
    value = links.action_value(
        user_id=user.pk, action_id=action_id, argument=argument, notification_key="n:1"
    )
    payload = {
        "type": "block_actions",
        "trigger_id": trigger,
        "response_url": slack.response_url(trigger),
        "actions": [{"action_id": action_id, "value": value}],
    }
    body = urlencode({"payload": json.dumps(payload)}).encode()
    headers = {
        f"HTTP_{k.upper().replace('-', '_')}": v
        for k, v in signed_headers(body, secret=SECRET).items()
    }
    return client.generic(
        "POST",
        "/notifications/slack/actions/",
        body,
        content_type="application/x-www-form-urlencoded",
        **headers,
    )


def test_book_this_session_takes_a_seat_and_answers_in_place(client, slack):
    user = UserFactory()
    starts = timezone.now() + timedelta(days=2)
    occurrence = OccurrenceFactory(starts_at=starts, ends_at=starts + timedelta(minutes=45))

    response = press(client, slack, user=user, action_id="book", argument=str(occurrence.pk))

    assert response.status_code == 200
    assert Booking.objects.get(user=user, occurrence=occurrence).status == "confirmed"
    answer = Message.objects.get(kind="notifications.slack_answer")
    assert answer.to == slack.response_url("T1")
    assert answer.payload["replace_original"] is True
    assert "Booked" in answer.payload["text"]


def test_a_refusal_is_the_answer_in_words(client, slack):
    user = UserFactory()
    starts = timezone.now() - timedelta(hours=1)  # already started
    occurrence = OccurrenceFactory(starts_at=starts, ends_at=starts + timedelta(minutes=45))
    press(client, slack, user=user, action_id="book", argument=str(occurrence.pk))
    assert not Booking.objects.exists()
    answer = Message.objects.get(kind="notifications.slack_answer")
    assert "already started" in answer.payload["text"]


def test_mark_the_lesson_done(client, slack):
    staff = StaffFactory(user=UserFactory())
    lesson = f.lesson_make(module=f.module_make(), body=[("text", "<p>Read me</p>")])
    press(client, slack, user=staff.user, action_id="lesson_done", argument=str(lesson.pk))
    assert LessonCompletion.objects.filter(staff=staff, lesson=lesson).exists()
    answer = Message.objects.get(kind="notifications.slack_answer")
    assert "complete" in answer.payload["text"]


def test_a_button_for_one_action_cannot_run_another(client, slack):
    user = UserFactory()
    value = links.action_value(
        user_id=user.pk, action_id="not_now", argument="x", notification_key="k"
    )
    payload = {
        "response_url": slack.response_url(),
        "actions": [{"action_id": "book", "value": value}],
    }
    body = urlencode({"payload": json.dumps(payload)}).encode()
    headers = {
        f"HTTP_{k.upper().replace('-', '_')}": v
        for k, v in signed_headers(body, secret=SECRET).items()
    }
    response = client.generic(
        "POST",
        "/notifications/slack/actions/",
        body,
        content_type="application/x-www-form-urlencoded",
        **headers,
    )
    assert response.status_code == 400
    assert not Message.objects.exists()
