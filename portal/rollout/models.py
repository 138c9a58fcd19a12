"""Rollout waves, who is in each, the invitations they get, and anonymous pulse answers.

A person is *invited* once a wave they belong to has started; until then the programme has
not reached them, and adoption shares leave them out. Membership comes from rules
(department, role, location), an uploaded list, volunteering, or a suggestion a community
manager accepted; a person may be in several waves, and the earliest started one counts.
"""

from django.core.validators import MinValueValidator
from django.db import models


class Wave(models.Model):
    name = models.CharField(max_length=120, unique=True)
    starts_on = models.DateField(help_text="When this wave is planned to start.")
    size_limit = models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="Volunteers beyond this many members are waitlisted. Empty: no limit.",
    )
    open_to_volunteers = models.BooleanField(
        default=False, help_text="Staff can join this wave from the “Join the pilot” page."
    )
    sponsor_name = models.CharField(max_length=200, blank=True)
    sponsor_message = models.TextField(
        blank=True,
        help_text="A few sentences from the leader sponsoring this wave, for the invitation.",
    )
    started_at = models.DateTimeField(
        null=True, blank=True, help_text="When it was started and its invitations sent."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_on", "pk"]

    def __str__(self):
        return self.name


class WaveRule(models.Model):
    """Everyone matching every field set here is in the wave (empty fields match anyone)."""

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="rules")
    department = models.ForeignKey(
        "portal.Department", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    role = models.ForeignKey(
        "portal.Role", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    location = models.ForeignKey(
        "portal.Location", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    def __str__(self):
        parts = [str(p) for p in (self.department, self.role, self.location) if p is not None]
        return " · ".join(parts) or "everyone"


class WaveMember(models.Model):
    class Source(models.TextChoices):
        RULE = "rule", "By rule"
        LIST = "list", "From a list"
        VOLUNTEER = "volunteer", "Volunteered"
        SUGGESTED = "suggested", "Suggested first mover"

    class Status(models.TextChoices):
        MEMBER = "member", "Member"
        WAITLISTED = "waitlisted", "Waitlisted"

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="members")
    staff = models.ForeignKey("portal.Staff", on_delete=models.CASCADE, related_name="waves")
    source = models.CharField(max_length=12, choices=Source.choices)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.MEMBER)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["wave", "staff"], name="wave_member_once")]

    def __str__(self):
        return f"{self.staff_id} in {self.wave_id} ({self.status})"


class Invitation(models.Model):
    """The outbox: one per person and wave, claimed before the email goes."""

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="invitations")
    staff = models.ForeignKey("portal.Staff", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["wave", "staff"], name="invitation_once_per_wave")
        ]

    def __str__(self):
        return f"invitation of {self.staff_id} to {self.wave_id}"


class PulseAsked(models.Model):
    """That a person was shown the pulse check in a quarter (answered or not): at most once a
    quarter. It holds no answer, so answers cannot be traced back to anyone."""

    staff = models.ForeignKey("portal.Staff", on_delete=models.CASCADE, related_name="+")
    quarter = models.CharField(max_length=7, help_text="e.g. 2026-Q4")
    asked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["staff", "quarter"], name="pulse_once_a_quarter")
        ]

    def __str__(self):
        return f"pulse asked of {self.staff_id} in {self.quarter}"


class PulseAnswer(models.Model):
    """An answer, with the groups it is reported by and no link to the person who gave it."""

    wave = models.ForeignKey(
        Wave, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    department = models.ForeignKey(
        "portal.Department", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    quarter = models.CharField(max_length=7)
    confidence = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="How confident they are talking about the community with customers, 1 to 5.",
    )
    what_would_help = models.TextField(blank=True, max_length=1000)
    answered_on = models.DateField()

    def __str__(self):
        return f"pulse answer {self.pk} ({self.quarter})"
