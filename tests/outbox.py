"""The mail the portal has sent, once the outbox's worker has run: tests that call a service in
a transaction they roll back never commit, so the delivery that production starts after the
commit (and every minute from beat) is started here instead, as that worker would."""

import os
from contextlib import contextmanager

from django.core import mail

from portal.celery import app
from portal.outbox.models import Message
from portal.outbox.services import messages_deliver


def delivered() -> list:
    """Everything queued so far, each message delivered at its own moment (a test that queues
    with a simulated clock queues for then; the worker would send it when that time came)."""
    messages_deliver()
    while moment := (
        Message.objects.filter(state=Message.State.PENDING)
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    ):
        if not messages_deliver(now=moment) and not _pending_due(moment):
            break
    return mail.outbox


def _pending_due(moment) -> bool:
    return Message.objects.filter(state=Message.State.PENDING, next_attempt_at__lte=moment).exists()


@contextmanager
def broker(url: str):
    """This process publishes to `url` for real (not eagerly), as a web server would."""
    saved = app.conf.broker_url, app.conf.task_always_eager, os.environ.get("CELERY_BROKER_URL")
    os.environ["CELERY_BROKER_URL"] = url  # Celery reads it before its own setting
    app.conf.broker_url, app.conf.task_always_eager = url, False
    _forget_connections()
    try:
        yield
    finally:
        app.conf.broker_url, app.conf.task_always_eager, environ = saved
        if environ is None:
            os.environ.pop("CELERY_BROKER_URL")
        else:
            os.environ["CELERY_BROKER_URL"] = environ
        _forget_connections()


def _forget_connections():
    """Drop the app's cached connection and producer pools, so the next publish opens a
    connection to the broker now configured (kombu keeps one pool per broker address)."""
    app._pool = None
    app.__dict__.pop("amqp", None)
