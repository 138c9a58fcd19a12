"""What `seed_demo` makes, read from one seeding of 120 staff shared by this module's tests
(tests/once.py); tests of seeding itself (twice, refusals, an editor's text) are in test_demo."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from portal import permissions
from portal.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from portal.models import EngagementEvent, Staff, TierAttainment
from portal.tiers.selectors import attainments_held
from tests.once import rolled_back_after


def _seed(*args):
    call_command("seed_demo", *args, stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.fixture(scope="module")
def seeded_120(django_db_setup, django_db_blocker):
    """One seeding with 120 staff for the tests that only read what it made."""
    with rolled_back_after(django_db_blocker):
        _seed("--staff", "120")
        yield


@pytest.mark.django_db
def test_seed_creates_every_demo_account_with_its_role(client, seeded_120):
    users = get_user_model().objects
    # Only the demo accounts can sign in; the FAQ's synthetic readers (who left votes) cannot.
    assert users.filter(is_active=True).count() == len(DEMO_ACCOUNTS)
    assert not any(u.has_usable_password() for u in users.filter(is_active=False))
    assert Staff.objects.count() == len(DEMO_ACCOUNTS) + 120
    assert Staff.objects.filter(user__isnull=False).count() == len(DEMO_ACCOUNTS)
    for account in DEMO_ACCOUNTS:
        assert client.login(username=account.username, password=DEMO_PASSWORD)
    assert users.get(username="leader").groups.get().name == permissions.LEADERS
    assert users.get(username="editor").groups.get().name == permissions.COMMUNITY_MANAGERS
    assert users.get(username="admin").is_superuser
    assert not users.get(username="staff").groups.exists()


@pytest.mark.django_db
def test_seed_populates_every_tier_and_some_lapse(seeded_120):
    now = timezone.now()
    held = attainments_held(at=now)
    assert set(held.values_list("tier__order", flat=True)) == {1, 2, 3, 4, 5}
    assert TierAttainment.objects.filter(lapsed_at__lt=now).exists()
    oldest = EngagementEvent.objects.order_by("occurred_at").first().occurred_at
    assert now - oldest > timedelta(days=150)


@pytest.mark.django_db
def test_seed_fills_the_home_page_with_the_programme_steps(client, seeded_120):
    client.login(username="staff", password=DEMO_PASSWORD)
    html = client.get("/").content.decode()
    for step in ("Read the FAQ guide", "Watch the WIIFM video", "Drop in to office hours"):
        assert step in html
