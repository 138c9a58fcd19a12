"""Writes for the rollout: filling waves, volunteering, moving someone, starting a wave,
invitations (pulse answers: `pulse`).

A person is in one wave at a time: rules, lists, suggestions and volunteering add only people
in no wave, and say how many they left where they were; `wave_member_move` is the one way to
change someone's wave on purpose (never out of a wave that has started). Every write to
membership first locks the waves' rows, in id order, so two community managers filling two
waves at once cannot both take the same person. And nobody is invited twice: a wave's
invitations leave out people invited with another wave.

Every change to who is in a wave, or to when a wave started, changes who counts in the
adoption reports, so each one renews the directory revision the reports check.
"""

import logging
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from notifications.content import Action, Content
from notifications.services import Email, notify_person

from ..accounts.links import sign_in_url_for
from ..outbox.dispatch import dispatch
from ..people.importing.reading import Unreadable, decode
from ..people.models import Staff
from ..people.services import directory_revise
from .models import Invitation, Wave, WaveMember, WaveRule
from .selectors import wave_invitees

logger = logging.getLogger(__name__)
M = WaveMember.Status


class RolloutError(Exception):
    """Something a person asked for that cannot be done, in words they can act on. `field`
    names the answer to change, if one is at fault."""

    def __init__(self, message: str, *, field: str = ""):
        super().__init__(message)
        self.field = field


def quarter_of(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


# Defining and filling a wave


RULES_MAX = 3
RULE_FIELDS = ("department", "role", "location")
EVERYONE = (None, None, None)
# What a community manager edits; `started_at` belongs to `wave_start` and `created_at` to the
# row's birth, so a form loaded before someone started the wave cannot un-start it.
WAVE_EDITABLE = (
    "name",
    "starts_on",
    "size_limit",
    "open_to_volunteers",
    "sponsor_name",
    "sponsor_message",
)


def wave_save(*, wave: Wave, rules: list[dict]) -> Wave:
    """Save `wave` (new or edited) and replace its rules, together, so a failure never leaves
    a wave half-written. Each rule is a dict of department/role/location (objects, ids or
    None). A rule with nothing chosen takes in everyone, so it must be the wave's only rule
    (beside others it is a row someone emptied, not a plan). Refused in words (`RolloutError`,
    field "rules"): that, two rules alike, more than `RULES_MAX`. Every way of saving a wave
    comes through here; `started_at` is never written here (only `wave_start` starts a wave)."""
    wanted = _rules_checked(rules)
    with transaction.atomic():
        wave.rules = [
            WaveRule(**{f"{name}_id": value for name, value in zip(RULE_FIELDS, key, strict=True)})
            for key in wanted
        ]
        if wave._state.adding:
            wave.started_at = None  # only `wave_start` starts a wave
            wave.save()
        else:
            wave.save(update_fields=[*WAVE_EDITABLE, "rules"])
    return wave


def _rules_checked(rules: list[dict]) -> list[tuple]:
    keys = []
    for rule in rules:
        key = tuple(getattr(rule.get(name), "pk", rule.get(name)) for name in RULE_FIELDS)
        if key in keys:
            raise RolloutError("Two rules are the same: keep one of them.", field="rules")
        keys.append(key)
    if len(keys) > RULES_MAX:
        raise RolloutError(f"A wave has at most {RULES_MAX} rules.", field="rules")
    if len(keys) > 1 and EVERYONE in keys:
        raise RolloutError(
            "A rule with nothing chosen takes in everyone, so it can only be a wave's one rule: "
            "choose a department, role or location in it, or delete it.",
            field="rules",
        )
    return keys


@dataclass
class AddResult:
    """What adding people did: how many joined, how many were in this wave already, and how
    many were in another wave and were left there (with up to `NAMED` of them, named)."""

    added: int = 0
    already: int = 0
    elsewhere: int = 0
    elsewhere_named: list[tuple[str, str]] = field(default_factory=list)  # (person, wave)


NAMED = 10


def wave_members_add_by_rules(*, wave: Wave) -> AddResult:
    """Add everyone active who matches one of the wave's rules and is in no wave yet."""
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
class ListResult(AddResult):
    errors: list[str] = field(default_factory=list)


def wave_members_add_from_list(*, wave: Wave, data: bytes) -> ListResult:
    """Add the people of an uploaded list: one work email or employee id per line (a header
    line, blank lines and anything after a comma are ignored). All or nothing: one unknown
    person and nobody is added, each problem named with its line number. People in another
    wave are left there, and named."""
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
    added = _members_add(wave, ids, WaveMember.Source.LIST)
    result.added, result.already = added.added, added.already
    result.elsewhere, result.elsewhere_named = added.elsewhere, added.elsewhere_named
    return result


def wave_member_add(
    *, wave: Wave, staff: Staff, source: str = WaveMember.Source.SUGGESTED
) -> AddResult:
    """Add one person (a suggested first mover, in one click), unless they are in a wave."""
    return _members_add(wave, [staff.pk], source)


def wave_member_move(*, staff: Staff, to: Wave) -> WaveMember:
    """Move `staff` into `to` on purpose, from the wave they are in (or add them, if in none).
    Refused for a wave that has started: its invitation went, and the reports count them
    from that day."""
    with transaction.atomic():
        _membership_lock()
        current = WaveMember.objects.filter(staff=staff).select_related("wave").first()
        if current is not None and current.wave_id == to.pk:
            raise RolloutError(f"{staff.display_name} is in “{to.name}” already.")
        if current is not None and current.wave.started_at is not None:
            raise RolloutError(
                f"{staff.display_name} was invited with “{current.wave.name}”, which started "
                f"on {timezone.localdate(current.wave.started_at):%-d %B %Y}: people are not "
                "moved out of a wave that has started."
            )
        WaveMember.objects.filter(staff=staff).delete()
        member = WaveMember.objects.create(wave=to, staff=staff, source=WaveMember.Source.LIST)
        directory_revise()
        if to.started_at is not None:
            _invitations_queue(to)
    return member


def _membership_lock() -> None:
    """Serialise writes to membership: lock every wave's row, in id order (there are a few)."""
    list(Wave.objects.select_for_update().order_by("pk").values_list("pk", flat=True))


def _members_add(wave: Wave, ids: list[int], source: str) -> AddResult:
    with transaction.atomic():
        _membership_lock()
        here = set(wave.members.filter(staff_id__in=ids).values_list("staff_id", flat=True))
        elsewhere = (
            WaveMember.objects.filter(staff_id__in=ids)
            .exclude(wave=wave)
            .exclude(staff_id__in=here)
            .order_by("staff__display_name", "staff_id")
            .values_list("staff_id", "staff__display_name", "wave__name")
        )
        away: dict[int, tuple[str, str]] = {}
        for staff_id, name, wave_name in elsewhere:
            away.setdefault(staff_id, (name, wave_name))
        new = [pk for pk in ids if pk not in here and pk not in away]
        WaveMember.objects.bulk_create(
            [WaveMember(wave=wave, staff_id=pk, source=source) for pk in new],
            ignore_conflicts=True,
        )
        if new:
            directory_revise()
            if wave.started_at is not None:
                _invitations_queue(wave)  # joining a wave already under way: invited too
    return AddResult(
        added=len(new),
        already=len(here),
        elsewhere=len(away),
        elsewhere_named=list(away.values())[:NAMED],
    )


# Volunteering


def wave_open() -> Wave | None:
    """The wave volunteers join: the earliest one open to them."""
    return Wave.objects.filter(open_to_volunteers=True).order_by("starts_on", "pk").first()


def wave_volunteer(*, staff: Staff) -> WaveMember:
    """Put `staff` in the open wave: a member while it has room, then waitlisted. Asking again
    changes nothing; someone in another wave is refused, with the day it starts (a wave's
    name is the community managers' label, not shown to staff). The waves' rows are locked
    while counting, so two volunteers at once cannot both take the last place."""
    with transaction.atomic():
        _membership_lock()
        wave = Wave.objects.filter(open_to_volunteers=True).order_by("starts_on", "pk").first()
        if wave is None:
            raise RolloutError("No wave is open to volunteers at the moment.")
        existing = WaveMember.objects.filter(staff=staff).select_related("wave").first()
        if existing is not None and existing.wave_id == wave.pk:
            return existing
        if existing is not None:
            raise RolloutError(already_in_a_wave(existing.wave))
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


def already_in_a_wave(wave: Wave) -> str:
    """What someone already in `wave` reads when they try to join another, without its name."""
    if wave.started_at is not None:
        when = f"started on {timezone.localdate(wave.started_at):%-d %B %Y}"
    else:
        when = f"starts on {wave.starts_on:%-d %B %Y}"
    return f"You're already part of the rollout, in a group that {when}: there is nothing to join."


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
    before = wave.invitations.count()
    Invitation.objects.bulk_create(
        [Invitation(wave=wave, staff_id=pk) for pk in wave_invitees(wave=wave)],
        ignore_conflicts=True,
    )
    from ..tasks import rollout_invitations_send  # the task module imports the services

    dispatch(rollout_invitations_send, wave_id=wave.pk)
    return wave.invitations.count() - before


def invitations_send(*, wave_id: int, now: datetime | None = None) -> int:
    """Hand the wave's invitations that have not gone to the outbox: each claimed and queued in
    one transaction, so a task run twice (or on two workers, or killed half-way) queues one per
    person. How many were queued."""
    now = now or timezone.now()
    wave = Wave.objects.filter(pk=wave_id).first()
    if wave is None:
        return 0
    queued = 0
    pending = wave.invitations.filter(sent_at__isnull=True).select_related("staff__user")
    for invitation in pending:
        with transaction.atomic():
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
            subject = "You're invited: our customer community"  # the wave's name is ours
            text = (
                "You are invited to take part in our customer community, together with a "
                "group of colleagues, at the depth your role needs."
            )
            if wave.sponsor_message:
                sponsor = f" – {wave.sponsor_name}" if wave.sponsor_name else ""
                text += f"\n\n{wave.sponsor_message}{sponsor}"
            notify_person(
                user=invitation.staff.user,
                address=invitation.staff.email,
                key=f"rollout.invitation:{invitation.pk}",
                content=Content(
                    kind="rollout.invitation",
                    title=subject,
                    text=text,
                    url=reverse("my_path"),
                    actions=(Action("See your path", reverse("my_path"), primary=True),),
                ),
                email=Email(
                    subject=subject,
                    body=render_to_string("rollout/email/invitation.txt", context),
                ),
                now=now,
            )
            queued += 1
    logger.info("Wave %s: %s invitations queued", wave_id, queued)
    return queued
