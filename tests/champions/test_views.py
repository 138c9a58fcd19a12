"""Champion pages make a fixed number of queries, whatever the size of the organisation."""

import pytest
from django.urls import reverse

from champions.models import Champion, ScoreSettings
from champions.services.nominations import nomination_create
from portal.factories import DepartmentFactory, LocationFactory, StaffFactory
from portal.tiers.services import engagement_record

pytestmark = pytest.mark.django_db


def _organisation(size: int):
    for _ in range(size):
        department, location = DepartmentFactory(), LocationFactory()
        people = [StaffFactory(department=department, location=location) for _ in range(3)]
        for i, person in enumerate(people):
            for n in range(i + 1):
                engagement_record(
                    staff=person,
                    kind="community_contributed",
                    subject="reply",
                    source="test",
                    idempotency_key=f"v:{person.pk}:{n}",
                )
        nomination_create(nominator=people[0], nominee=people[2], reason="Helpful.")
        Champion.objects.create(staff=people[1], status="active", public_profile=True)
    settings = ScoreSettings.current()
    settings.threshold = 0.5
    settings.save()
    return people[2]


@pytest.mark.parametrize("size", [1, 8])
def test_champion_pages_do_not_grow_with_the_organisation(
    client, community_manager, size, django_assert_num_queries
):
    nominee = _organisation(size)
    client.force_login(community_manager)
    client.get(reverse("champions_directory"))  # the menu's cached lookups
    pins = {
        # session, user, staff, the menu's permission checks, then the page's own: the
        # directory 2 (champions, the unlisted count) plus its filters; the queue, coverage and
        # report each one scoring pass (events, tiers, hosted sessions, nominations) and one
        # query for every person they name
        reverse("champions_directory") + "?department=": 12,
        # the queue: and the nominations of the people in it with their reasons (2), and how
        # many nominations wait (1); the active champions
        reverse("champions_review"): 19,
        # every nomination: counts, the page count and the page, the reasons, how many wait,
        # the settings, the scoring pass
        reverse("champions_review") + "?show=nominated&stage=all": 18,
        reverse("champions_coverage"): 19,
        reverse("champions_report"): 23,  # and the Champion tier
        # one person's record: the person, the settings, their programme row, nomination and
        # reasons, their scoring pass, the tier they hold
        reverse("champions_person", args=[nominee.pk]): 18,
    }
    for url, queries in pins.items():
        with django_assert_num_queries(queries):
            assert client.get(url).status_code == 200, url


@pytest.mark.django_db
def test_the_live_search_keeps_the_colleague_already_picked(client, staff_user):
    """More typing redraws the matches; the person picked from an earlier list stays picked."""
    amara = StaffFactory(display_name="Amara Okafor")
    StaffFactory(display_name="Amadou Okoro")
    client.force_login(staff_user)
    url = reverse("champions_people_search")
    picked = client.get(
        url, {"search": "Okafor", "nominee": amara.pk}, headers={"HX-Request": "true"}
    )
    assert f'value="{amara.pk}" id="person-{amara.pk}" checked' in picked.content.decode()
    fresh = client.get(url, {"search": "Okafor"}, headers={"HX-Request": "true"})
    assert "checked" not in fresh.content.decode()
    junk = client.get(url, {"search": "Okafor", "nominee": "9" * 5000})
    assert junk.status_code == 200 and "checked" not in junk.content.decode()
