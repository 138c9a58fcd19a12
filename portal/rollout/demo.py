"""Demo rollout: a pilot that started months ago, a second wave under way, a third scheduled
and open to volunteers (two of them waitlisted), the invitations that went, and pulse answers.

Idempotent like the rest of `seed_demo`: waves are found by name, members and invitations are
unique, and pulse answers are added only once.
"""

import random
from contextlib import suppress
from datetime import datetime, time, timedelta

from django.utils import timezone

from ..people.models import Staff
from ..people.services import directory_revise
from .models import Invitation, PulseAsked, Wave, WaveMember, WaveRule
from .pulse import pulse_answer
from .services import RolloutError

SPONSOR = "Jordan Reyes"
HELP = [
    "More real examples of good answers from colleagues.",
    "A checklist for when to hand a thread over to support.",
    "Time blocked in my week for it.",
    "Knowing which topics customers ask about most.",
    "A champion in my team to ask.",
]
CUSTOMER_FACING = ("Sales", "Customer Success", "Support")


def demo_rollout_ensure(*, people: list[Staff], rng: random.Random) -> None:
    now = timezone.now()
    today = timezone.localdate(now)
    pilot = _wave(
        "Pilot",
        starts_on=today - timedelta(days=120),
        started_at=now - timedelta(days=120),
        size_limit=100,
        message="We start small, with people who already help customers in the community. "
        "Tell us what works and what doesn't: the next waves depend on you.",
    )
    second = _wave(
        "Wave 2: customer-facing teams",
        starts_on=today - timedelta(days=21),
        started_at=now - timedelta(days=21),
        message="The pilot showed that customers get answers sooner when we take part. "
        "Now it's the turn of everyone who meets customers.",
    )
    third = _wave(
        "Wave 3: everyone",
        starts_on=today + timedelta(days=28),
        started_at=None,
        size_limit=6,
        open_to_volunteers=True,
        message="Everyone, at the depth their role needs.",
    )
    if not WaveRule.objects.filter(wave=second).exists():
        for name in CUSTOMER_FACING:
            department = next(
                (p.department for p in people if p.department and p.department.name == name), None
            )
            if department is not None:
                WaveRule.objects.create(wave=second, department=department)
        WaveRule.objects.create(wave=third)  # everyone, once it starts

    active = [p for p in people if p.active]
    by_name = sorted(active, key=lambda p: p.employee_id)
    accounts = [p for p in by_name if p.user_id][:5]
    others = [p for p in by_name if p not in accounts]
    pilot_people = accounts + rng.sample(others, min(20, len(others)))
    _members(pilot, pilot_people[:5], WaveMember.Source.SUGGESTED)
    _members(pilot, pilot_people[5:], WaveMember.Source.VOLUNTEER)
    # One wave a person: the customer-facing wave takes those the pilot did not.
    facing = [
        p
        for p in by_name
        if p.department and p.department.name in CUSTOMER_FACING and p not in pilot_people
    ]
    _members(second, facing, WaveMember.Source.RULE)
    rest = [p for p in by_name if p not in pilot_people and p not in facing]
    volunteers = rng.sample(rest, min(8, len(rest)))
    _members(third, volunteers[:6], WaveMember.Source.VOLUNTEER)
    _members(third, volunteers[6:], WaveMember.Source.VOLUNTEER, WaveMember.Status.WAITLISTED)

    for wave in (pilot, second):
        Invitation.objects.bulk_create(
            [
                Invitation(wave=wave, staff_id=pk, sent_at=wave.started_at)
                for pk in wave.members.filter(status="member").values_list("staff_id", flat=True)
            ],
            ignore_conflicts=True,
        )
    if not PulseAsked.objects.exists():
        _pulse(pilot, second, rng, today)
    directory_revise()


def _wave(name, *, starts_on, started_at, message, size_limit=None, open_to_volunteers=False):
    wave, _ = Wave.objects.get_or_create(
        name=name,
        defaults={
            "starts_on": starts_on,
            "started_at": started_at,
            "size_limit": size_limit,
            "open_to_volunteers": open_to_volunteers,
            "sponsor_name": SPONSOR,
            "sponsor_message": message,
        },
    )
    return wave


def _members(wave, people, source, status=WaveMember.Status.MEMBER):
    WaveMember.objects.bulk_create(
        [WaveMember(wave=wave, staff=p, source=source, status=status) for p in people],
        ignore_conflicts=True,
    )


def _pulse(pilot, second, rng, today):
    """Answers from 26 invited people, through the service, in the order of their days, so
    they are batched as the form's would be: the groups that reached 5 answers in a quarter
    are published, the others wait."""
    answers = []
    for wave, count in ((pilot, 14), (second, 12)):
        for member in wave.members.filter(status="member").select_related("staff")[:count]:
            day = today - timedelta(days=rng.randint(1, 60))
            confidence = (
                rng.choice([2, 3, 3, 4, 4, 4, 5]) if wave == second else rng.choice([3, 4, 4, 5, 5])
            )
            text = rng.choice(HELP) if rng.random() < 0.6 else ""
            answers.append((day, member.staff, confidence, text))
    for day, staff, confidence, text in sorted(answers, key=lambda a: (a[0], a[1].pk)):
        when = timezone.make_aware(datetime.combine(day, time(12)))
        with suppress(RolloutError):  # someone in both waves answers once
            pulse_answer(staff=staff, confidence=confidence, what_would_help=text, now=when)
