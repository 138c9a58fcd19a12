"""The nudges' section of the adoption report: did they reach people, and did they help?

Per nudge and channel, for the nudges sent to the people in view in the period: how many were
sent (the inbox row every nudge leaves, and each message by email, Slack or Teams), how many
were clicked through their tracked links (`Click`, per channel), and how many led to the step
within 7 days: the person did what the nudge was about (`NudgeType.step_kinds`: the WIIFM
video watched, that FAQ entry read; for a wave's start, anything at all) within 7 days after
it was sent. The team nudge has no step of its own to count.

A row is about the people it was sent to, so it is withheld under `REPORT_MIN_GROUP` of them;
and since a nudge's channels overlap (every nudge is an inbox row, most also a message), one
withheld row withholds every row of that nudge, so none can be worked out from the others. As
numbers about some of the people in view (`sections.SOME`), a report that names no one shows
them for the whole organisation only. One query.
"""

from datetime import datetime, timedelta

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Concat
from django.utils.translation import ngettext

from portal.outbox.models import Message
from portal.people.models import Staff
from portal.reports.tables import (
    COUNT,
    PERCENT,
    SUPPRESSED,
    TEXT,
    Cell,
    Column,
    Table,
    min_group,
)
from portal.tiers.models import EngagementEvent

from . import kinds
from .models import Click, Notification
from .nudges import STEP_DAYS, registry

CHANNELS = (kinds.INBOX, *kinds.DELIVERED)


def nudges_table(
    *, people: QuerySet[Staff], since: datetime, now: datetime, whole_organisation: bool
) -> Table | None:
    """The nudges sent to the people in view in [since, now), by nudge and channel; None when
    none were."""
    sent = Notification.objects.exclude(nudge="").filter(
        created_at__gte=since, created_at__lt=now, user__staff__in=people
    )
    # Asked first because the numbers' query is costly to build (each count's filter repeats
    # the step and channel subqueries): in a view or period without nudges it was half the
    # time of the whole adoption report.
    if not sent.exists():
        return None
    annotations = {"step": _step()}
    for channel in kinds.DELIVERED:
        annotations[f"by_{channel}"] = Exists(
            Message.objects.filter(key=Concat(OuterRef("key"), Value(f":{channel}")))
        )
    for channel in CHANNELS:
        annotations[f"clicked_{channel}"] = Exists(
            Click.objects.filter(notification=OuterRef("pk"), channel=channel)
        )
    numbers = {}
    for channel in CHANNELS:
        by = Q() if channel == kinds.INBOX else Q(**{f"by_{channel}": True})
        numbers |= {
            f"sent_{channel}": Count("pk", filter=by),
            f"people_{channel}": Count("user", filter=by, distinct=True),
            f"clicks_{channel}": Count("pk", filter=by & Q(**{f"clicked_{channel}": True})),
            f"steps_{channel}": Count("pk", filter=by & Q(step=True)),
        }
    rows_of = {
        row["nudge"]: row
        for row in sent.annotate(**annotations).values("nudge").annotate(**numbers).order_by()
    }
    if not rows_of:
        return None
    rows: list[list[Cell]] = []
    smallest = min_group()
    for key, nudge in registry.items():
        row = rows_of.get(key)
        if row is None:
            continue
        shown = [c for c in CHANNELS if row[f"sent_{c}"]]
        hidden = any(row[f"people_{c}"] < smallest for c in shown)
        has_step = bool(nudge.step_kinds or nudge.any_event)
        for channel in shown:
            sent_n, clicks, steps = (row[f"{m}_{channel}"] for m in ("sent", "clicks", "steps"))
            rows.append(
                [
                    nudge.label,
                    kinds.CHANNELS[channel],
                    SUPPRESSED if hidden else sent_n,
                    SUPPRESSED if hidden else clicks,
                    SUPPRESSED if hidden else clicks / sent_n,
                    (SUPPRESSED if hidden else steps) if has_step else None,
                    (SUPPRESSED if hidden else steps / sent_n) if has_step else None,
                ]
            )
    return Table(
        key="nudges",
        title="Nudges",
        columns=[
            Column("Nudge", TEXT),
            Column("Channel", TEXT),
            Column("Sent", COUNT),
            Column("Clicked", COUNT),
            Column("Clicked share", PERCENT),
            Column(f"Took the step within {STEP_DAYS} days", COUNT),
            Column("Step share", PERCENT),
        ],
        rows=rows,
        summary=_summary(rows_of),
        note=_note(),
    )


def _step():
    """Whether the person took the nudge's step within STEP_DAYS after it was sent."""
    until = ExpressionWrapper(
        OuterRef("created_at") + timedelta(days=STEP_DAYS), output_field=DateTimeField()
    )
    whens = []
    for key, nudge in registry.items():
        if not (nudge.step_kinds or nudge.any_event):
            continue
        events = EngagementEvent.objects.filter(
            staff__user=OuterRef("user"),
            occurred_at__gt=OuterRef("created_at"),
            occurred_at__lte=until,
        )
        if nudge.step_kinds:
            events = events.filter(kind__in=nudge.step_kinds)
        if nudge.step_subject:
            events = events.filter(subject=OuterRef("subject"))
        whens.append(When(nudge=key, then=Exists(events)))
    return Case(*whens, default=Value(False), output_field=BooleanField())


def _summary(rows_of: dict) -> str:
    smallest = min_group()
    people = sum(row["people_inbox"] for row in rows_of.values())
    if any(row["people_inbox"] < smallest for row in rows_of.values()) or people < smallest:
        return (
            f"Nudges sent to fewer than {smallest} people are withheld, with every channel of "
            "the same nudge."
        )
    sent = sum(row["sent_inbox"] for row in rows_of.values())
    return ngettext(
        "%(sent)s nudge was sent to the people in this view in this period.",
        "%(sent)s nudges were sent to the people in this view in this period.",
        sent,
    ) % {"sent": f"{sent:,}"}


def _note() -> str:
    return (
        "Every nudge is a row in the person's inbox in the portal; Sent by email, Slack or "
        "Teams counts the messages queued for those channels (a nudge held for a daily summary "
        "is in the inbox only). Clicked: the nudge's link was followed from that channel at "
        f"least once. Took the step: within {STEP_DAYS} days after it was sent, the person did "
        "what it was about (watched the WIIFM video; read that FAQ entry; for a wave's start, "
        "anything in the programme); the team nudge has no step of its own. A nudge's rows "
        f"are withheld together when any of them went to fewer than {min_group()} people."
    )
