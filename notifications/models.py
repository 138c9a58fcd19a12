"""Notifications: the inbox row every notification leaves, and what each person chose.

A `Notification` is written by `services.notify` in the transaction of the change that owes
it, once per `key`; the messages it goes out as (email, Slack, Teams) are outbox rows
(`portal.outbox`), keyed from it. Community managers set each kind's default channels
(`KindDefault`); a person overrides them per kind (`Choice`: no channels is unsubscribed) and
sets quiet hours and the daily digest (`Settings`).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    key = models.CharField(max_length=200, unique=True, help_text="What owes it: sent once.")
    kind = models.CharField(max_length=60)
    title = models.CharField(max_length=300)
    text = models.TextField()
    path = models.CharField(max_length=500, blank=True, help_text="Where it leads on this site.")
    facts = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    digest_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Held for the person's daily digest, due at this moment (until it is sent).",
    )
    nudge = models.CharField(max_length=60, blank=True, help_text="The nudge that sent it.")
    subject = models.CharField(max_length=100, blank=True, help_text="What a nudge was about.")

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "read_at"], name="notification_unread"),
            models.Index(fields=["digest_at"], name="notification_digest_due"),
            models.Index(fields=["nudge", "created_at"], name="notification_nudge"),
        ]

    def __str__(self):
        return self.title


class Click(models.Model):
    """Someone followed a notification's link (a signed address, so it is theirs)."""

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="clicks")
    channel = models.CharField(max_length=10)
    at = models.DateTimeField()

    def __str__(self):
        return f"{self.notification_id} by {self.channel}"


class KindDefault(models.Model):
    """A community manager's default for one kind: its channels, and (for a nudge) whether it
    is on at all."""

    kind = models.CharField(max_length=60, unique=True)
    channels = models.JSONField(default=list)

    def __str__(self):
        return self.kind


class Choice(models.Model):
    """A person's own channels for one kind; none means they unsubscribed from it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=60)
    channels = models.JSONField(default=list)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_choice_once")
        ]

    def __str__(self):
        return f"{self.user_id}: {self.kind}"


class Settings(models.Model):
    """A person's quiet hours (in their own time zone) and whether the messages that can wait
    come once a day, bundled."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="notification_settings",
    )
    quiet_from = models.TimeField(null=True, blank=True)
    quiet_until = models.TimeField(null=True, blank=True)
    daily_digest = models.BooleanField(default=False)
    digest_time = models.TimeField(default="08:30")

    class Meta:
        verbose_name_plural = "notification settings"

    def __str__(self):
        return str(self.user_id)


def _nudge_types() -> list[tuple[str, str]]:
    from .nudges import type_choices  # the registry imports these models

    return type_choices()


class NudgeRule(models.Model):
    """A nudge as community managers set it (`notifications.nudges`): on or off, its words, at
    most how often one person gets it. Who gets it, and when, is the nudge type's code."""

    type = models.CharField(max_length=40, unique=True, choices=_nudge_types)
    enabled = models.BooleanField(
        "on", default=False, help_text="Off: nobody gets this nudge. Every nudge starts off."
    )
    title = models.CharField(
        max_length=200,
        help_text="One line: the email's subject, the chat message's heading. Words in braces "
        "are filled in for each person; the ones this nudge knows are listed below.",
    )
    text = models.TextField(
        help_text="A few sentences; a blank line starts a paragraph. Braces as in the title: "
        "{first_name} is the person's first name, the others are listed below."
    )
    every_days = models.PositiveSmallIntegerField(
        "at most every (days)",
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text="One person gets this nudge at most once in this many days.",
    )
    channels = models.JSONField(
        default=list,
        blank=True,
        help_text="The channels people take this nudge by unless they chose their own. None "
        "ticked: the default for every kind of message.",
    )
    announce = models.BooleanField(
        "also post in the community channel",
        default=False,
        help_text="Once for each new subject (a wave that started, an FAQ entry), the same words "
        "addressed to everyone, in the Teams channel of TEAMS_WEBHOOK_URL and the Slack channel "
        "of SLACK_CHANNEL, where the portal is connected to them.",
    )
    checked_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When it was last evaluated."
    )

    class Meta:
        ordering = ["type"]
        verbose_name = "nudge"

    def __str__(self):
        return self.get_type_display()
