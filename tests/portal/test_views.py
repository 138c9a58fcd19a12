"""The portal's own pages: home, reports, health check, error pages."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from portal.factories import UserFactory


def test_home_page_greets_the_signed_in_person(client, staff_user):
    client.force_login(staff_user)
    response = client.get("/")
    assert response.status_code == 200
    assert f"Hello, {staff_user.first_name}".encode() in response.content


def test_unknown_page_gets_the_styled_404(client, staff_user):
    client.force_login(staff_user)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert b"We could not find that page" in response.content


def test_reports_count_signins(client, leader_user):
    UserFactory.create_batch(3)
    get_user_model().objects.filter(pk=leader_user.pk).update(last_login=None)
    client.force_login(leader_user)  # sets last_login: one recent sign-in
    response = client.get(reverse("reports"))
    rows = {label: (count, share) for label, count, share in response.context["signins"].rows()}
    assert response.context["signins"].people == 4
    assert rows["Signed in within the last 7 days"] == (1, 25)
    assert rows["Never signed in"] == (3, 75)


@pytest.mark.parametrize("people", [5, 50])
def test_reports_page_queries_do_not_grow_with_people(
    client, leader_user, django_assert_num_queries, people
):
    UserFactory.create_batch(people)
    client.force_login(leader_user)
    client.get(reverse("reports"))  # the menu's cached lookups, once per process
    # session, user, user and group permissions (cached for the navigation too), one aggregate
    with django_assert_num_queries(5):
        assert client.get(reverse("reports")).status_code == 200


@pytest.mark.django_db
def test_healthz_answers_ok_without_sign_in(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.content == b"ok"
    assert "no-cache" in response["Cache-Control"]


def test_base_page_carries_csrf_for_htmx_and_vendored_htmx(client, staff_user):
    client.force_login(staff_user)
    html = client.get("/").content.decode()
    assert 'hx-headers=\'{"X-CSRFToken": "' in html
    assert "/static/django_htmx/htmx-2.min.js" in html
    assert "://" not in html.split("<body")[0]  # nothing in the head loads from another host
    assert 'href="#main"' in html
