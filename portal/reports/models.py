"""Who gets the weekly adoption email, and the outbox that sends it once per person a week."""

from django.conf import settings
from django.db import models


class DigestSubscription(models.Model):
    """A person's choice about the weekly email. Leaders get it unless they said no; people
    managers and community managers only once they asked for it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_subscription"
    )
    weekly = models.BooleanField()
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"weekly digest for {self.user_id}: {'yes' if self.weekly else 'no'}"


class DigestDelivery(models.Model):
    """What is owed: one digest per person and week (the Monday it belongs to), claimed when its
    email is queued in the outbox, so a task that runs twice, or on two workers, queues it once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    week = models.DateField(help_text="The Monday of the week this digest is for.")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "week"], name="digest_once_a_week")]

    def __str__(self):
        return f"digest for {self.user_id}, week of {self.week}"


class TargetReminder(models.Model):
    """The "you are not at your target yet" emails a manager (or someone who runs the
    programme) asks for: one row per person and week, whoever asks and however often, so a
    person gets at most one such email a week. Written in the request; a Celery sweep claims each
    row (`claimed_at`) and queues its email in the outbox in one transaction, so a retry or a
    second worker never queues it twice."""

    staff = models.ForeignKey("portal.Staff", on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    week = models.DateField(help_text="The Monday (UTC) of the week this reminder belongs to.")
    created_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["staff", "week"], name="target_reminder_once_a_week")
        ]
        indexes = [models.Index(fields=["claimed_at", "created_at"], name="target_reminder_due")]

    def __str__(self):
        return f"target reminder for staff {self.staff_id}, week of {self.week}"
