"""Background work reaches a real Celery worker on a real broker, which reads our database."""

import pytest
from django.db import connection

from portal.factories import UserFactory
from portal.tasks import worker_ping


@pytest.mark.worker
def test_worker_reads_the_same_database(celery_worker):
    UserFactory.create_batch(3)
    result = celery_worker.run(worker_ping)
    assert result == {"database": connection.settings_dict["NAME"], "accounts": 3}


def test_eager_mode_runs_tasks_inline_without_a_broker(db):
    # The embedded profile: no broker, the same task runs in-process.
    UserFactory.create_batch(2)
    assert worker_ping.delay().get()["accounts"] == 2


@pytest.mark.worker
def test_recompute_runs_in_a_real_worker(celery_worker):
    from datetime import timedelta

    from django.utils import timezone

    from portal.factories import StaffFactory
    from portal.models import EngagementEvent, TierAttainment
    from portal.tasks import tiers_recompute

    person = StaffFactory()
    now = timezone.now()
    EngagementEvent.objects.bulk_create(
        EngagementEvent(
            staff=person,
            kind=kind,
            subject=f"entry-{i}" if kind == "faq_viewed" else "",  # five different entries
            occurred_at=now - timedelta(hours=i),
            source="test",
            idempotency_key=f"worker:{i}",
        )
        for i, kind in enumerate(["faq_viewed"] * 5 + ["policy_acknowledged"])
    )
    assert celery_worker.run(tiers_recompute) == {"created": 1, "deleted": 0}
    assert TierAttainment.objects.get(staff=person).tier.name == "Aware"
