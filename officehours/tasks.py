"""Office hours' Celery tasks. Thin: each calls one service."""

from celery import shared_task

from portal.celery import TRANSIENT


@shared_task(**TRANSIENT)
def reminders_sweep() -> int:
    """Send the outbox rows that are due (every few minutes, and after a change)."""
    from .services import reminders_send

    return reminders_send()


@shared_task(**TRANSIENT)
def occurrences_schedule_all() -> int:
    """Keep every active series scheduled `weeks_ahead` weeks ahead (daily)."""
    from .models import Series
    from .services import occurrences_schedule

    return sum(occurrences_schedule(series=s) for s in Series.objects.filter(active=True))
