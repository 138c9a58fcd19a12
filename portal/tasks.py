"""The portal's Celery tasks. Thin: each looks things up and calls a selector or service."""

from celery import shared_task
from django.contrib.auth import get_user_model
from django.db import connection


@shared_task
def worker_ping() -> dict:
    """Proves a worker is up and reads the same database as the web processes."""
    return {
        "database": connection.settings_dict["NAME"],
        "accounts": get_user_model().objects.count(),
    }
