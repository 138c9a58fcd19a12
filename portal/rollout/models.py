"""Rollout waves, who is in each, the invitations they get, and anonymous pulse answers.

A person is *invited* once a wave they belong to has started; until then the programme has
not reached them, and adoption shares leave them out. Membership comes from rules
(department, role, location), an uploaded list, volunteering, or a suggestion a community
manager accepted. A person is in one wave at a time (`services`: whatever adds people leaves
those in another wave where they are; moving someone is a deliberate act). Rows from before
that rule may put someone in two waves: the earliest started one counts, and they are invited
once.
"""

import uuid

from django.core.validators import MinValueValidator
from django.db import models
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel


class Wave(ClusterableModel):
    """A cluster with its rules, so the admin edits both on one form (an inline panel); they
    are saved together by `services.wave_save` only."""

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

    wave = ParentalKey(Wave, on_delete=models.CASCADE, related_name="rules")
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
    """One per person and wave, claimed when its email is queued in the outbox."""

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
    """That a person was shown the pulse check in a quarter (answered or "Not now"): at most
    once a quarter. It holds no answer and no time beyond the quarter; answers are stored
    apart, batched and shuffled (`pulse`), so nothing orders them against these rows."""

    staff = models.ForeignKey("portal.Staff", on_delete=models.CASCADE, related_name="+")
    quarter = models.CharField(max_length=7, help_text="e.g. 2026-Q4")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["staff", "quarter"], name="pulse_once_a_quarter")
        ]

    def __str__(self):
        return f"pulse asked of {self.staff_id} in {self.quarter}"


class PulsePending(models.Model):
    """The answers waiting for their batch, as one sealed value (`sealing`): their groups,
    their quarter and what they said, in no order. One row; rewritten whole, under its lock,
    by each answer. Someone reading the database sees it change, never what was added."""

    sealed = models.BinaryField(default=b"")

    def __str__(self):
        return "pulse answers waiting"


class PulseAnswer(models.Model):
    """A released answer, with no link to the person who gave it, nor to their groups: a random
    id, the quarter, the answer. Written in shuffled batches of at least `REPORT_MIN_GROUP`
    (`pulse`), so neither the ids nor the order on disk follow the order people answered."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    quarter = models.CharField(max_length=7)
    confidence = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="How confident they are talking about the community with customers, 1 to 5.",
    )
    what_would_help = models.TextField(blank=True, max_length=1000)

    def __str__(self):
        return f"pulse answer ({self.quarter})"


class PulseResult(models.Model):
    """The published result of one group (a wave or a department; 0: none) in one quarter: it
    changes only by a batch of at least `REPORT_MIN_GROUP` new answers of that group."""

    class Grouping(models.TextChoices):
        WAVE = "wave", "Wave"
        DEPARTMENT = "department", "Department"

    grouping = models.CharField(max_length=10, choices=Grouping.choices)
    group_id = models.PositiveIntegerField(help_text="The wave's or department's id; 0: none.")
    quarter = models.CharField(max_length=7)
    answers = models.PositiveIntegerField(default=0)
    rated = models.PositiveIntegerField(default=0, help_text="Answers that gave a confidence.")
    confidence_sum = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["grouping", "group_id", "quarter"], name="pulse_result_once"
            )
        ]

    def __str__(self):
        return f"pulse result of {self.grouping} {self.group_id} in {self.quarter}"
