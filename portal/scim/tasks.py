"""SCIM's Celery task: thin, it calls the service."""

from celery import shared_task

from ..celery import TRANSIENT
from .calls import scim_calls_prune


@shared_task(**TRANSIENT)
def scim_calls_forget() -> int:
    """Daily: calls older than SCIM_CALLS_KEEP_DAYS leave the Provisioning screen."""
    return scim_calls_prune()
