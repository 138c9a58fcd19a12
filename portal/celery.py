"""The Celery app. Tasks stay thin: look an object up by id, call a service."""

import os

from celery import Celery
from django.db import InterfaceError, OperationalError

# The same default as portal/wsgi.py and portal/asgi.py, so a worker and beat started from the
# same environment as the web servers read the same settings (the same broker, database, cache
# and bucket, and the same refusal to start without them). manage.py keeps the development
# default; on a laptop, start a worker with DJANGO_SETTINGS_MODULE=portal.settings.dev.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.production")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Retried, with growing and jittered pauses, only for what passes: the database connection lost
# (a failover, a restarted server, a connection an administrator terminated). Anything else is
# a bug or bad data, and retrying would only repeat it. Every task is safe to run again.
TRANSIENT = {
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": 5,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 5,
}
