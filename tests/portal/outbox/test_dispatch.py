"""A change that asks for a task commits and answers whatever the broker does: the job waits in
the database and the relay publishes it once the broker is back."""

from datetime import timedelta

import pytest
from django.utils import timezone

from portal.outbox.dispatch import dispatch, jobs_relay
from portal.outbox.models import Job
from portal.tasks import worker_ping
from tests.outbox import broker
from tests.peers import free_port

pytestmark = pytest.mark.django_db


def test_with_the_broker_down_the_job_waits_and_the_relay_publishes_it_later(
    django_capture_on_commit_callbacks,
):
    down = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    with broker(down), django_capture_on_commit_callbacks(execute=True):
        dispatch(worker_ping)  # no exception: the change it belongs to stands
    job = Job.objects.get()
    assert job.task == "portal.tasks.worker_ping" and job.attempts == 1

    with broker(down):
        assert jobs_relay(now=timezone.now() + timedelta(minutes=1)) == 0  # still down
    assert Job.objects.get().attempts == 2

    # the broker is back (here: eager, as the embedded profile runs)
    assert jobs_relay(now=timezone.now()) == 0  # too young: its own commit hook may still run
    assert jobs_relay(now=timezone.now() + timedelta(minutes=1)) == 1
    assert not Job.objects.exists()


def test_a_published_job_leaves_no_row(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        dispatch(worker_ping)
    assert not Job.objects.exists()
