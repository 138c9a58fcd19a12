"""One setting says who owns the directory: with DIRECTORY_SOURCE=scim the HR import still adds
and updates people but never marks anyone as left; that is the identity provider's to say."""

import pytest

from portal.factories import StaffFactory
from portal.people.importing import staff_import
from portal.people.models import Staff
from tests.portal.people import csv_bytes

pytestmark = pytest.mark.django_db


def test_with_scim_owning_the_directory_a_full_import_marks_nobody_inactive(settings):
    settings.DIRECTORY_SOURCE = "scim"
    StaffFactory(employee_id="E9", email="left@example.com")
    data = csv_bytes("E1,ann@example.com,Ann,Sales,,,,")
    refused = staff_import(data=data, deactivate_missing=True)
    assert not refused.applied
    assert "identity provider decides who has left" in refused.errors[0].message
    assert Staff.objects.get(employee_id="E9").active and Staff.objects.count() == 1
    added = staff_import(data=data)
    assert added.applied and added.created == 1 and Staff.objects.get(employee_id="E9").active


@pytest.mark.parametrize("source", ["both", "csv"])
def test_otherwise_a_full_import_still_marks_leavers(settings, source):
    settings.DIRECTORY_SOURCE = source
    StaffFactory(employee_id="E9", email="left@example.com")
    result = staff_import(
        data=csv_bytes("E1,ann@example.com,Ann,Sales,,,,"),
        deactivate_missing=True,
        departures_confirmed=1,  # one of one: confirmed, as a person would type it
    )
    assert result.applied and result.deactivated == 1
    assert not Staff.objects.get(employee_id="E9").active
