"""Reminding the people of a report who are not at their target yet.

A manager (for their own line) or someone who runs the programme presses one button; the
request only writes outbox rows, one per person and week (a unique constraint: whoever presses
it, however often, a person gets one such email a week), and says how many were queued and
how many had one already. A Celery sweep sends them, claiming each row before its email, so a
retried task or a second worker never sends one twice.
"""

import logging
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from notifications.content import Action, Content
from notifications.services import Email, notify_person

from ..accounts.zones import time_zone_of
from ..navigation import absolute_url
from ..outbox.dispatch import dispatch
from .digest import week_of
from .models import TargetReminder

logger = logging.getLogger(__name__)
SWEEP_LIMIT = 500


@dataclass(frozen=True)
class Queued:
    queued: int
    skipped: int  # already reminded this week

    def __str__(self) -> str:
        if not self.queued and not self.skipped:
            return "Everyone in this list is at their target: there is nobody to remind."
        parts = []
        if self.queued:
            parts.append(
                f"{self.queued} {'reminder' if self.queued == 1 else 'reminders'} queued: "
                "they go out by email within a few minutes"
            )
        else:
            parts.append("No reminder queued")
        if self.skipped:
            who = "person was" if self.skipped == 1 else "people were"
            parts.append(f"{self.skipped} {who} already reminded this week and will not be again")
        return "; ".join(parts) + "."


def target_reminders_queue(
    *, staff_ids: list[int], requested_by, now: datetime | None = None
) -> Queued:
    """Queue this week's reminder for each person in `staff_ids` who has none yet (the caller
    decides who may be reminded). Nothing is sent here."""
    now = now or timezone.now()
    week = week_of(now)
    with transaction.atomic():
        TargetReminder.objects.bulk_create(
            [
                TargetReminder(staff_id=pk, requested_by=requested_by, week=week, created_at=now)
                for pk in staff_ids
            ],
            ignore_conflicts=True,
            batch_size=500,
        )
        # Rows that conflicted were not written: ours are the ones with this very moment.
        queued = TargetReminder.objects.filter(
            week=week, requested_by=requested_by, created_at=now
        ).count()
        if queued:
            from ..tasks import reports_target_reminders_send

            dispatch(reports_target_reminders_send)  # now, rather than at the next sweep
    return Queued(queued=queued, skipped=len(staff_ids) - queued)


def target_reminders_send(*, now: datetime | None = None, limit: int = SWEEP_LIMIT) -> int:
    """Hand the queued reminders to the outbox, each at most once. How many were queued.

    Each row is claimed by a conditional update and its message queued in the same
    transaction; one already claimed (by a second run, a retry or another worker) is left
    alone. Someone who has left, or has no email, is claimed and not sent to."""
    now = now or timezone.now()
    pending = list(
        TargetReminder.objects.filter(claimed_at__isnull=True)
        .select_related("staff__user", "staff__role__target_tier", "requested_by__staff")
        .order_by("created_at", "pk")[:limit]
    )
    queued = 0
    for reminder in pending:
        with transaction.atomic():  # claimed and handed to the outbox together
            if not TargetReminder.objects.filter(pk=reminder.pk, claimed_at__isnull=True).update(
                claimed_at=now
            ):
                continue  # someone else has it
            staff = reminder.staff
            if not staff.active or not staff.email:
                continue
            _queue(reminder)
            TargetReminder.objects.filter(pk=reminder.pk).update(sent_at=now)
            queued += 1
    logger.info("Target reminders: %s queued", queued)
    return queued


def _queue(reminder: TargetReminder) -> None:
    staff = reminder.staff
    asker = getattr(reminder.requested_by, "staff", None) if reminder.requested_by else None
    target = staff.role.target_tier if staff.role else None
    zone = (
        time_zone_of(staff.user)
        if staff.user
        else timezone.get_default_timezone()  # not signed in yet: the company's zone
    )
    with timezone.override(zone):  # the reader's own day and time
        body = render_to_string(
            "reports/email/target_reminder.txt",
            {
                "staff": staff,
                "asker": asker.display_name if asker else "",
                "target": target.name if target else "",
                "asked_at": reminder.created_at,
                "url": absolute_url(reverse("my_path")),
                "portal_name": settings.PORTAL_NAME,
            },
        )
    subject = f"A reminder: your next step in {settings.PORTAL_NAME}"
    notify_person(
        user=staff.user,
        address=staff.email,
        key=f"reports.target_reminder:{reminder.pk}",
        content=Content(
            kind="reports.target_reminder",
            title=subject,
            text=(f"{asker.display_name} asks you to" if asker else "Please")
            + (f" reach {target.name}." if target else " take your next step."),
            url=reverse("my_path"),
            actions=(Action("See your next step", reverse("my_path"), primary=True),),
        ),
        email=Email(subject=subject, body=body),
    )
