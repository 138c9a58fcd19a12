"""The programme lifecycle: candidate -> invited -> active -> alumni, and the other ways out.

A community manager invites, defers or dismisses a candidate (with a reason, kept with the
score breakdown the decision was made on). Nobody below the programme's minimum tier (a
setting, empty by default) can be invited. The invited person accepts or declines. Accepting
records `champion_joined`, which is what the Champion tier asks for; moving to alumni records
`champion_left`. Each move is a conditional update from the states it may leave, so two
managers deciding at once cannot both win. A manager's decision is in the audit log.
"""

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from notifications.content import Action, Content
from notifications.services import Email, notify_person
from portal.audit.services import record
from portal.navigation import absolute_url
from portal.people.models import Staff
from portal.tiers.services import engagement_record

from .. import scoring
from ..models import Champion, ScoreSettings
from ..selectors import tier_held

S = Champion.Status
MOVES = {  # decision -> (states it may leave, state it leaves in)
    "invite": ((S.CANDIDATE, S.DEFERRED), S.INVITED),
    "defer": ((S.CANDIDATE,), S.DEFERRED),
    "dismiss": ((S.CANDIDATE, S.DEFERRED), S.DISMISSED),
    "accept": ((S.INVITED,), S.ACTIVE),
    "decline": ((S.INVITED,), S.DECLINED),
    "retire": ((S.ACTIVE,), S.ALUMNI),
}


class ProgrammeError(Exception):
    """A move the programme does not allow, in words. `status`: 409 when the person's state
    forbids it (decided already, below the minimum tier), 400 when the request lacks something
    (a reason)."""

    def __init__(self, message: str, *, status: int = 409):
        super().__init__(message)
        self.status = status


def champion_decide(*, staff: Staff, decision: str, by, reason: str = "") -> Champion:
    """A community manager's decision on a candidate: invite, defer, dismiss or retire."""
    if decision not in ("invite", "defer", "dismiss", "retire"):
        raise ProgrammeError("Choose invite, defer, dismiss or retire.", status=400)
    reason = reason.replace("\x00", "").strip()[:1000]
    if decision in ("defer", "dismiss") and not reason:
        raise ProgrammeError("Give a reason: it is kept with the decision.", status=400)
    settings = ScoreSettings.current()
    if decision == "invite":
        _refuse_below_minimum(staff, settings)
    signals = scoring.signals_frame(staff_ids=[staff.pk])
    row = signals.loc[staff.pk] if staff.pk in signals.index else None
    snapshot = (
        {t["signal"]: t["points"] for t in scoring.breakdown(row, settings)}
        if row is not None
        else {}
    )
    with transaction.atomic():  # the decision and what it owes (an email, an event) together
        champion = _move(
            staff,
            decision,
            by=by,
            reason=reason,
            score=sum(snapshot.values()),
            breakdown=snapshot,
        )
        record(  # the reason stays with the decision, not in the log: it is free text
            actor=by,
            action="champion.decided",
            target=staff,
            detail={"decision": decision, "status": champion.status, "score": champion.score},
        )
        if decision == "invite":
            _invitation_queue(champion)
        elif decision == "retire":
            engagement_record(
                staff=staff,
                kind="champion_left",
                source="admin",
                occurred_at=champion.ended_at,
                idempotency_key=f"champion_left:{staff.pk}:{champion.ended_at:%Y%m%d%H%M%S}",
            )
    return champion


def _refuse_below_minimum(staff: Staff, settings: ScoreSettings) -> None:
    """The minimum tier, if the programme has one: a sentence naming both tiers, or nothing."""
    minimum = settings.min_invite_tier
    if minimum is None:
        return
    held = tier_held(staff=staff)
    if held is not None and held.order >= minimum.order:
        return
    where = f"is at {held.name}" if held is not None else "has not reached a tier yet"
    raise ProgrammeError(
        f"{staff.display_name} {where}, and the programme invites people from {minimum.name} "
        f"on: they cannot be invited yet. (The minimum is under Settings, Champion programme.)"
    )


def champion_respond(*, staff: Staff, accept: bool) -> Champion:
    """The invited person's answer. Accepting makes them an active champion."""
    champion = _move(staff, "accept" if accept else "decline", by=None)
    if accept:
        engagement_record(
            staff=staff,
            kind="champion_joined",
            source="web",
            occurred_at=champion.active_since,
            idempotency_key=f"champion_joined:{staff.pk}:{champion.active_since:%Y%m%d%H%M%S}",
        )
    return champion


def champion_profile_update(*, staff: Staff, public: bool, focus_areas: str, bio: str) -> Champion:
    champion = Champion.objects.filter(staff=staff, status=S.ACTIVE).first()
    if champion is None:
        raise ProgrammeError("Only active champions have a profile.")
    champion.public_profile = public
    champion.focus_areas = focus_areas.strip()[:200]
    champion.bio = bio.strip()[:500]
    champion.save(update_fields=["public_profile", "focus_areas", "bio", "updated_at"])
    return champion


def _move(staff: Staff, decision: str, *, by, reason: str = "", **snapshot) -> Champion:
    sources, target = MOVES[decision]
    now = timezone.now()
    stamps = {
        S.INVITED: {"invited_at": now},
        S.ACTIVE: {"active_since": now},
        S.DECLINED: {"ended_at": now},
        S.DISMISSED: {"ended_at": now},
        S.ALUMNI: {"ended_at": now},
    }.get(target, {})
    with transaction.atomic():
        Champion.objects.get_or_create(staff=staff)
        changes = {"status": target, "updated_at": now, **stamps}
        if by is not None:
            changes.update(decided_by=by, reason=reason, **snapshot)
        moved = Champion.objects.filter(staff=staff, status__in=sources).update(**changes)
        champion = Champion.objects.get(staff=staff)
        if not moved:  # raised inside: a row made just now for the check is rolled back
            raise ProgrammeError(
                f"{staff.display_name} is {champion.get_status_display().lower()}: "
                f"that cannot be changed by “{decision}”."
            )
    return champion


def _invitation_queue(champion: Champion) -> None:
    """The invitation, queued with the decision (sent by the outbox's worker, not this request)."""
    from django.urls import reverse

    subject = "You are invited to be a community champion"
    notify_person(
        user=champion.staff.user,
        address=champion.staff.email,
        key=f"champions.invitation:{champion.pk}:{champion.updated_at:%Y%m%d%H%M%S%f}",
        content=Content(
            kind="champions.invitation",
            title=subject,
            text="Join the colleagues who take part in the community and help others start. "
            "See what it asks of you, and accept or decline.",
            url=reverse("champions_me"),
            actions=(Action("See the invitation", reverse("champions_me"), primary=True),),
        ),
        email=Email(
            subject=subject,
            body=render_to_string(
                "champions/email/invitation.txt",
                {"champion": champion, "url": absolute_url(reverse("champions_me"))},
            ),
        ),
    )
