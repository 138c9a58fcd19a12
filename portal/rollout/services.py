"""Writes for the rollout: filling waves, volunteering, starting a wave, invitations, pulses.

Every change to who is in a wave, or to when a wave started, changes who counts in the
adoption reports, so each one renews the directory revision the reports check.
"""

import logging
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.template.loader import render_to_string
from django.utils import timezone

from ..accounts.links import sign_in_url_for
from ..people.importing.reading import Unreadable, decode
from ..people.models import Staff
from ..people.services import directory_revise
from .models import Invitation, PulseAnswer, PulseAsked, Wave, WaveMember, WaveRule

logger = logging.getLogger(__name__)
M = WaveMember.Status


class RolloutError(Exception):
    """Something a person asked for that cannot be done, in words they can act on."""


def quarter_of(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


# Defining and filling a wave


def wave_save(*, wave: Wave, rules: list[dict]) -> Wave:
    """Save `wave` (new or edited) and replace its rules (department/role/location ids or
    objects per rule), together, so a failure never leaves a wave half-written."""
    with transaction.atomic():
        wave.save()
        wave.rules.all().delete()
        WaveRule.objects.bulk_create([WaveRule(wave=wave, **rule) for rule in rules])
    return wave


def wave_members_add_by_rules(*, wave: Wave) -> int:
    """Add everyone active who matches one of the wave's rules. Returns how many were new."""
    matching = Q(pk__in=[])
    for rule in wave.rules.all():
        condition = Q()
        for name in ("department", "role", "location"):
            if getattr(rule, f"{name}_id") is not None:
                condition &= Q(**{f"{name}_id": getattr(rule, f"{name}_id")})
        matching |= condition
    ids = Staff.objects.filter(matching, active=True).values_list("pk", flat=True)
    return _members_add(wave, list(ids), WaveMember.Source.RULE)


@dataclass
class ListResult:
    added: int = 0
    already: int = 0
    errors: list[str] = field(default_factory=list)


def wave_members_add_from_list(*, wave: Wave, data: bytes) -> ListResult:
    """Add the people of an uploaded list: one work email or employee id per line (a header
    line, blank lines and anything after a comma are ignored). All or nothing: one unknown
    person and nobody is added, each problem named with its line number."""
    result = ListResult()
    try:
        text = decode(data)
    except Unreadable as problem:
        result.errors.append(str(problem))
        return result
    wanted: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        value = line.split(",")[0].split(";")[0].strip().strip('"')
        if value and value.lower() not in ("email", "employee_id", "work email"):
            wanted.setdefault(value.lower(), number)
    if not wanted:
        result.errors.append("The list is empty: put one work email or employee id per line.")
        return result
    found = {}
    keys = list(wanted)
    for staff in (
        Staff.objects.filter(active=True)
        .annotate(email_key=Lower("email"), id_key=Lower("employee_id"))
        .filter(Q(email_key__in=keys) | Q(id_key__in=keys))
    ):
        found[staff.email.lower()] = staff.pk
        found[staff.employee_id.lower()] = staff.pk
    for value, number in wanted.items():
        if value not in found:
            result.errors.append(
                f"Line {number}: nobody active in the directory is “{value[:80]}”."
            )
    if result.errors:
        return result
    ids = sorted({found[value] for value in wanted})
    result.added = _members_add(wave, ids, WaveMember.Source.LIST)
    result.already = len(ids) - result.added
    return result


def wave_member_add(*, wave: Wave, staff: Staff, source: str = WaveMember.Source.SUGGESTED) -> bool:
    """Add one person (a suggested first mover, in one click). False if already in it."""
    return _members_add(wave, [staff.pk], source) == 1


def _members_add(wave: Wave, ids: list[int], source: str) -> int:
    with transaction.atomic():
        before = wave.members.count()
        WaveMember.objects.bulk_create(
            [WaveMember(wave=wave, staff_id=pk, source=source) for pk in ids],
            ignore_conflicts=True,
        )
        added = wave.members.count() - before
        if added:
            directory_revise()
            if wave.started_at is not None:
                _invitations_queue(wave)  # joining a wave already under way: invited too
    return added


# Volunteering


def wave_open() -> Wave | None:
    """The wave volunteers join: the earliest one open to them."""
    return Wave.objects.filter(open_to_volunteers=True).order_by("starts_on", "pk").first()


def wave_volunteer(*, staff: Staff) -> WaveMember:
    """Put `staff` in the open wave: a member while it has room, then waitlisted. Asking again
    changes nothing. The wave's row is locked while counting, so two volunteers at once
    cannot both take the last place."""
    with transaction.atomic():
        wave = (
            Wave.objects.select_for_update()
            .filter(open_to_volunteers=True)
            .order_by("starts_on", "pk")
            .first()
        )
        if wave is None:
            raise RolloutError("No wave is open to volunteers at the moment.")
        existing = WaveMember.objects.filter(wave=wave, staff=staff).first()
        if existing is not None:
            return existing
        members = wave.members.filter(status=M.MEMBER).count()
        full = wave.size_limit is not None and members >= wave.size_limit
        member = WaveMember.objects.create(
            wave=wave,
            staff=staff,
            source=WaveMember.Source.VOLUNTEER,
            status=M.WAITLISTED if full else M.MEMBER,
        )
        if not full:
            directory_revise()
            if wave.started_at is not None:
                _invitations_queue(wave)
    return member


# Starting a wave and inviting its members


def wave_start(*, wave: Wave, now: datetime | None = None) -> int:
    """Start `wave`: from now its members count in adoption, and each gets an invitation
    (sent in the background, once). Returns how many invitations were queued."""
    now = now or timezone.now()
    with transaction.atomic():
        started = Wave.objects.filter(pk=wave.pk, started_at__isnull=True).update(started_at=now)
        if not started:
            raise RolloutError(f"“{wave.name}” has already started.")
        wave.started_at = now
        directory_revise()
        return _invitations_queue(wave)


def _invitations_queue(wave: Wave) -> int:
    members = wave.members.filter(status=M.MEMBER, staff__active=True)
    before = wave.invitations.count()
    Invitation.objects.bulk_create(
        [Invitation(wave=wave, staff_id=pk) for pk in members.values_list("staff_id", flat=True)],
        ignore_conflicts=True,
    )
    from ..tasks import rollout_invitations_send  # the task module imports the services

    transaction.on_commit(lambda: rollout_invitations_send.delay(wave.pk))
    return wave.invitations.count() - before


def invitations_send(*, wave_id: int, now: datetime | None = None) -> int:
    """Send the wave's invitations that have not gone: each claimed by a conditional update
    before its email, so a task run twice (or on two workers) sends one per person."""
    now = now or timezone.now()
    wave = Wave.objects.filter(pk=wave_id).first()
    if wave is None:
        return 0
    sent = 0
    pending = wave.invitations.filter(sent_at__isnull=True).select_related("staff__user")
    for invitation in pending:
        claimed = Invitation.objects.filter(pk=invitation.pk, sent_at__isnull=True).update(
            sent_at=now
        )
        if not claimed or not invitation.staff.email:
            continue
        context = {
            "staff": invitation.staff,
            "wave": wave,
            "url": sign_in_url_for(invitation.staff),
        }
        send_mail(
            subject=f"You're invited: {wave.name}",
            message=render_to_string("rollout/email/invitation.txt", context),
            from_email=None,
            recipient_list=[invitation.staff.email],
        )
        sent += 1
    logger.info("Wave %s: %s invitations sent", wave_id, sent)
    return sent


# Pulse checks


def pulse_answer(
    *, staff: Staff, confidence: int | None, what_would_help: str, now: datetime | None = None
) -> PulseAnswer:
    """Record an answer without the person: the groups it is reported by (their wave and
    department), the quarter, and the answer. Once a quarter per person."""
    now = now or timezone.now()
    if confidence is not None and not 1 <= confidence <= 5:
        raise RolloutError("Choose how confident you are, from 1 to 5.")
    text = what_would_help.strip()[:1000]
    if confidence is None and not text:
        raise RolloutError("Answer at least one question, or choose “Not now”.")
    quarter = quarter_of(timezone.localdate(now))
    membership = (
        WaveMember.objects.filter(staff=staff, status=M.MEMBER, wave__started_at__isnull=False)
        .order_by("wave__started_at")
        .first()
    )
    try:
        with transaction.atomic():
            PulseAsked.objects.create(staff=staff, quarter=quarter)
            return PulseAnswer.objects.create(
                wave_id=membership.wave_id if membership else None,
                department_id=staff.department_id,
                quarter=quarter,
                confidence=confidence,
                what_would_help=text,
                answered_on=timezone.localdate(now),
            )
    except IntegrityError:
        raise RolloutError("You have already answered this quarter's pulse check.") from None


def pulse_skip(*, staff: Staff, now: datetime | None = None) -> None:
    """“Not now”: not asked again this quarter."""
    quarter = quarter_of(timezone.localdate(now or timezone.now()))
    PulseAsked.objects.get_or_create(staff=staff, quarter=quarter)
