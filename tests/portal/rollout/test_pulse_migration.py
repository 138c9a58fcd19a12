"""Answers stored before batching (migration 0024): the results people saw stay the same,
and the answers lose their groups, their day and their sequential ids."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from portal.rollout.models import PulseAnswer, PulseResult
from portal.rollout.selectors import pulse_comments, pulse_results

BEFORE = [("portal", "0023_erasure_requests")]
AFTER = [("portal", "0024_pulse_batches")]


@pytest.mark.django_db(transaction=True)
def test_existing_answers_are_published_as_they_were_and_stored_without_groups():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    department = old.get_model("portal", "Department").objects.create(name="Sales")
    wave = old.get_model("portal", "Wave").objects.create(name="Pilot", starts_on="2026-10-01")
    answer = old.get_model("portal", "PulseAnswer")
    texts = [f"Said by number {i}" for i in range(7)]
    for i, text in enumerate(texts):
        answer.objects.create(
            wave=wave if i < 6 else None,
            department=department,
            quarter="2026-Q4",
            confidence=i % 5 + 1,
            what_would_help=text,
            answered_on=f"2026-11-{i + 1:02d}",
        )

    MigrationExecutor(connection).migrate(AFTER)
    executor = MigrationExecutor(connection)  # and on to wherever the app is now
    executor.migrate([key for key in executor.loader.graph.leaf_nodes() if key[0] == "portal"])

    assert pulse_results(by="wave").rows[0] == ["Pilot", 6, 6, "2.7"]  # (1+2+3+4+5+1) / 6
    assert pulse_results(by="department").rows == [["Sales", 7, 7, "2.6"]]  # 18 / 7
    assert sorted(pulse_comments()) == texts
    assert PulseResult.objects.count() == 3  # Pilot, no wave, Sales
    assert {f.name for f in PulseAnswer._meta.concrete_fields} == {
        "id",
        "quarter",
        "confidence",
        "what_would_help",
    }
    assert all(len(str(pk)) == 36 for pk in PulseAnswer.objects.values_list("id", flat=True))
