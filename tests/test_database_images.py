"""The images the suite puts back after a test that commits (tests/database_images.py) leave
the database as Django's own flush and reload of the data migrations' rows would: the same rows,
ids and values included, compared as Django serialises them."""

import pytest
from django.core.management import call_command
from django.db import connection

from portal.factories import StaffFactory
from portal.tiers.models import Tier
from tests import database_images
from tests.examples import CI


def _rows() -> str:
    return connection.creation.serialize_db_to_string()


def _migrated() -> str:
    return connection._test_serialized_contents  # Django's, taken just after migrating


@pytest.fixture
def images_kept():
    if database_images.taken(connection, database_images.BASELINE) is None:
        if CI:
            pytest.fail("CI's databases (SQLite in memory, PostgreSQL as a superuser) keep images")
        pytest.skip("this database cannot have images put back: Django's flush is used")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_committing_test_starts_from_the_migrated_database(images_kept):
    assert _rows() == _migrated()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_what_a_committing_test_wrote_is_gone_after_its_flush(images_kept):
    StaffFactory.create_batch(3)
    Tier.objects.filter(order=1).update(name="Renamed")
    assert _rows() != _migrated()
    # What a committing test's teardown calls (tests/database_images.py puts the image back).
    call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True)
    assert _rows() == _migrated()
    assert Tier.objects.get(order=1).name != "Renamed"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_image_puts_back_exactly_what_it_took(images_kept):
    StaffFactory.create_batch(2)
    taken = _rows()
    database_images.take(connection, "probe")
    StaffFactory.create_batch(2)
    Tier.objects.filter(order=1).update(name="Renamed")
    database_images.put_back(connection, "probe")
    assert _rows() == taken
