"""The frames a process keeps between reports are reused only while the data is unchanged."""

from datetime import timedelta

import pytest
from django.utils import timezone

from portal.factories import DepartmentFactory, RoleFactory, StaffFactory
from portal.people.importing import staff_import
from portal.people.models import Staff
from portal.reports import frames
from portal.tiers.models import Tier, TierAttainment

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    sales = DepartmentFactory(name="Sales")
    return [StaffFactory(department=sales, display_name=f"Person {i}") for i in range(3)]


def test_a_second_read_reuses_the_frames_in_one_query(people, django_assert_num_queries):
    first = frames.organisation_frames()
    with django_assert_num_queries(1):  # the state check, nothing else
        second = frames.organisation_frames()
    assert second.people is first.people and second.periods is first.periods
    assert sorted(first.people["display_name"]) == ["Person 0", "Person 1", "Person 2"]


def test_a_new_or_removed_attainment_is_seen_at_once(people):
    aware = Tier.objects.get(order=1)
    assert frames.organisation_frames().periods.empty
    period = TierAttainment.objects.create(
        staff=people[0], tier=aware, reached_at=timezone.now() - timedelta(days=1)
    )
    assert list(frames.organisation_frames().periods["staff"]) == [people[0].pk]
    # Replaced by another person's (same count, so the highest id must tell them apart).
    period.delete()
    TierAttainment.objects.create(staff=people[1], tier=aware, reached_at=timezone.now())
    assert list(frames.organisation_frames().periods["staff"]) == [people[1].pk]


def test_a_new_attainment_reads_the_periods_again_but_not_the_people(
    people, django_assert_num_queries
):
    first = frames.organisation_frames()
    TierAttainment.objects.create(
        staff=people[0], tier=Tier.objects.get(order=1), reached_at=timezone.now()
    )
    with django_assert_num_queries(2):  # the state check and the periods
        second = frames.organisation_frames()
    assert second.people is first.people and len(second.periods) == 1


def test_any_edit_of_a_person_or_role_is_seen_at_once(people):
    frames.organisation_frames()
    people[0].display_name = "Renamed"
    people[0].save()
    assert "Renamed" in set(frames.organisation_frames().people["display_name"])
    people[1].delete()
    assert people[1].pk not in frames.organisation_frames().people.index
    role = RoleFactory()
    Staff.objects.filter(pk=people[2].pk).update(role=role)  # a bulk write sends no signal...
    role.save()  # ...but here the role's save does; the import bumps explicitly (below)
    assert frames.organisation_frames().people.loc[people[2].pk, "role"] == role.pk


def test_an_import_is_seen_at_once(people):
    """The import writes with bulk SQL (no signals): an update-only import must still count."""
    frames.organisation_frames()
    person = people[0]
    data = (
        "employee_id,email,name,department,role,location,manager_email,start_date\n"
        f"{person.employee_id},{person.email},Imported Name,Sales,,,,\n"
    ).encode()
    result = staff_import(data=data, deactivate_missing=False)
    assert not result.errors and result.updated == 1, result
    assert frames.organisation_frames().people.loc[person.pk, "display_name"] == "Imported Name"


def test_inactive_people_are_not_in_the_frames(people):
    Staff.objects.filter(pk=people[0].pk).update(active=False)
    frames.frames_forget()
    assert people[0].pk not in frames.organisation_frames().people.index
