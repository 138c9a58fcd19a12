"""Reads for the rollout: when each person was invited, each wave's funnel, pulse results, and
who the pilot is no longer for."""

from datetime import date, datetime

from django.conf import settings
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
)
from django.utils import timezone

from ..people.models import Department
from ..reports.tables import (
    COUNT,
    PERCENT,
    SUPPRESSED,
    TEXT,
    Column,
    Table,
    count,
    share,
)
from ..tiers.models import EngagementEvent, Tier
from ..tiers.selectors import attainments_held
from .models import Invitation, PulseAnswer, PulseResult, Wave, WaveMember

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


def pilot_outgrown() -> ExpressionWrapper:
    """For a `Staff` queryset: whether the person is already where the pilot leads, so it would
    make no sense to ask them to "be one of the first". The pilot is the training: its asks
    end with the recorded training (the tier that asks for `training_completed`, Trained by
    default), at the depth the person's role needs. So: they finished a training, or hold
    their role's target tier or one above it, or hold the trained tier or one above it."""
    held = attainments_held().filter(staff=OuterRef("pk"))
    trained_order = (
        Tier.objects.filter(requirements__event_kind="training_completed")
        .order_by("order")
        .values("order")[:1]
    )
    return ExpressionWrapper(
        Exists(EngagementEvent.objects.filter(staff=OuterRef("pk"), kind="training_completed"))
        | Exists(held.filter(tier__order__gte=OuterRef("role__target_tier__order")))
        | Exists(held.filter(tier__order__gte=Subquery(trained_order))),
        output_field=BooleanField(),
    )


def pilot_standing(*, staff) -> dict:
    """Whether the pilot is still for `staff` (see `pilot_outgrown`), and the highest tier they
    hold now (its name, or None): one query."""
    highest = (
        attainments_held()
        .filter(staff=OuterRef("pk"))
        .order_by("-tier__order")
        .values("tier__name")[:1]
    )
    row = (
        type(staff)
        .objects.filter(pk=staff.pk)
        .annotate(outgrown=pilot_outgrown(), tier_name=Subquery(highest))
        .values("outgrown", "tier_name")
        .first()
    )
    return row or {"outgrown": False, "tier_name": None}


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


def wave_invitees(*, wave: Wave):
    """The staff ids `wave` invites: its active members, but not people already invited with
    another wave (anyone who was in several waves before a person was in one at a time)."""
    invited_elsewhere = Invitation.objects.exclude(wave=wave).values("staff_id")
    return (
        wave.members.filter(status=M.MEMBER, staff__active=True)
        .exclude(staff_id__in=invited_elsewhere)
        .values_list("staff_id", flat=True)
    )


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
    """Answers and average confidence per wave or department, as published (`pulse`: a
    group's result changes only by a batch of `REPORT_MIN_GROUP` new answers or more). Two
    queries: the results, and the groups' names."""
    results = PulseResult.objects.filter(grouping=by)
    if since_quarter:
        results = results.filter(quarter__gte=since_quarter)
    totals = {
        row["group_id"]: row
        for row in results.values("group_id").annotate(
            n=Sum("answers"), r=Sum("rated"), total=Sum("confidence_sum")
        )
    }
    model = Wave if by == "wave" else Department
    names = dict(model.objects.filter(pk__in=totals).values_list("pk", "name"))
    none = "No wave" if by == "wave" else "No department"
    minimum = settings.REPORT_MIN_GROUP
    rows = []
    for group_id, row in sorted(
        totals.items(), key=lambda item: (item[0] not in names, names.get(item[0], none))
    ):
        n, rated = row["n"], row["r"]
        rows.append(
            [
                names.get(group_id, none),  # a wave or department since removed: none
                count(n, n),
                count(rated, n),
                SUPPRESSED if n < minimum else (f"{row['total'] / rated:.1f}" if rated else None),
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
        note=f"Answers are stored without the person who gave them, and a group's results "
        f"change only once {minimum} new answers of that group have arrived, so no single "
        f"answer can be read from a change.",
    )


def pulse_comments(*, since_quarter: str = "") -> list[str]:
    """What would help, in people's words, without names or groups (for community managers):
    released answers only, newest quarter first, in no order within a quarter."""
    answers = PulseAnswer.objects.exclude(what_would_help="")
    if since_quarter:
        answers = answers.filter(quarter__gte=since_quarter)
    return list(answers.order_by("-quarter", "id").values_list("what_would_help", flat=True))
