"""Overdue reminders: one email per person and assigned module, however often the sweep runs.

The sweep first writes a row for every overdue assignment (a unique key makes a second run add
nothing), then claims each unsent row and queues its email in the outbox in one transaction, so
two workers sweeping at once, or one killed half-way, still queue one email each.
"""

import logging
from datetime import datetime

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format

from notifications.content import Action, Content
from notifications.services import Email, notify_person
from portal.navigation import absolute_url

from .. import selectors
from ..models import AssignmentReminder

logger = logging.getLogger(__name__)


def assignment_reminders_send(*, now: datetime | None = None) -> int:
    """Queue the reminders due now. Returns how many emails were queued."""
    now = now or timezone.now()
    overdue = selectors.assignments_overdue(today=timezone.localdate(now))
    AssignmentReminder.objects.bulk_create(
        [AssignmentReminder(staff=a.staff, module=a.module, due_on=a.due_on) for a in overdue],
        ignore_conflicts=True,
    )
    queued = 0
    pending = AssignmentReminder.objects.filter(sent_at__isnull=True).select_related(
        "staff__user", "module"
    )
    for reminder in pending:
        with transaction.atomic():  # claimed and handed to the outbox together
            claimed = AssignmentReminder.objects.filter(
                pk=reminder.pk, sent_at__isnull=True
            ).update(sent_at=now)
            if not claimed or not reminder.staff.email:
                continue
            module = reminder.module
            context = {
                "staff": reminder.staff,
                "module": module,
                "due_on": reminder.due_on,
                "url": absolute_url(module.get_url() or "/"),
            }
            path = module.get_url() or "/"
            actions = [Action("Start the module", path, primary=True)]
            if lesson := selectors.lesson_to_mark_done(staff=reminder.staff, module=module):
                # in Slack and Teams it completes the lesson in place; email has the module
                actions.append(
                    Action(f"Mark “{lesson.title}” done", path, "lesson_done", str(lesson.pk))
                )
            notify_person(
                user=reminder.staff.user,
                address=reminder.staff.email,
                key=f"training.assignment_overdue:{reminder.pk}",
                content=Content(
                    kind="training.assignment_overdue",
                    title=f"Overdue: {module.title}",
                    text=f"{module.title} is required for your role and takes about "
                    f"{module.estimated_minutes} minutes.",
                    url=path,
                    facts=(("Was due", date_format(reminder.due_on, "j F Y")),),
                    actions=tuple(actions),
                ),
                email=Email(
                    subject=f"Overdue: {module.title}",
                    body=render_to_string("training/email/assignment_overdue.txt", context),
                ),
                now=now,
            )
            queued += 1
    logger.info("Assignment reminders: %s queued", queued)
    return queued
