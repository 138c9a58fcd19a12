"""A series' hosts are chosen in the admin by name and email, with a chooser that searches,
among active people, and only by people who may schedule series."""

import json
import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from officehours.factories import SeriesFactory
from portal.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def _url(view: str) -> str:
    return reverse(f"officehours_hosts:{view}")


@pytest.fixture
def zoe():
    """A host whose username says nothing about her name."""
    user = UserFactory(username="u-4821", first_name="", last_name="", email="zq@example.com")
    StaffFactory(user=user, email=user.email, display_name="Zoë Quartermaine")
    return user


def _series_form(series, hosts) -> dict:
    return {
        "title": series.title,
        "description": "",
        "hosts": [h.pk for h in hosts],
        "weekday": str(series.weekday),
        "start_time": "10:00",
        "duration_minutes": "45",
        "time_zone": series.time_zone,
        "capacity": str(series.capacity),
        "location": series.location,
        "prerequisite_kind": "",
        "weeks_ahead": "2",
        "active": "on",
    }


def test_the_series_form_shows_hosts_by_name_and_saves_the_chosen_ones(
    client, community_manager, zoe
):
    series = SeriesFactory()
    series.hosts.add(zoe)
    other = UserFactory(first_name="Ravi", last_name="Anand")
    client.force_login(community_manager)
    url = reverse("wagtailsnippets_officehours_series:edit", args=[series.pk])

    page = client.get(url).content.decode()
    assert "Zoë Quartermaine" in page
    assert "u-4821" not in page  # the username is not what people see
    assert _url("choose") in page  # the button opens the chooser
    assert not re.search(r'<select[^>]*name="hosts"', page)  # no list of every account

    assert client.post(url, _series_form(series, [zoe, other])).status_code == 302
    assert set(series.hosts.all()) == {zoe, other}


def test_a_host_who_has_left_stays_until_removed_but_cannot_be_added(client, community_manager):
    series = SeriesFactory()
    left = UserFactory(is_active=False)
    series.hosts.add(left)
    client.force_login(community_manager)
    url = reverse("wagtailsnippets_officehours_series:edit", args=[series.pk])
    assert client.post(url, _series_form(series, [left])).status_code == 302  # kept
    elsewhere = SeriesFactory()
    other_url = reverse("wagtailsnippets_officehours_series:edit", args=[elsewhere.pk])
    response = client.post(other_url, _series_form(elsewhere, [left]))
    assert response.status_code == 200  # the form again, with the reason
    assert not elsewhere.hosts.exists()


def test_the_chooser_finds_a_host_by_part_of_their_name_or_email(client, community_manager, zoe):
    UserFactory.create_batch(30)
    UserFactory(first_name="Quentin", last_name="Left", is_active=False)  # has left: not offered
    client.force_login(community_manager)

    page = client.get(_url("choose"), {"multiple": "1"})
    assert page.status_code == 200 and 'name="q"' in page.json()["html"]

    for query in ("quarter", "zoë q", "zq@EXAMPLE"):
        response = client.get(_url("choose_results"), {"q": query, "multiple": "1"})
        assert response.status_code == 200
        assert list(response.context["results"]) == [zoe], query
        assert "Zoë Quartermaine" in response.content.decode()
    assert not client.get(_url("choose_results"), {"q": "Quentin"}).context["results"]


def test_choosing_several_hosts_answers_with_their_names(client, community_manager, zoe):
    other = UserFactory(first_name="Ravi", last_name="Anand")
    client.force_login(community_manager)
    response = client.get(_url("chosen_multiple"), {"id": [zoe.pk, other.pk]})
    result = json.loads(response.content)["result"]
    assert sorted(r["title"] for r in result) == ["Ravi Anand", "Zoë Quartermaine"]


def test_only_people_who_schedule_series_may_use_the_chooser(client, staff_user, zoe):
    urls = [
        _url("choose"),
        _url("choose_results") + "?q=zo",
        _url("chosen_multiple") + f"?id={zoe.pk}",
        reverse("officehours_hosts:chosen", args=[zoe.pk]),
    ]
    client.force_login(staff_user)  # not in the admin at all: Wagtail sends them away
    for url in urls:
        assert client.get(url).status_code == 302, url
    # In the admin for something else (say, reports), but not scheduling office hours
    staff_user.user_permissions.add(
        Permission.objects.get(codename="access_admin", content_type__app_label="wagtailadmin")
    )
    client.force_login(staff_user)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 403, url
        assert "zq@example.com" not in response.content.decode()
