"""Reads for the rollout: when each person was invited, each wave's funnel, pulse results."""

from datetime import datetime

from django.db.models import Avg, Count, F, Min, Q
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


def invited_at() -> dict[int, datetime]:
    """Each invited person's first started wave (one grouped query)."""
    return dict(
        WaveMember.objects.filter(status=M.MEMBER, wave__started_at__isnull=False)
        .values("staff_id")
        .annotate(first=Min("wave__started_at"))
        .values_list("staff_id", "first")
    )


def wave_funnel(*, wave: Wave, now: datetime | None = None) -> Table:
    """Invited -> signed in -> Aware -> at target, for the wave's members: one aggregate over
    the members and one over their tiers held now; suppressed under 5 members."""
    now = now or timezone.now()
    members = WaveMember.objects.filter(wave=wave, status=M.MEMBER, staff__active=True)
    counts = members.aggregate(
        members=Count("pk"),
        invited=Count(
            "pk",
            filter=Q(
                staff__in=Invitation.objects.filter(wave=wave, sent_at__isnull=False).values(
                    "staff_id"
                )
            ),
        ),
        signed_in=Count("pk", filter=Q(staff__user__last_login__gte=wave.started_at))
        if wave.started_at
        else Count("pk", filter=Q(pk__in=[])),
    )
    held = attainments_held(at=now).filter(staff__in=members.values("staff_id"))
    tiers = held.aggregate(
        aware=Count("staff", filter=Q(tier__order=1), distinct=True),
        at_target=Count("staff", filter=Q(tier=F("staff__role__target_tier")), distinct=True),
    )
    n = counts["members"]
    steps = [
        ("Members", counts["members"]),
        ("Invited", counts["invited"]),
        ("Signed in since", counts["signed_in"]),
        ("Aware", tiers["aware"]),
        ("At their target tier", tiers["at_target"]),
    ]
    return Table(
        key=f"wave_{wave.pk}",
        title=wave.name,
        columns=[
            Column("Step", TEXT),
            Column("People", COUNT),
            Column("Share of members", PERCENT),
        ],
        rows=[[label, count(value, n), share(value, n)] for label, value in steps],
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
