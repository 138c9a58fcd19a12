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
    """The outbox: one row per person and week (the Monday it belongs to), claimed before the
    email goes, so a task that runs twice, or on two workers at once, sends it once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    week = models.DateField(help_text="The Monday of the week this digest is for.")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "week"], name="digest_once_a_week")]

    def __str__(self):
        return f"digest for {self.user_id}, week of {self.week}"
