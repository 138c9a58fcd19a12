"""Tiers and their requirements, the engagement event log, and tier attainment periods.

A member of staff is at tier N when the requirements of tiers 1..N all hold. A requirement is
typed data (event kind, optional subject, minimum count, optional rolling window), never code,
so it can be evaluated set-wise. Events are the single source of truth; attainments are derived
from them and can always be rebuilt (`tier_attainments_recompute`).
"""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel

from . import events


class Tier(ClusterableModel):
    order = models.PositiveSmallIntegerField(
        unique=True, help_text="1 is the first tier everyone starts towards; higher is deeper."
    )
    name = models.CharField(max_length=60, unique=True)
    description = models.TextField(
        blank=True, help_text="One or two sentences for staff: what this tier means for them."
    )

    panels = [
        FieldPanel("order"),
        FieldPanel("name"),
        FieldPanel("description"),
        InlinePanel("requirements", label="Requirements", min_num=1),
    ]

    class Meta:
        ordering = ["order"]

    def __str__(self):
        return f"{self.order}. {self.name}"


class Requirement(models.Model):
    """One condition of a tier: at least `min_count` events of a kind, optionally recent.

    All requirements of a tier must hold, except that requirements sharing an "either/or" group
    number are alternatives: one of them is enough. An event of the `ended_by` kind ends it:
    from then on only later events count (leaving the champion programme ends having joined
    it; joining again holds it again).
    """

    tier = ParentalKey(Tier, on_delete=models.CASCADE, related_name="requirements")
    event_kind = models.CharField(
        max_length=64, choices=events.kind_choices, help_text="What the person has to do."
    )
    subject = models.CharField(
        max_length=200, blank=True, help_text="Only events about this subject count. Empty: any."
    )
    min_count = models.PositiveIntegerField(default=1, validators=[MinValueValidator(1)])
    window_days = models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="Only events in this many past days count, so the tier can lapse. Empty: ever.",
    )
    distinct_subjects = models.BooleanField(
        "count different subjects",
        default=False,
        help_text="Count each subject once (five different FAQ entries, not one entry five "
        "times). Needs the subject left empty.",
    )
    either_group = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Requirements of a tier with the same number here are alternatives.",
    )
    ended_by = models.CharField(
        "ended by",
        max_length=64,
        blank=True,
        choices=events.kind_choices,
        help_text="An event of this kind ends the requirement: afterwards only later events "
        "count (leaving the champion programme ends having joined it). Empty: nothing ends it.",
    )

    panels = [
        FieldPanel("event_kind"),
        FieldPanel("subject"),
        FieldPanel("min_count"),
        FieldPanel("distinct_subjects"),
        FieldPanel("window_days"),
        FieldPanel("ended_by"),
        FieldPanel("either_group"),
    ]

    class Meta:
        ordering = ["tier__order", "either_group", "pk"]

    def __str__(self):
        return self.describe(with_subject=True)

    def clean(self):
        super().clean()
        if self.distinct_subjects and self.subject:
            raise ValidationError(
                {
                    "distinct_subjects": "Counting different subjects needs the subject left "
                    "empty: with one subject there is only one to count."
                }
            )
        if self.ended_by and self.ended_by == self.event_kind:
            raise ValidationError(
                {
                    "ended_by": "A requirement cannot be ended by the events it counts: choose "
                    "another kind, or leave it empty."
                }
            )

    def describe(self, *, with_subject: bool = False) -> str:
        """The requirement in plain words, e.g. "Read 5 FAQ entries in the last 90 days".

        A subject is an internal key (a policy version, a video's id): staff read the kind's
        words without it; the admin (`with_subject`) shows it in brackets."""
        kind = events.registry.get(self.event_kind)
        text = kind.describe(self.min_count) if kind else f"{self.event_kind} x{self.min_count}"
        if self.subject and with_subject:
            text += f" ({self.subject})"
        if self.distinct_subjects and self.min_count > 1:
            text += ", each a different one"
        if self.window_days:
            text += f" in the last {self.window_days} days"
        if self.ended_by and with_subject:
            ending = events.registry.get(self.ended_by)
            text += f", until: {ending.label if ending else self.ended_by}"
        return text


class EngagementEvent(models.Model):
    """Something a person did. Append-only: never updated, never deleted by the portal."""

    staff = models.ForeignKey("portal.Staff", on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=64)
    subject = models.CharField(max_length=200, blank=True)
    occurred_at = models.DateTimeField()
    recorded_at = models.DateTimeField(auto_now_add=True)
    source = models.CharField(max_length=32)
    metadata = models.JSONField(default=dict, blank=True)
    idempotency_key = models.CharField(max_length=200, unique=True)

    class Meta:
        indexes = [
            # Every requirement's query seeks this index; with the subject at the end it also
            # answers "different subjects" without reading the table.
            models.Index(
                fields=["kind", "staff", "occurred_at", "subject"],
                name="event_kind_staff_time_subj",
            ),
            models.Index(fields=["staff", "occurred_at"], name="event_staff_time"),
        ]

    def __str__(self):
        return f"{self.kind} by staff {self.staff_id} at {self.occurred_at:%Y-%m-%d %H:%M}"


class TierAttainment(models.Model):
    """A period during which a person held a tier: from `reached_at` until `lapsed_at`.

    `lapsed_at` is empty while nothing can take the tier away. A time in the future means the
    tier lapses then unless the person renews it (a rolling window runs out).
    """

    staff = models.ForeignKey("portal.Staff", on_delete=models.CASCADE, related_name="attainments")
    tier = models.ForeignKey(Tier, on_delete=models.CASCADE, related_name="attainments")
    reached_at = models.DateTimeField()
    lapsed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["staff", "tier__order", "reached_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["staff", "tier", "reached_at"], name="attainment_unique_start"
            ),
            models.CheckConstraint(
                condition=models.Q(lapsed_at__isnull=True)
                | models.Q(lapsed_at__gt=models.F("reached_at")),
                name="attainment_lapses_after_reached",
            ),
        ]
        indexes = [models.Index(fields=["tier", "reached_at"], name="attainment_tier_time")]

    def __str__(self):
        return f"{self.staff_id} at {self.tier_id} from {self.reached_at:%Y-%m-%d}"
