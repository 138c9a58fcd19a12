"""Nominations: anyone puts a colleague (or themselves) forward, with a reason.

One nomination per person nominated: a second nominator adds their reason to it. Nominating
the same person again records nothing and says so, with when you did and where it stands:
(nomination, nominator) is unique, so a double click or two tabs still make one reason. Both
are database constraints, so two people nominating at the same moment still make one
nomination. The person's manager (or a community manager) can endorse it.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format

from portal.people.models import Staff

from ..models import Nomination, NominationReason
from ..selectors import nomination_stage


class NominationError(Exception):
    """A nomination that cannot be made, in words. `field` names the input to fix, if any."""

    def __init__(self, message: str, *, field: str = ""):
        super().__init__(message)
        self.field = field


class NominationAlreadyMade(NominationError):
    """You nominated this person before. Nothing new is recorded; `reason` is what you sent."""

    def __init__(self, *, reason: NominationReason, nominee: Staff, yourself: bool):
        self.reason = reason
        self.stage = nomination_stage(nominee)
        who = "yourself" if yourself else nominee.display_name
        when = date_format(timezone.localtime(reason.created_at), "j F Y")
        super().__init__(
            f"You already nominated {who} on {when}, so nothing new was recorded: your reason "
            f"from then stands. Where it stands: {self.stage.label}. {self.stage.next}"
        )


def nomination_create(*, nominator: Staff, nominee: Staff, reason: str) -> Nomination:
    """Record `nominator`'s reason for `nominee`. Raises `NominationAlreadyMade` (recording
    nothing) if they nominated this person before, `NominationError` for what to fix."""
    if not nominee.active:
        raise NominationError(
            f"{nominee.display_name} is no longer in the staff directory.", field="nominee"
        )
    _refuse_if_already(nominator, nominee)
    reason = reason.replace("\x00", "").strip()  # PostgreSQL cannot store NUL in text
    if not reason:
        raise NominationError(
            "Say in a sentence or two why they would make a good champion.", field="reason"
        )
    if len(reason) > 1000:
        raise NominationError("Keep the reason under 1,000 characters.", field="reason")
    now = timezone.now()
    try:
        with transaction.atomic():
            nomination = _nomination_for(nominee, now)
            NominationReason.objects.create(
                nomination=nomination, nominator=nominator, reason=reason, created_at=now
            )
    except IntegrityError:  # the same person's other tab, a moment ago
        _refuse_if_already(nominator, nominee)
        raise
    return nomination


def _refuse_if_already(nominator: Staff, nominee: Staff) -> None:
    earlier = NominationReason.objects.filter(
        nomination__nominee=nominee, nominator=nominator
    ).first()
    if earlier is not None:
        raise NominationAlreadyMade(
            reason=earlier, nominee=nominee, yourself=nominator.pk == nominee.pk
        )


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
