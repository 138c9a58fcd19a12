"""The rollout waves in the Wagtail admin: only community managers, and the whole path of
planning a wave, filling it, starting it and reading how it does."""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.factories import DepartmentFactory, StaffFactory, UserFactory
from portal.rollout.models import Invitation, PulseAnswer, Wave, WaveMember
from portal.tiers.services import engagement_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def wave():
    return Wave.objects.create(name="Pilot", starts_on=date(2026, 11, 2))


def _urls(wave):
    gets = [
        reverse("rollout_wave_list"),
        reverse("rollout_wave_create"),
        reverse("rollout_wave_detail", args=[wave.pk]),
        reverse("rollout_wave_edit", args=[wave.pk]),
        reverse("rollout_wave_start", args=[wave.pk]),
    ]
    posts = [
        reverse("rollout_wave_create"),
        reverse("rollout_wave_edit", args=[wave.pk]),
        reverse("rollout_wave_add_by_rules", args=[wave.pk]),
        reverse("rollout_wave_add_from_list", args=[wave.pk]),
        reverse("rollout_wave_add_member", args=[wave.pk]),
        reverse("rollout_wave_start", args=[wave.pk]),
    ]
    return gets, posts


@pytest.mark.parametrize("who", ["staff_user", "leader_user"])
def test_everyone_but_community_managers_is_refused_everywhere(client, request, who, wave):
    """Without admin access the Wagtail admin refuses first (to sign-in, which answers 403)."""
    client.force_login(request.getfixturevalue(who))
    gets, posts = _urls(wave)
    for url in gets:
        assert client.get(url, follow=True).status_code == 403, url
    for url in posts:
        assert client.post(url, {"name": "X", "staff": "1"}).status_code in (302, 403), url
    _nothing_changed(wave)


def test_admin_users_who_do_not_run_the_programme_get_403_and_no_menu_item(client, wave):
    editor = UserFactory()
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(editor)
    gets, posts = _urls(wave)
    for url in gets:
        assert client.get(url).status_code == 403, url
    for url in posts:
        assert client.post(url, {"name": "X", "staff": "1"}).status_code == 403, url
    assert b"Rollout waves" not in client.get(reverse("wagtailadmin_home")).content
    _nothing_changed(wave)


def _nothing_changed(wave):
    wave.refresh_from_db()
    assert wave.started_at is None and not wave.members.exists() and Wave.objects.count() == 1


def test_posting_without_the_csrf_token_is_refused(community_manager, wave):
    client = Client(enforce_csrf_checks=True)
    client.force_login(community_manager)
    response = client.post(reverse("rollout_wave_start", args=[wave.pk]))
    assert response.status_code == 403
    _nothing_changed(wave)


def test_signed_out_people_are_sent_to_sign_in(client, wave):
    response = client.get(reverse("rollout_wave_detail", args=[wave.pk]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_menu_item_shows_to_community_managers(client, community_manager):
    client.force_login(community_manager)
    assert b"Rollout waves" in client.get(reverse("wagtailadmin_home")).content


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_a_community_manager_plans_fills_and_starts_a_wave(
    client, community_manager, django_capture_on_commit_callbacks
):
    sales = DepartmentFactory(name="Sales")
    finance = DepartmentFactory(name="Finance")
    in_sales = StaffFactory.create_batch(3, department=sales)
    outsider = StaffFactory(department=finance, email="out.sider@example.com")
    keen = StaffFactory(display_name="Keen Kim", department=finance)
    for i in range(5):
        engagement_record(
            staff=keen,
            kind="community_contributed",
            subject="reply",
            source="test",
            occurred_at=timezone.now() - timedelta(days=1, minutes=i),
            idempotency_key=f"keen:{i}",
        )
    client.force_login(community_manager)

    # A bad form keeps what was typed and says what is wrong.
    form = {
        "name": "",
        "starts_on": "2026-11-02",
        "sponsor_name": "Jordan Reyes",
        "rules-TOTAL_FORMS": "3",
        "rules-INITIAL_FORMS": "0",
        "rules-0-department": str(sales.pk),
    }
    response = client.post(reverse("rollout_wave_create"), form)
    assert response.status_code == 400
    assert b"This field is required" in response.content
    assert b"Jordan Reyes" in response.content
    assert f'<option value="{sales.pk}" selected>'.encode() in response.content
    assert not Wave.objects.exists()

    response = client.post(reverse("rollout_wave_create"), {**form, "name": "Sales pilot"})
    wave = Wave.objects.get(name="Sales pilot")
    assert response.status_code == 302
    assert response["Location"] == reverse("rollout_wave_detail", args=[wave.pk])
    assert [(r.department, r.role, r.location) for r in wave.rules.all()] == [(sales, None, None)]

    detail = reverse("rollout_wave_detail", args=[wave.pk])
    response = client.post(reverse("rollout_wave_add_by_rules", args=[wave.pk]), follow=True)
    assert "Added 3 people matching the rules." in _messages(response)
    assert set(wave.members.values_list("staff_id", flat=True)) == {p.pk for p in in_sales}

    # A list with one unknown line: nobody added, the line named.
    upload = reverse("rollout_wave_add_from_list", args=[wave.pk])
    bad = SimpleUploadedFile("list.csv", b"email\nout.sider@example.com\nnobody@example.com\n")
    response = client.post(upload, {"file": bad})
    assert response.status_code == 400
    assert "Line 3: nobody active in the directory is “nobody@example.com”." in (
        response.content.decode()
    )
    assert not wave.members.filter(staff=outsider).exists()
    good = SimpleUploadedFile("list.csv", b"email\nout.sider@example.com\n")
    response = client.post(upload, {"file": good})
    assert response.status_code == 302
    assert "Added 1 person from the list." in _messages(response)
    assert wave.members.get(staff=outsider).source == WaveMember.Source.LIST

    # Suggested first movers, explained, added in one click.
    response = client.get(detail)
    content = response.content.decode()
    assert "Suggested first movers" in content and "Keen Kim" in content
    assert "Community posts and replies, last 90 days" in content
    assert "5 × 0.5 = 2.5" in content
    response = client.post(
        reverse("rollout_wave_add_member", args=[wave.pk]), {"staff": keen.pk}, follow=True
    )
    assert f"Added Keen Kim to “{wave.name}”." in _messages(response)
    assert wave.members.get(staff=keen).source == WaveMember.Source.SUGGESTED
    assert all(s.staff != keen for s in response.context["suggestions"])

    # Starting: a warning first, then the invitations.
    start = reverse("rollout_wave_start", args=[wave.pk])
    response = client.get(start)
    assert response.status_code == 200
    assert "sends an invitation email to 5 members" in response.content.decode()
    assert Wave.objects.get(pk=wave.pk).started_at is None
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(start)
    assert response.status_code == 302 and response["Location"] == detail
    assert "Invitations are on their way to 5 people." in _messages(response)
    assert Invitation.objects.filter(wave=wave).count() == 5
    assert len(mail.outbox) == 5

    response = client.post(start, follow=True)
    assert "“Sales pilot” has already started." in _messages(response)
    assert len(mail.outbox) == 5

    # The wave's page: the funnel, and the list shows it started.
    response = client.get(detail)
    content = response.content.decode()
    assert "How this wave is doing" in content and "Invited" in content
    assert "At their target tier" in content
    listing = client.get(reverse("rollout_wave_list")).content.decode()
    assert "Sales pilot" in listing and "Not yet" not in listing


def test_editing_a_wave_replaces_its_rules(client, community_manager, wave):
    sales, finance = DepartmentFactory(name="Sales"), DepartmentFactory(name="Finance")
    wave.rules.create(department=sales)
    client.force_login(community_manager)
    url = reverse("rollout_wave_edit", args=[wave.pk])
    assert f'<option value="{sales.pk}" selected>'.encode() in client.get(url).content
    response = client.post(
        url,
        {
            "name": "Pilot",
            "starts_on": "2026-11-02",
            "rules-TOTAL_FORMS": "3",
            "rules-INITIAL_FORMS": "1",
            "rules-0-department": str(finance.pk),
            "rules-1-department": str(finance.pk),
        },
    )
    assert response.status_code == 400
    assert "Two rules are the same" in response.content.decode()
    assert list(wave.rules.values_list("department", flat=True)) == [sales.pk]


def test_pulse_results_and_comments_show_without_names(client, community_manager, wave):
    sales = DepartmentFactory(name="Sales")
    for i in range(5):
        PulseAnswer.objects.create(
            wave=wave,
            department=sales,
            quarter="2026-Q4",
            confidence=4,
            what_would_help="More examples please" if i == 0 else "",
            answered_on=date(2026, 11, 10),
        )
    client.force_login(community_manager)
    content = client.get(reverse("rollout_wave_detail", args=[wave.pk])).content.decode()
    assert "Pulse checks by wave" in content and "Pulse checks by department" in content
    assert "4.0" in content
    assert "More examples please" in content


def test_the_wave_pages_queries_do_not_grow_with_members(client, community_manager, wave):
    client.force_login(community_manager)
    url = reverse("rollout_wave_detail", args=[wave.pk])
    for person in StaffFactory.create_batch(2):
        WaveMember.objects.create(wave=wave, staff=person, source="list")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for person in StaffFactory.create_batch(6):
        WaveMember.objects.create(wave=wave, staff=person, source="list")
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many.captured_queries) == len(few.captured_queries)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("rollout_wave_list"))
    Wave.objects.create(name="Second", starts_on=date(2027, 1, 4))
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("rollout_wave_list"))
    assert len(many.captured_queries) == len(few.captured_queries)
