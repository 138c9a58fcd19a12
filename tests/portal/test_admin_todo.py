"""The admin dashboard opens, for programme staff, on what waits for them."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from faq.factories import QuestionFactory
from officehours.factories import OccurrenceFactory
from officehours.models import Booking
from portal import admin_todo
from portal.factories import UserFactory
from portal.models import Staff


@pytest.fixture
def todos(monkeypatch):
    monkeypatch.setattr(admin_todo, "_todos", {})
    admin_todo.register(
        admin_todo.Todo(
            "inactive",
            singular="{n} person has left",
            plural="{n} people have left",
            count=lambda user: Staff.objects.filter(active=False).count(),
            where="wagtailadmin_home",
        )
    )
    admin_todo.register(
        admin_todo.Todo(
            "never",
            singular="{n} never",
            plural="{n} nevers",
            count=lambda user: 0,
            where="wagtailadmin_home",
        )
    )


def test_programme_staff_see_what_waits_and_not_what_is_done(client, community_manager, todos):
    Staff.objects.create(employee_id="A", email="a@example.com", display_name="A", active=False)
    Staff.objects.create(employee_id="B", email="b@example.com", display_name="B", active=False)
    client.force_login(community_manager)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Waiting for you" in html
    assert f'<a href="{reverse("wagtailadmin_home")}">2 people have left</a>' in html
    assert "nevers" not in html


def test_a_quiet_day_says_so(client, community_manager, todos):
    client.force_login(community_manager)
    assert b"Nothing waits for you" in client.get(reverse("wagtailadmin_home")).content


def test_editors_who_do_not_run_the_programme_get_no_panel(client, db, todos):
    editor = UserFactory()
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(editor)
    assert b"Waiting for you" not in client.get(reverse("wagtailadmin_home")).content


def test_the_apps_say_what_waits_questions_and_unmarked_sessions(client, community_manager):
    QuestionFactory.create_batch(2)
    ended = OccurrenceFactory(starts_at=timezone.now() - timedelta(days=2))
    marked = OccurrenceFactory(starts_at=timezone.now() - timedelta(days=3))
    for occurrence, attended in ((ended, None), (marked, True)):
        Booking.objects.create(
            occurrence=occurrence,
            user=UserFactory(),
            status=Booking.Status.CONFIRMED,
            queued_at=occurrence.starts_at - timedelta(days=1),
            attended=attended,
        )
    client.force_login(community_manager)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "2 questions from staff wait for an answer" in html
    assert "1 past session waits for its attendance to be marked" in html


def test_the_admin_fetches_no_avatar_from_outside(client, community_manager):
    """Wagtail would draw each user's avatar from gravatar.com; inside a company network
    nothing is fetched from elsewhere, so everyone gets the default (or an uploaded) one."""
    client.force_login(community_manager)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "avatar" in html and "gravatar" not in html
