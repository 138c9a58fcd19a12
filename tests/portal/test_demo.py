"""`seed_demo`: the demo accounts, the home page text, idempotence, and its refusals."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from portal.models import EngagementEvent, HomePage, Staff, TierAttainment


def _seed(*args):
    call_command("seed_demo", *args, stdout=open("/dev/null", "w"))  # noqa: SIM115


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
def test_seed_refuses_where_demo_data_is_not_allowed(settings):
    settings.PORTAL_ALLOW_DEMO_DATA = False
    with pytest.raises(CommandError, match="development only"):
        _seed()
    assert not get_user_model().objects.exists()


@pytest.mark.django_db
def test_seed_refuses_a_negative_staff_count():
    with pytest.raises(CommandError, match="zero or more"):
        _seed("--staff", "-1")
