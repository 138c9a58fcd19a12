"""The outbox delivers each message once, to a real SMTP server on loopback: a temporary
refusal is retried with backoff, a permanent one (or the last retry) leaves the message failed
for a person to see and resend, a worker that died holding a message gives it back when its
lease ends, and a reminder that would arrive too late is not sent."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from portal.factories import UserFactory
from portal.outbox.models import Job, Message
from portal.outbox.services import (
    BACKOFF,
    File,
    message_id,
    message_queue,
    message_resend,
    messages_deliver,
    messages_prune,
)
from tests.peers.smtp import SmtpServer

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp():
    with SmtpServer() as server, override_settings(**server.settings()):
        yield server


def queue(key="test:1", **overrides):
    return message_queue(
        key=key,
        kind="test.note",
        to=overrides.pop("to", "ana.lima@example.com"),
        subject="A note",
        body="Hello Ana,\n\nAll is well.\n",
        **overrides,
    )


def test_a_message_is_queued_once_per_key_and_delivered_once(smtp):
    assert queue() is not None
    assert queue() is None  # the change ran twice: still one message
    assert Job.objects.filter(task="portal.tasks.outbox_deliver").count() == 1  # one kick
    assert messages_deliver() == 1
    assert messages_deliver() == 0
    (delivered,) = smtp.mailbox.messages
    assert delivered["To"] == "ana.lima@example.com"
    assert delivered["Message-ID"] == message_id("test:1")
    message = Message.objects.get()
    assert message.state == "sent" and message.attempts == 1 and message.sent_at is not None


def test_attachments_arrive_as_they_were_queued(smtp):
    ics = b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
    queue(files=(File("session.ics", ics, "text/calendar; method=REQUEST"),))
    messages_deliver()
    (delivered,) = smtp.mailbox.messages
    (part,) = [p for p in delivered.walk() if p.get_filename() == "session.ics"]
    assert part.get_payload(decode=True) == ics
    assert part.get_content_type() == "text/calendar"


def test_a_temporary_refusal_is_retried_after_the_backoff(smtp):
    smtp.mailbox.refuse = ["451 4.3.2 Try again later"]
    queue()
    now = timezone.now()
    assert messages_deliver(now=now) == 0
    message = Message.objects.get()
    assert message.state == "pending" and message.attempts == 1
    assert "451" in message.last_error
    assert message.next_attempt_at == now + BACKOFF[0]
    assert messages_deliver(now=now + BACKOFF[0] - timedelta(seconds=1)) == 0  # not yet
    assert messages_deliver(now=now + BACKOFF[0]) == 1
    assert len(smtp.mailbox.messages) == 1
    assert Message.objects.get().state == "sent"


def test_after_the_last_retry_the_failure_is_visible_and_can_be_resent(smtp):
    attempts = len(BACKOFF) + 1
    smtp.mailbox.refuse = ["451 4.3.2 Busy"] * attempts
    queue()
    now = timezone.now()
    for attempt in range(attempts):
        messages_deliver(now=now)
        now += BACKOFF[min(attempt, len(BACKOFF) - 1)]
    message = Message.objects.get()
    assert message.state == "failed" and message.attempts == attempts
    assert f"Attempt {attempts}" in message.last_error and "451" in message.last_error
    assert smtp.mailbox.messages == []

    assert message_resend(message=message)
    assert not message_resend(message=message)  # only a failed one
    assert messages_deliver() == 1
    assert Message.objects.get().state == "sent"
    assert len(smtp.mailbox.messages) == 1


def test_a_permanent_refusal_fails_at_once(smtp):
    smtp.mailbox.refuse = ["550 5.1.1 No such mailbox"]
    queue()
    assert messages_deliver() == 0
    message = Message.objects.get()
    assert message.state == "failed" and message.attempts == 1 and "550" in message.last_error


def test_an_unreachable_server_is_a_temporary_failure(db):
    from tests.peers import free_port

    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=free_port(),  # nothing listens there
    ):
        queue()
        assert messages_deliver() == 0
    message = Message.objects.get()
    assert message.state == "pending" and "ConnectionRefusedError" in message.last_error


def test_a_message_held_by_a_worker_that_died_goes_when_its_lease_ends(smtp, settings):
    queue()
    now = timezone.now()
    lease = timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)
    Message.objects.update(state="sending", attempts=1, claimed_until=now + lease)
    assert messages_deliver(now=now) == 0  # still held
    assert messages_deliver(now=now + lease) == 1
    assert Message.objects.get().attempts == 2
    assert len(smtp.mailbox.messages) == 1


def test_a_reminder_that_would_arrive_too_late_is_not_sent(smtp):
    now = timezone.now()
    queue(expires_at=now + timedelta(minutes=5))
    assert messages_deliver(now=now + timedelta(minutes=5)) == 0
    message = Message.objects.get()
    assert message.state == "failed" and "too late" in message.last_error
    assert smtp.mailbox.messages == []


def test_no_address_no_message(smtp):
    assert queue(to="") is None
    assert not Message.objects.exists()


def test_the_recipient_account_is_kept_for_export_and_erasure(smtp):
    user = UserFactory()
    queue(user=user, to=user.email)
    assert Message.objects.get().user == user


def test_sent_messages_are_forgotten_after_the_keeping_period(smtp, settings):
    queue(key="old")
    queue(key="new")
    queue(key="failed")
    now = timezone.now()
    messages_deliver(now=now)
    Message.objects.filter(key="failed").update(state="failed", sent_at=None)
    Message.objects.filter(key="old").update(
        sent_at=now - timedelta(days=settings.OUTBOX_KEEP_DAYS + 1)
    )
    assert messages_prune(now=now) == 1
    assert set(Message.objects.values_list("key", flat=True)) == {"new", "failed"}
