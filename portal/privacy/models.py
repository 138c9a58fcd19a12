"""Requests to erase a person's data, and what became of them."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class ErasureRequest(models.Model):
    """One request to erase a person: asked by them or a community manager, approved (or
    refused) by a superuser, then carried out by a worker.

    It keeps links to the person's rows, which are pseudonymous once it is done, and never their
    name or any words about them: the check after the erasure would find them here. `leftovers`
    lists the columns (table, column, rows) where that check still found an identifier.
    """

    class State(models.TextChoices):
        REQUESTED = "requested", "Waiting for approval"
        APPROVED = "approved", "Approved, being carried out"
        REFUSED = "refused", "Refused"
        DONE = "done", "Erased"

    staff = models.ForeignKey(
        "portal.Staff", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The person's account, when they have one.",
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.REQUESTED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    leftovers = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(staff__isnull=False) | Q(user__isnull=False),
                name="erasure_names_someone",
            ),
            # One open request per person: asking twice changes nothing.
            models.UniqueConstraint(
                fields=["staff"],
                condition=Q(state__in=["requested", "approved"]),
                name="erasure_open_once_per_staff",
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(state__in=["requested", "approved"]),
                name="erasure_open_once_per_user",
            ),
        ]

    def __str__(self):
        return f"erasure request {self.pk} ({self.state})"
