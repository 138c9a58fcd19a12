"""Reads for the rollout: when each person was invited, each wave's funnel, pulse results."""

from datetime import date, datetime

from django.db.models import Avg, Count, Exists, F, Min, OuterRef, Q
from django.utils import timezone

from ..reports.tables import (
    COUNT,
    MIN_GROUP,
    PERCENT,
    SUPPRESSED,
    TEXT,
    Column,
    Table,
    count,
    share,
)
from ..tiers.selectors import attainments_held
from .models import Invitation, PulseAnswer, Wave, WaveMember

M = WaveMember.Status


def rollout_started() -> bool:
    """Whether the programme is rolled out in waves at all (then only invited people count)."""
    return Wave.objects.exists()


def invited_on(*, staff) -> tuple[bool, date | None]:
    """Whether the programme is rolled out in waves, and the day `staff` was invited (their
    first started wave; None while not yet): one query, for one person's due dates."""
    found = Wave.objects.aggregate(
        waves=Count("pk"),
        first=Min(
            "started_at",
            filter=Q(members__staff=staff, members__status=M.MEMBER, started_at__isnull=False),
        ),
    )
    first = found["first"]
    return found["waves"] > 0, timezone.localdate(first) if first else None


def invited_at() -> dict[int, tuple[datetime, int]]:
    """Each invited person's first started wave: when it started, and which it is (one query
    over the started memberships, earliest first)."""
    first: dict[int, tuple[datetime, int]] = {}
    memberships = (
        WaveMember.objects.filter(status=M.MEMBER, wave__started_at__isnull=False)
        .order_by("wave__started_at", "wave_id")
        .values_list("staff_id", "wave__started_at", "wave_id")
    )
    for staff_id, started_at, wave_id in memberships:
        first.setdefault(staff_id, (started_at, wave_id))
    return first


STEPS = (
    ("members", "Members"),
    ("invited", "Invited"),
    ("signed_in", "Signed in since"),
    ("aware", "Aware"),
    ("at_target", "At their target tier"),
)


def wave_counts(
    *, people=None, wave: Wave | None = None, now: datetime | None = None
) -> list[dict]:
    """Per wave (or one), its active members among `people` (everyone by default) at each step:
    invited (the email went), signed in since the wave started, Aware, at their role's target
    tier. One grouped query."""
    now = now or timezone.now()
    held = attainments_held(at=now)
    members = WaveMember.objects.filter(status=M.MEMBER, staff__active=True)
    if people is not None:
        members = members.filter(staff__in=people)
    if wave is not None:
        members = members.filter(wave=wave)
    invited = Invitation.objects.filter(
        wave=OuterRef("wave"), staff=OuterRef("staff"), sent_at__isnull=False
    )
    aware = held.filter(staff=OuterRef("staff"), tier__order=1)
    at_target = held.filter(staff=OuterRef("staff"), tier=OuterRef("staff__role__target_tier"))
    return list(
        members.values("wave_id", "wave__name", "wave__started_at", "wave__starts_on")
        .annotate(
            members=Count("pk"),
            invited=Count("pk", filter=Exists(invited)),
            signed_in=Count("pk", filter=Q(staff__user__last_login__gte=F("wave__started_at"))),
            aware=Count("pk", filter=Exists(aware)),
            at_target=Count("pk", filter=Exists(at_target)),
        )
        .order_by("wave__starts_on", "wave_id")
    )


def wave_funnel(*, wave: Wave, now: datetime | None = None) -> Table:
    """Invited -> signed in -> Aware -> at target, for one wave; suppressed under 5 members."""
    found = wave_counts(wave=wave, now=now)
    counts = found[0] if found else dict.fromkeys(key for key, _ in STEPS) | {"members": 0}
    n = counts["members"]
    return Table(
        key=f"wave_{wave.pk}",
        title=wave.name,
        columns=[
            Column("Step", TEXT),
            Column("People", COUNT),
            Column("Share of members", PERCENT),
        ],
        rows=[
            [label, count(counts[key] or 0, n), share(counts[key] or 0, n)] for key, label in STEPS
        ],
        summary=f"{wave.name}: from invitation to the tier each person's role asks.",
    )


def pulse_results(*, by: str, since_quarter: str = "") -> Table:
    """Average confidence and answers per wave or department, suppressed under 5 answers."""
    column = "wave__name" if by == "wave" else "department__name"
    answers = PulseAnswer.objects.all()
    if since_quarter:
        answers = answers.filter(quarter__gte=since_quarter)
    rows = []
    for row in (
        answers.values(column)
        .annotate(answers=Count("pk"), rated=Count("confidence"), confidence=Avg("confidence"))
        .order_by(column)
    ):
        n = row["answers"]
        rows.append(
            [
                row[column] or ("No wave" if by == "wave" else "No department"),
                count(n, n),
                count(row["rated"], n),
                SUPPRESSED
                if n < MIN_GROUP
                else (f"{row['confidence']:.1f}" if row["confidence"] is not None else None),
            ]
        )
    return Table(
        key=f"pulse_by_{by}",
        title=f"Pulse checks by {by}",
        columns=[
            Column("Wave" if by == "wave" else "Department", TEXT),
            Column("Answers", COUNT),
            Column("Rated their confidence", COUNT),
            Column("Average confidence (1 to 5)", TEXT),
        ],
        rows=rows,
        summary="How confident people feel talking about the community with customers.",
        note="Answers are stored without the person who gave them; groups with fewer than 5 "
        "answers are not shown.",
    )


def pulse_comments(*, since_quarter: str = "") -> list[str]:
    """What would help, in people's words, without names (for community managers)."""
    answers = PulseAnswer.objects.exclude(what_would_help="")
    if since_quarter:
        answers = answers.filter(quarter__gte=since_quarter)
    return list(answers.order_by("-answered_on", "-pk").values_list("what_would_help", flat=True))
