"""Background work for training. Thin: each task calls one service."""

from celery import shared_task

from portal.celery import TRANSIENT

from .services.assignments import assignment_reminders_send
from .services.video_uploads import video_uploads_sweep as uploads_sweep


@shared_task(**TRANSIENT)
def assignment_reminders_sweep() -> int:
    """Daily: one reminder per overdue assignment, however many times it runs."""
    return assignment_reminders_send()


@shared_task(**TRANSIENT)
def video_uploads_sweep() -> int:
    """Daily: video uploads nobody finished, or finished and never saved, go after a day."""
    return uploads_sweep()
