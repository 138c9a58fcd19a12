"""The rules of engagement: acknowledging a version, and the tier requirement following it.

An acknowledgement is an event whose subject is the version ("v3"). When a new version is
published, every `policy_acknowledged` requirement is pointed at it and tiers are recomputed,
so people who acknowledged only an older version are asked again, and lose the tier until they do.
"""

from datetime import datetime

from portal.people.models import Staff
from portal.tiers.models import EngagementEvent, Requirement
from portal.tiers.services import engagement_record, tiers_changed

from ..models import PolicyPage


def policy_acknowledge(
    *, staff: Staff, policy: PolicyPage, now: datetime | None = None
) -> tuple[EngagementEvent, bool]:
    """Record that `staff` read and accepts the policy's published version. Idempotent."""
    subject = policy.acknowledgement_subject
    return engagement_record(
        staff=staff,
        kind="policy_acknowledged",
        subject=subject,
        source="web",
        occurred_at=now,
        metadata={"policy": policy.pk, "title": policy.title},
        idempotency_key=f"policy_acknowledged:{staff.pk}:{policy.pk}:{subject}",
    )


def policy_version_follow(*, policy: PolicyPage) -> int:
    """Point the tier requirements at the policy's current version; recompute if any moved."""
    moved = (
        Requirement.objects.filter(event_kind="policy_acknowledged")
        .exclude(subject=policy.acknowledgement_subject)
        .update(subject=policy.acknowledgement_subject)
    )
    if moved:
        tiers_changed()
    return moved
