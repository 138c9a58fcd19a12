"""`seed_demo`: the demo accounts, the home page text, idempotence, and its refusals."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone

from portal import permissions
from portal.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from portal.models import EngagementEvent, HomePage, Staff, TierAttainment
from portal.tiers.selectors import attainments_held


def _seed(*args):
    call_command("seed_demo", *args, stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.mark.django_db
def test_seed_creates_every_demo_account_with_its_role(client):
    _seed("--staff", "3")
    users = get_user_model().objects
    # Only the demo accounts can sign in; the FAQ's synthetic readers (who left votes) cannot.
    assert users.filter(is_active=True).count() == len(DEMO_ACCOUNTS)
    assert not any(u.has_usable_password() for u in users.filter(is_active=False))
    assert Staff.objects.count() == len(DEMO_ACCOUNTS) + 3
    assert Staff.objects.filter(user__isnull=False).count() == len(DEMO_ACCOUNTS)
    for account in DEMO_ACCOUNTS:
        assert client.login(username=account.username, password=DEMO_PASSWORD)
    assert users.get(username="leader").groups.get().name == permissions.LEADERS
    assert users.get(username="editor").groups.get().name == permissions.COMMUNITY_MANAGERS
    assert users.get(username="admin").is_superuser
    assert not users.get(username="staff").groups.exists()


@pytest.mark.django_db
def test_seed_twice_changes_nothing():
    _seed("--staff", "4")
    before = _snapshot()
    _seed("--staff", "4")
    assert _snapshot() == before
    assert HomePage.objects.get().revisions.count() == 1


def _snapshot():
    return (
        set(get_user_model().objects.values_list("username", flat=True)),
        set(Staff.objects.values_list("employee_id", "email", "manager__employee_id")),
        set(EngagementEvent.objects.values_list("idempotency_key", "occurred_at")),
        set(TierAttainment.objects.values_list("staff_id", "tier_id", "reached_at", "lapsed_at")),
    )


@pytest.mark.django_db
def test_seed_populates_every_tier_and_some_lapse():
    _seed("--staff", "120")
    now = timezone.now()
    held = attainments_held(at=now)
    assert set(held.values_list("tier__order", flat=True)) == {1, 2, 3, 4, 5}
    assert TierAttainment.objects.filter(lapsed_at__lt=now).exists()
    oldest = EngagementEvent.objects.order_by("occurred_at").first().occurred_at
    assert now - oldest > timedelta(days=150)


@pytest.mark.django_db
def test_seed_keeps_an_editors_home_page_text():
    home = HomePage.objects.get()
    home.intro = "<p>Written by our community team.</p>"
    home.save_revision().publish()
    _seed("--staff", "0")
    assert HomePage.objects.get().intro == "<p>Written by our community team.</p>"


@pytest.mark.django_db
def test_seed_if_empty_does_nothing_once_seeded():
    _seed("--staff", "2")
    before = Staff.objects.count()
    _seed("--staff", "20", "--if-empty")
    assert Staff.objects.count() == before


@pytest.mark.django_db
def test_seed_fills_the_home_page_with_the_programme_steps(client):
    _seed("--staff", "0")
    client.login(username="staff", password=DEMO_PASSWORD)
    html = client.get("/").content.decode()
    for step in ("Read the FAQ guide", "Watch the WIIFM video", "Drop in to office hours"):
        assert step in html


@pytest.mark.django_db
def test_seed_refuses_where_demo_data_is_not_allowed(settings):
    settings.PORTAL_ALLOW_DEMO_DATA = False
    with pytest.raises(CommandError, match="development only"):
        _seed()
    assert not get_user_model().objects.exists()


@pytest.mark.django_db
def test_seed_refuses_a_negative_staff_count():
    with pytest.raises(CommandError, match="zero or more"):
        _seed("--staff", "-1")
