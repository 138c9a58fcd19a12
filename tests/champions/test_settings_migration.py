"""The champion score settings became a generic setting (one row) without losing a value."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from champions.models import ScoreSettings

BEFORE = [("champions", "0002_managers_run_the_programme")]
AFTER = [("champions", "0003_programme_settings")]


@pytest.mark.django_db(transaction=True)
def test_the_row_in_force_keeps_its_values_and_is_the_only_one():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps.get_model("champions", "ScoreSettings")
    in_force = old.objects.create(threshold=12.5, nominations=7.0, staff_per_champion=30)
    old.objects.create(threshold=99.0)  # a second row, which nothing read

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    # Back to where the app was, and only this app: other apps' migrations are not ours to run.
    executor = MigrationExecutor(connection)
    executor.migrate([key for key in executor.loader.graph.leaf_nodes() if key[0] == "champions"])

    settings = ScoreSettings.load()
    assert ScoreSettings.objects.count() == 1
    assert settings.pk == in_force.pk
    assert (settings.threshold, settings.nominations, settings.staff_per_champion) == (
        12.5,
        7.0,
        30,
    )
    assert settings.min_invite_tier is None  # no minimum until someone sets one
    assert ScoreSettings.current() == settings
