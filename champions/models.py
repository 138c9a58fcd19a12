"""The champion programme: community activity coming in, nominations, the score's weights, and
each person's way through the programme (candidate -> invited -> active -> alumni).

Community activity becomes engagement events (`community_contributed`, `community_liked`); the
champion score is computed from the event log and nominations (`champions.scoring`), never
stored as the truth: a review snapshot keeps the breakdown a decision was made on.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

from portal.people.models import Staff


class CommunityAccount(models.Model):
    """A person's community (Discourse) username, to match activity that carries no email."""

    staff = models.OneToOneField(Staff, on_delete=models.CASCADE, related_name="community_account")
    username = models.CharField(max_length=60, unique=True)  # stored lower-case

    def __str__(self):
        return self.username


class WebhookDelivery(models.Model):
    """Each Discourse delivery once. The event id is unique, so a retry records nothing."""

    event_id = models.CharField(max_length=100, unique=True)
    event_type = models.CharField(max_length=64)
    received_at = models.DateTimeField(auto_now_add=True)
    outcome = models.CharField(max_length=16)  # recorded, unmatched, ignored

    def __str__(self):
        return f"delivery {self.event_id}: {self.outcome}"


class UnmatchedActivity(models.Model):
    """Community activity by someone we could not match to staff, waiting for a person to look."""

    source_id = models.CharField(max_length=120, unique=True)  # discourse:<id> or csv:<id>
    action = models.CharField(max_length=16)  # post, reply, like, solution
    occurred_at = models.DateTimeField()
    email = models.CharField(max_length=254, blank=True)
    username = models.CharField(max_length=60, blank=True)
    url = models.URLField(max_length=500, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    staff = models.ForeignKey(
        Staff, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name_plural = "unmatched activity"
        indexes = [models.Index(fields=["resolved_at", "received_at"], name="unmatched_open")]

    def __str__(self):
        return f"{self.action} by {self.username or self.email or 'unknown'}"

    @property
    def state(self) -> str:
        """Waiting, assigned (to `staff`) or dismissed, in words."""
        if self.resolved_at is None:
            return "Waiting"
        return "Assigned" if self.staff_id else "Dismissed"


class Nomination(models.Model):
    """Everyone who put a colleague forward, merged: one nomination per person nominated."""

    nominee = models.OneToOneField(Staff, on_delete=models.CASCADE, related_name="nomination")
    created_at = models.DateTimeField()
    endorsed_by = models.ForeignKey(
        Staff, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    endorsed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"nomination of staff {self.nominee_id}"


class NominationReason(models.Model):
    """One nominator's reason. A second nomination by the same person replaces their reason."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="reasons")
    nominator = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="+")
    reason = models.TextField(max_length=1000)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["nomination", "nominator"], name="nomination_reason_once"
            )
        ]

    def __str__(self):
        return f"reason by staff {self.nominator_id}"


@register_setting(icon="cog")
class ScoreSettings(BaseGenericSetting):
    """The programme's one row of settings: the weights of the champion score, where the review
    queue starts, the coverage target, and the lowest tier someone must hold to be invited.

    A Wagtail generic setting (Settings > Champion programme), so there is exactly one, made
    the first time it is read; community managers may change it (`change_scoresettings`)."""

    tier = models.FloatField("per tier reached", default=2.0)
    training = models.FloatField("per module completed", default=1.0)
    attended = models.FloatField("per office hour attended", default=1.0)
    hosted = models.FloatField("per office hour hosted", default=3.0)
    contributions = models.FloatField("per community post or reply (last 90 days)", default=0.5)
    solutions = models.FloatField("per accepted solution", default=2.0)
    nominations = models.FloatField("per colleague who nominated them", default=4.0)
    brought_along = models.FloatField("per colleague they nominated", default=1.0)
    threshold = models.FloatField(
        "review from score",
        default=20.0,
        help_text="People scoring at least this land in the review queue.",
    )
    top_percent = models.FloatField(
        "or the top percent",
        default=2.0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="People in this top share of scores land there too (0 to turn it off).",
    )
    staff_per_champion = models.PositiveIntegerField(
        default=50,
        validators=[MinValueValidator(1)],
        help_text="The coverage target: one active champion per this many staff.",
    )
    min_invite_tier = models.ForeignKey(
        "portal.Tier",
        verbose_name="minimum tier to be invited",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Nobody below this tier can be invited to the programme. Empty: no minimum.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    panels = [
        MultiFieldPanel(
            [
                FieldPanel(name)
                for name in (
                    "tier",
                    "training",
                    "attended",
                    "hosted",
                    "contributions",
                    "solutions",
                    "nominations",
                    "brought_along",
                )
            ],
            heading="Weights: points per piece of evidence",
        ),
        MultiFieldPanel(
            [FieldPanel("threshold"), FieldPanel("top_percent")], heading="Review queue"
        ),
        FieldPanel("min_invite_tier"),
        FieldPanel("staff_per_champion"),
    ]

    class Meta:
        verbose_name = "champion programme"
        verbose_name_plural = "champion programme settings"

    def __str__(self):
        return "Champion programme settings"

    @classmethod
    def current(cls) -> "ScoreSettings":
        """The one row (made, with the defaults, the first time it is read)."""
        return cls.load()


class Champion(models.Model):
    """A person's way through the programme. Decisions keep who made them, when and why."""

    class Status(models.TextChoices):
        CANDIDATE = "candidate", "Candidate"
        INVITED = "invited", "Invited"
        ACTIVE = "active", "Active"
        ALUMNI = "alumni", "Alumni"
        DEFERRED = "deferred", "Deferred"
        DISMISSED = "dismissed", "Dismissed"
        DECLINED = "declined", "Declined"

    staff = models.OneToOneField(Staff, on_delete=models.CASCADE, related_name="champion")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.CANDIDATE)
    score = models.FloatField(default=0)  # at the last decision
    breakdown = models.JSONField(default=dict, blank=True)  # signal -> points, at that decision
    reason = models.TextField(blank=True, max_length=1000)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    invited_at = models.DateTimeField(null=True, blank=True)
    active_since = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)  # declined, dismissed or alumni
    updated_at = models.DateTimeField(auto_now=True)
    public_profile = models.BooleanField(default=False)
    focus_areas = models.CharField(max_length=200, blank=True)
    bio = models.TextField(max_length=500, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status"], name="champion_status")]

    def __str__(self):
        return f"staff {self.staff_id}: {self.status}"
