"""Asking a worker for a task, durably: a committed change never answers 500 because the
broker is down, and the work it asked for is not lost.

`dispatch(task, **kwargs)` writes a `Job` row in the caller's transaction and publishes it
after the commit, deleting the row once the broker has it. If the broker is down the row
stays and the relay (`jobs_relay`, every minute from beat) publishes it when the broker is
back. The one trade: a job may be published twice (the relay and a slow commit hook, or a
worker that died after publishing), so every task behind it is idempotent; the portal's are,
each claiming its rows before it acts.
"""

import logging
from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ..celery import app
from .models import Job

logger = logging.getLogger(__name__)

# A broker that does not answer costs a request about a second, not the 19 s of kombu's
# default retries: the job waits in the database instead.
PUBLISH_RETRY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5, "interval_max": 0.5}
RELAY_AFTER = timedelta(seconds=30)  # younger rows are still being published by their commit


def dispatch(task, /, **kwargs) -> None:
    """Run `task(**kwargs)` on a worker once the current transaction has committed."""
    job = Job.objects.create(task=task.name, kwargs=kwargs)
    transaction.on_commit(lambda: job_publish(job))


def job_publish(job: Job) -> bool:
    """Hand `job` to the broker (or, in eager mode, run it) and forget it. False, with the row
    kept for the relay, if that failed."""
    try:
        app.tasks[job.task].apply_async(kwargs=job.kwargs, retry_policy=PUBLISH_RETRY)
    except Exception:  # the broker is down, or (eager mode) the task itself failed
        logger.warning(
            "Job %s (%s) not published; the relay retries it", job.pk, job.task, exc_info=True
        )
        Job.objects.filter(pk=job.pk).update(attempts=F("attempts") + 1)
        return False
    Job.objects.filter(pk=job.pk).delete()
    return True


def jobs_relay(*, now=None, limit: int = 500) -> int:
    """Publish the jobs whose commit hook did not; stops at the first failure (the broker is
    still down). How many went."""
    cutoff = (now or timezone.now()) - RELAY_AFTER
    published = 0
    for job in Job.objects.filter(created_at__lte=cutoff).order_by("pk")[:limit]:
        if not job_publish(job):
            break
        published += 1
    if published:
        logger.info("Relayed %s job(s) queued while the broker was away", published)
    return published
