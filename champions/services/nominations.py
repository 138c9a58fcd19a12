"""Nominations: anyone puts a colleague (or themselves) forward, with a reason.

One nomination per person nominated: a second nominator adds their reason to it, and nominating
the same person again replaces your own reason. Both are unique constraints, so two people
nominating at the same moment still make one nomination. The person's manager (or a community
manager) can endorse it.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone

from portal.people.models import Staff

from ..models import Nomination, NominationReason


class NominationError(Exception):
    """A nomination that cannot be made, in words."""


def nomination_create(*, nominator: Staff, nominee: Staff, reason: str) -> Nomination:
    reason = reason.strip()
    if not reason:
        raise NominationError("Say in a sentence or two why they would make a good champion.")
    if len(reason) > 1000:
        raise NominationError("Keep the reason under 1,000 characters.")
    if not nominee.active:
        raise NominationError(f"{nominee.display_name} is no longer in the staff directory.")
    now = timezone.now()
    with transaction.atomic():
        nomination = _nomination_for(nominee, now)
        NominationReason.objects.update_or_create(
            nomination=nomination,
            nominator=nominator,
            defaults={"reason": reason, "created_at": now},
        )
    return nomination


def _nomination_for(nominee: Staff, now) -> Nomination:
    try:
        with transaction.atomic():
            return Nomination.objects.get_or_create(nominee=nominee, defaults={"created_at": now})[
                0
            ]
    except IntegrityError:  # another nominator created it a moment ago
        return Nomination.objects.get(nominee=nominee)


def nomination_endorse(*, nomination: Nomination, endorser: Staff, allowed: bool) -> Nomination:
    """`allowed`: the caller ran the programme; otherwise only the nominee's manager may."""
    if not allowed and nomination.nominee.manager_id != endorser.pk:
        raise NominationError("Only their manager or a community manager can endorse this.")
    Nomination.objects.filter(pk=nomination.pk, endorsed_at__isnull=True).update(
        endorsed_by=endorser, endorsed_at=timezone.now()
    )
    nomination.refresh_from_db()
    return nomination
