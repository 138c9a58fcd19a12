"""Queueing and delivering the portal's messages (email today; the notification channels
build on the same rows).

`message_queue` is called inside the transaction of the change that owes the message and only
writes rows. `messages_deliver` runs in a worker: it claims one due row at a time (a lease, so
a worker killed mid-send gives the row back when the lease ends), sends it, and records the
outcome. A failure the server calls temporary (4xx, a dropped connection) is retried with
backoff; a permanent one (5xx), or the last attempt, leaves the message failed for a community
manager to see and resend. Each message carries a Message-ID made from its key, so the rare
resend after a crash between the server's acceptance and our record is recognisably the same
message to the mail system.
"""

import hashlib
import logging
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from .dispatch import dispatch
from .models import Attachment, Job, Message

logger = logging.getLogger(__name__)

BACKOFF = [timedelta(minutes=m) for m in (1, 5, 15, 60, 180)]  # after attempts 1, 2, ...


@dataclass(frozen=True)
class File:
    filename: str
    content: bytes
    content_type: str


def message_queue(
    *,
    key: str,
    kind: str,
    to: str,
    subject: str,
    body: str = "",
    user=None,
    files: tuple[File, ...] = (),
    expires_at: datetime | None = None,
    channel: str = Message.Channel.EMAIL,
    payload: dict | None = None,
    headers: dict | None = None,
    not_before: datetime | None = None,
) -> Message | None:
    """Owe `to` this message, once per `key`; sent by a worker after the commit, not before
    `not_before` (quiet hours). An email has a subject and body; a chat message (Slack, Teams)
    the `payload` its channel's renderer made. None if the key was queued before (the change
    ran twice) or there is no address."""
    if not to:
        return None
    if Message.objects.filter(key=key).exists():
        return None
    try:
        with transaction.atomic():
            message = Message.objects.create(
                key=key,
                kind=kind,
                channel=channel,
                to=to,
                subject=subject[:300],
                body=body,
                payload=payload or {},
                headers=headers or {},
                user=user,
                next_attempt_at=not_before or timezone.now(),
                expires_at=expires_at,
            )
            Attachment.objects.bulk_create(
                Attachment(
                    message=message,
                    filename=f.filename,
                    content=f.content,
                    content_type=f.content_type,
                )
                for f in files
            )
    except IntegrityError:  # queued by a concurrent run of the same change
        return None
    deliver_soon()
    return message


def deliver_soon() -> None:
    """Ask a worker to deliver what is due, after the commit (the beat sweep would within a
    minute). Once per transaction however many messages it queues: a job already waiting
    will deliver them all."""
    from portal.tasks import outbox_deliver

    if not Job.objects.filter(task=outbox_deliver.name).exists():
        dispatch(outbox_deliver)


def messages_deliver(*, limit: int = 200, now: datetime | None = None) -> int:
    """Send up to `limit` due messages, one claimed at a time. How many were sent."""
    connection = get_connection()
    sent = 0
    try:
        for _ in range(limit):
            moment = now or timezone.now()
            message = _claim(moment)
            if message is None:
                break
            sent += _deliver(message, connection, moment)
    finally:
        connection.close()
    return sent


def message_resend(*, message: Message) -> bool:
    """A failed message goes again, with fresh attempts. False if it was not failed."""
    resent = Message.objects.filter(pk=message.pk, state=Message.State.FAILED).update(
        state=Message.State.PENDING,
        attempts=0,
        next_attempt_at=timezone.now(),
        expires_at=None,
        last_error="",
    )
    if resent:
        deliver_soon()
    return bool(resent)


def _claim(now: datetime) -> Message | None:
    lease = timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)
    due = Q(state=Message.State.PENDING, next_attempt_at__lte=now) | Q(  # new, or retry's time
        state=Message.State.SENDING,
        claimed_until__lte=now,  # a worker died holding it
    )
    with transaction.atomic():
        message = (
            Message.objects.select_for_update(skip_locked=True)
            .filter(due)
            .order_by("next_attempt_at", "pk")
            .first()
        )
        if message is None:
            return None
        message.state = Message.State.SENDING
        message.attempts += 1
        message.claimed_until = now + lease
        message.save(update_fields=["state", "attempts", "claimed_until"])
    return message


def _deliver(message: Message, connection, now: datetime) -> int:
    if message.expires_at and message.expires_at <= now:
        _finish(message, state=Message.State.FAILED, error="Not sent: it would arrive too late.")
        return 0
    try:
        if message.channel == Message.Channel.EMAIL:
            _email(message, connection).send()
        else:
            channel_send(message)
    except Exception as error:  # noqa: BLE001 - every failure is recorded on the row
        _failed(message, error, now)
        return 0
    _finish(message, state=Message.State.SENT, sent_at=now)
    return 1


def channel_send(message: Message) -> None:
    """A chat message goes by its channel's sender (notifications.channels)."""
    from notifications.channels import sender_of

    sender_of(message.channel)(to=message.to, payload=message.payload)


def _email(message: Message, connection) -> EmailMessage:
    email = EmailMessage(
        subject=message.subject,
        body=message.body,
        to=[message.to],
        headers={"Message-ID": message_id(message.key), **message.headers},
        connection=connection,
    )
    for attachment in message.attachments.all():
        email.attach(attachment.filename, bytes(attachment.content), attachment.content_type)
    return email


def message_id(key: str) -> str:
    """The same Message-ID for every attempt at the same message."""
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{key}".encode()).hexdigest()[:32]
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(" >") or "localhost"
    return f"<{digest}@{domain}>"


def _failed(message: Message, error: Exception, now: datetime) -> None:
    from notifications.channels import errors

    permanent = isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        permanent = bool(codes) and all(code >= 500 for code in codes)
    permanent = permanent or isinstance(error, errors.Permanent)
    text = f"Attempt {message.attempts}: {type(error).__name__}: {error}"[:2000]
    if permanent or message.attempts > len(BACKOFF):
        logger.error("Message %s failed for good: %s", message.pk, text)
        _finish(message, state=Message.State.FAILED, error=text)
        if isinstance(error, errors.NotFound):
            from notifications.services import fallback_to_email

            fallback_to_email(message)
        return
    logger.warning("Message %s not sent, retried later: %s", message.pk, text)
    Message.objects.filter(pk=message.pk).update(
        state=Message.State.PENDING,
        next_attempt_at=now + BACKOFF[message.attempts - 1],
        claimed_until=None,
        last_error=text,
    )


def _finish(message: Message, *, state: str, error: str = "", sent_at=None) -> None:
    Message.objects.filter(pk=message.pk).update(
        state=state, claimed_until=None, last_error=error, sent_at=sent_at
    )


def messages_prune(*, now: datetime | None = None) -> int:
    """Forget sent messages after `OUTBOX_KEEP_DAYS`: their bodies hold links meant for one
    person (sign-in, password reset) and personal details, kept no longer than they help
    someone find out what went where. Failed ones stay until resent or pruned by hand."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.OUTBOX_KEEP_DAYS)
    deleted, _ = Message.objects.filter(state=Message.State.SENT, sent_at__lt=cutoff).delete()
    return deleted
