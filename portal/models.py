"""The portal's models: the home page and permissions here; the directory and tiers beside."""

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

from .accounts.models import Preferences, SamlAssertion
from .audit.models import AuditEntry
from .blocks import BaseStreamBlock
from .outbox.models import Attachment, Job, Message
from .people.models import Department, DirectoryRevision, Location, Role, Staff
from .privacy.models import ErasureRequest
from .reports.models import DigestDelivery, DigestSubscription
from .rollout.models import (
    Invitation,
    PulseAnswer,
    PulseAsked,
    PulsePending,
    PulseResult,
    Wave,
    WaveMember,
    WaveRule,
)
from .tiers.models import EngagementEvent, Requirement, Tier, TierAttainment

__all__ = [
    "Access",
    "Attachment",
    "AuditEntry",
    "Department",
    "DigestDelivery",
    "DigestSubscription",
    "DirectoryRevision",
    "EngagementEvent",
    "ErasureRequest",
    "HomePage",
    "Invitation",
    "Job",
    "Location",
    "Message",
    "Preferences",
    "PulseAnswer",
    "PulseAsked",
    "PulsePending",
    "PulseResult",
    "Requirement",
    "Role",
    "SamlAssertion",
    "Staff",
    "Tier",
    "TierAttainment",
    "Wave",
    "WaveMember",
    "WaveRule",
]


class HomePage(Page):
    """The site root: a welcome, then the programme in a few steps. Later apps add panels."""

    intro = RichTextField(features=["bold", "italic", "link"], blank=True)
    body = StreamField(BaseStreamBlock(), blank=True, use_json_field=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]

    parent_page_types = ["wagtailcore.Page"]
    max_count = 1


class Access(models.Model):
    """Holds the portal's permissions so groups can be granted them; it stores no rows."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("view_reports", "Can view adoption and champion reports"),
            ("run_programme", "Can run the advocacy programme"),
        ]

    def __str__(self):
        return "Portal access"
