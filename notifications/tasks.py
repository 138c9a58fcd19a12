"""The notifications' Celery tasks. Thin: each calls one service."""

from celery import shared_task

from portal.celery import TRANSIENT


@shared_task(**TRANSIENT)
def nudges_evaluate() -> dict:
    """Every 15 minutes: each nudge community managers switched on goes to the people it is
    for now, once per person within its interval, however often this runs."""
    from .nudges import nudges_evaluate as evaluate

    return evaluate()
