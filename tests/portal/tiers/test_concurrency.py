"""Exactly-once under concurrency: the same delivery from several threads records one event."""

import threading
from datetime import UTC, datetime

import pytest
from django.db import connections

from portal.factories import StaffFactory
from portal.models import EngagementEvent, TierAttainment
from portal.tiers.services import engagement_record


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_same_key_from_many_threads_records_one_event():
    person = StaffFactory()
    outcomes, errors = [], []
    start = threading.Barrier(8)

    def deliver():
        try:
            start.wait()
            for i in range(6):
                _, created = engagement_record(
                    staff=person,
                    kind="faq_viewed",
                    subject=f"entry-{i}",
                    occurred_at=datetime(2026, 2, 1, 12, i, tzinfo=UTC),
                    source="test",
                    idempotency_key=f"delivery-{i}",
                )
                outcomes.append(created)
            engagement_record(
                staff=person, kind="policy_acknowledged", source="test", idempotency_key="policy"
            )
        except Exception as exc:  # noqa: BLE001  (collected and asserted below)
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=deliver) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert outcomes.count(True) == 6
    assert EngagementEvent.objects.count() == 7
    assert TierAttainment.objects.filter(staff=person).count() == 1
