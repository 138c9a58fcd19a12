"""The outbox: every message the portal sends, and every task it asks a worker for.

A `Message` is written in the same transaction as the change that owes it, then delivered by
a worker (never inside a web request) with retries and backoff; its `key` is unique, so a
change retried, a sweep run twice or two workers at once queue it once. A `Job` is a Celery
task waiting to be published: written with the change, published after the commit, and
published again by the relay if the broker was down at that moment.
"""

from django.conf import settings
from django.db import models


class Message(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    class Channel(models.TextChoices):
        EMAIL = "email", "Email"
        SLACK = "slack", "Slack"
        TEAMS = "teams", "Microsoft Teams"

    key = models.CharField(
        max_length=200, unique=True, help_text="What owes this message: the same key is sent once."
    )
    kind = models.CharField(max_length=60, help_text="What sort of message, e.g. 'officehours.1h'.")
    channel = models.CharField(max_length=20, choices=Channel.choices, default=Channel.EMAIL)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The recipient's account, when they have one.",
    )
    to = models.CharField(
        "recipient", max_length=254, help_text="An email address, or 'channel' for a team channel."
    )
    subject = models.CharField(max_length=300)
    body = models.TextField()
    headers = models.JSONField(default=dict, blank=True)
    payload = models.JSONField(
        default=dict, blank=True, help_text="A chat message as its channel takes it (Slack, Teams)."
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(help_text="Not sent before this moment.")
    expires_at = models.DateTimeField(
        null=True, blank=True, help_text="Not worth sending after this moment (a reminder)."
    )
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="outbox_due")]
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.subject} to {self.to}"


class Attachment(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=120)
    content = models.BinaryField()

    def __str__(self):
        return self.filename


class Job(models.Model):
    """A Celery task asked for by a committed change and not yet handed to the broker."""

    task = models.CharField(max_length=200)
    kwargs = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    def __str__(self):
        return self.task
