"""Faults injected for real (issue 18): a broker that stops, a worker killed mid-batch.

Each test starts its own redis-server as the broker, real Celery workers on it (separate
processes reading the PostgreSQL test database) and a real SMTP server on loopback, then
stops or kills one of them. Nothing of ours is mocked.
"""

import os
import signal
import time
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from officehours import services
from officehours.factories import OccurrenceFactory
from officehours.models import Booking
from portal.factories import UserFactory
from portal.outbox.dispatch import jobs_relay
from portal.outbox.models import Job, Message
from tests.conftest import worker_process
from tests.outbox import broker
from tests.peers import process_stop
from tests.peers.redis_server import RedisServer
from tests.peers.smtp import SmtpServer

pytestmark = [pytest.mark.postgres, pytest.mark.worker]
LEASE = 3  # seconds: a killed worker's message goes again this soon


@pytest.fixture
def smtp():
    with SmtpServer() as server:
        yield server


def start_worker(redis: RedisServer, smtp: SmtpServer):
    return worker_process(
        env={
            "CELERY_BROKER_URL": redis.url,
            "PORTAL_TEST_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp.port),
            "OUTBOX_LEASE_SECONDS": str(LEASE),
        }
    )


def wait_until(condition, *, worker=None, timeout: float = 90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        if worker is not None and worker.poll() is not None:
            pytest.fail(f"The Celery worker exited:\n{worker.stdout.read()}")
        time.sleep(0.1)
    return False


def test_a_cancellation_while_the_broker_is_down_answers_as_usual_and_its_mail_follows(
    transactional_db, client, smtp
):
    starts = timezone.now() + timedelta(days=2)
    occurrence = OccurrenceFactory(starts_at=starts, ends_at=starts + timedelta(minutes=45))
    user = UserFactory()
    booking = services.booking_create(occurrence=occurrence, user=user)
    services.reminders_send()  # the confirmation went: a cancellation now owes a CANCEL
    redis = RedisServer()  # a port where the broker will be, not running yet: it is down
    client.force_login(user)

    with broker(redis.url):
        response = client.post(reverse("officehours_cancel", args=[booking.pk]))
        assert response.status_code == 302  # the usual answer, not a 500
        assert Booking.objects.get(pk=booking.pk).status == Booking.Status.CANCELLED
        assert Job.objects.filter(task="officehours.tasks.reminders_sweep").exists()

        redis.start()  # the broker is back
        worker = start_worker(redis, smtp)
        try:
            assert jobs_relay(now=timezone.now() + timedelta(minutes=1)) >= 1  # beat's relay
            arrived = wait_until(lambda: len(smtp.mailbox.messages) >= 1, worker=worker)
        finally:
            process_stop(worker)
            redis.stop()
    assert arrived, "the withdrawn invitation never arrived"
    (mail,) = smtp.mailbox.messages
    assert mail["To"] == user.email
    assert "METHOD:CANCEL" in mail.as_string()  # the calendar takes the invitation back
    assert not Job.objects.exists()


def test_a_worker_killed_mid_batch_of_60_then_restarted_sends_each_once(transactional_db, smtp):
    starts = timezone.now() + timedelta(hours=3)
    occurrence = OccurrenceFactory(
        starts_at=starts, ends_at=starts + timedelta(minutes=45), capacity=60
    )
    smtp.mailbox.hold_at = 25  # the 25th message waits for its reply: the worker dies there
    redis = RedisServer().start()
    users = [UserFactory() for _ in range(60)]
    with broker(redis.url):
        for user in users:  # 60 confirmations due now, each booking asking for a sweep
            services.booking_create(occurrence=occurrence, user=user)
        worker = start_worker(redis, smtp)
        try:
            assert wait_until(smtp.mailbox.held.is_set, worker=worker), "never reached the 25th"
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait()
            assert len(smtp.mailbox.messages) == 24

            worker = start_worker(redis, smtp)
            time.sleep(LEASE)  # the dead worker's lease on the 25th ends
            from portal.tasks import outbox_deliver

            outbox_deliver.delay()  # as beat does every minute
            wait_until(
                lambda: Message.objects.filter(state=Message.State.SENT).count() >= 60,
                worker=worker,
            )
        finally:
            process_stop(worker)
            redis.stop()
    ids = smtp.mailbox.message_ids()
    assert len(ids) == 60 and len(set(ids)) == 60  # every one, none twice
    assert {m["To"] for m in smtp.mailbox.messages} == {u.email for u in users}
    assert Message.objects.filter(state=Message.State.SENT).count() == 60
