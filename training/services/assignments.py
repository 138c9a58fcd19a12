"""Overdue reminders: one email per person and assigned module, however often the sweep runs.

The sweep first writes an outbox row for every overdue assignment (a unique key makes a second
run add nothing), then claims each unsent row with a conditional update before sending, so two
workers sweeping at once still send one email.
"""

import logging
from datetime import datetime

from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone

from portal.navigation import absolute_url

from .. import selectors
from ..models import AssignmentReminder

logger = logging.getLogger(__name__)


def assignment_reminders_send(*, now: datetime | None = None) -> int:
    """Queue and send the reminders due now. Returns how many emails went out."""
    now = now or timezone.now()
    overdue = selectors.assignments_overdue(today=timezone.localdate(now))
    AssignmentReminder.objects.bulk_create(
        [AssignmentReminder(staff=a.staff, module=a.module, due_on=a.due_on) for a in overdue],
        ignore_conflicts=True,
    )
    sent = 0
    pending = AssignmentReminder.objects.filter(sent_at__isnull=True).select_related(
        "staff", "module"
    )
    for reminder in pending:
        claimed = AssignmentReminder.objects.filter(pk=reminder.pk, sent_at__isnull=True).update(
            sent_at=now
        )
        if not claimed or not reminder.staff.email:
            continue
        module = reminder.module
        context = {
            "staff": reminder.staff,
            "module": module,
            "due_on": reminder.due_on,
            "url": absolute_url(module.get_url() or "/"),
        }
        send_mail(
            subject=f"Overdue: {module.title}",
            message=render_to_string("training/email/assignment_overdue.txt", context),
            from_email=None,
            recipient_list=[reminder.staff.email],
        )
        sent += 1
    logger.info("Assignment reminders: %s sent", sent)
    return sent
