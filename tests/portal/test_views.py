"""The portal's own pages: home, health check, error pages (reports: tests/portal/reports/)."""

import pytest
from django.urls import reverse


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
