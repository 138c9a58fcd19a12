"""What sign-in keeps in the database of its own."""

from django.conf import settings
from django.db import models


class SamlAssertion(models.Model):
    """A SAML assertion the portal has accepted, kept until it expires so that the same
    assertion posted again (a replay) is refused. The unique id makes that a database fact."""

    assertion_id = models.CharField(max_length=256, unique=True)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self):
        return self.assertion_id


class Preferences(models.Model):
    """A person's own settings: the time zone every time is shown to them in (pages, emails)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="preferences",
    )
    time_zone = models.CharField(max_length=64)

    class Meta:
        verbose_name_plural = "preferences"

    def __str__(self):
        return f"{self.user} ({self.time_zone})"
