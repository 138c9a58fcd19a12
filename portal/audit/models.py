"""The audit log's one table. See the package's docstring for why it holds ids, not names."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone


class AuditEntry(models.Model):
    """One thing someone did that the organisation must be able to account for.

    `actor` is the account that did it (empty: the portal itself, or the identity provider at
    sign-in). It is a plain column, not a foreign key the database enforces: deleting an
    account must neither delete its entries nor rewrite them (an UPDATE the trigger refuses),
    so an entry keeps the id of an account that is gone.
    """

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    action = models.CharField(max_length=60, db_index=True)
    # What it was done to: a model ("portal.tier" and its id), or a thing with only a label
    # ("adoption report"). A person (staff or account) is only ever an id here.
    target_type = models.CharField(max_length=60, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_label = models.CharField(max_length=200, blank=True)
    detail = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)

    # Wagtail's reference index would add queries to every entry written, and has nothing to
    # say about the log ("where is this account used?" is not a question it answers).
    wagtail_reference_index_ignore = True

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_target")]
        # Only "view": no add, change or delete permission exists to be granted to anyone.
        default_permissions = ("view",)
        verbose_name = "audit log entry"
        verbose_name_plural = "audit log entries"

    def __str__(self):
        return f"{self.action} by {self.actor_id or 'the portal'} at {self.at:%Y-%m-%d %H:%M}"
