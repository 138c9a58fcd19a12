"""Background work for training. Thin: each task calls one service."""

from celery import shared_task

from .services.assignments import assignment_reminders_send


@shared_task
def assignment_reminders_sweep() -> int:
    """Daily: one reminder per overdue assignment, however many times it runs."""
    return assignment_reminders_send()
