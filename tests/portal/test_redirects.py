"""No view sends a person off-site, or from https down to http, through a `next` (issue 18).

Every view that takes a return address from the request is tried with the ways to write
another site that browsers follow, and must go to its own fallback instead; addresses on this
site are still followed. A grep keeps new views on the one check (`portal.redirects`).
"""

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from champions.models import Nomination, UnmatchedActivity
from portal.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct-horse-battery-staple"
OFF_SITE = [
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example/",
    "\\\\evil.example/",
    "https:/evil.example/",
    " https://evil.example/",
    "https://testserver.evil.example/",
    "javascript:alert(1)",
]
# Over https, our own host over plain http is refused too.
DOWNGRADE = "http://testserver/champions/review/"


def _targets(secure: bool):
    return [*OFF_SITE, DOWNGRADE] if secure else OFF_SITE


@pytest.fixture
def manager_client(client):
    user = UserFactory()
    manager = StaffFactory(user=user, email=user.email)
    client.force_login(user)
    return client, manager


@pytest.mark.parametrize("secure", [False, True])
def test_endorsing_returns_to_your_page_whatever_next_says(manager_client, secure):
    client, manager = manager_client
    nomination = Nomination.objects.create(
        nominee=StaffFactory(manager=manager), created_at=timezone.now()
    )
    url = reverse("champions_endorse", args=[nomination.pk])
    for target in _targets(secure):
        response = client.post(url, {"next": target}, secure=secure)
        assert (response.status_code, response["Location"]) == (302, "/champions/me/"), target
    ours = client.post(url, {"next": "/champions/me/#reports"}, secure=secure)
    assert ours["Location"] == "/champions/me/#reports"


@pytest.fixture
def organiser(client, community_manager):
    client.force_login(community_manager)
    return client


@pytest.mark.parametrize("secure", [False, True])
def test_a_decision_returns_to_the_record_whatever_next_says(organiser, secure):
    for target in _targets(secure):
        person = StaffFactory()
        record = reverse("champions_person", args=[person.pk])
        page = organiser.get(record, {"next": target}, secure=secure)
        assert f'name="next" value="{record}"' in page.content.decode(), target
        decided = organiser.post(
            reverse("champions_decide", args=[person.pk]),
            {"decision": "defer", "reason": "Next quarter.", "next": target},
            secure=secure,
        )
        assert (decided.status_code, decided["Location"]) == (302, record), target
    person = StaffFactory()
    queue = "/champions/review/?show=nominated"
    decided = organiser.post(
        reverse("champions_decide", args=[person.pk]),
        {"decision": "defer", "reason": "Next quarter.", "next": queue},
        secure=secure,
    )
    assert decided["Location"] == queue


@pytest.mark.parametrize("secure", [False, True])
def test_resolving_unmatched_activity_returns_to_the_list_whatever_next_says(organiser, secure):
    listing = reverse("champions_unmatched:list")
    for n, target in enumerate(_targets(secure), start=1):
        item = UnmatchedActivity.objects.create(
            source_id=f"discourse:post:{n}",
            action="reply",
            occurred_at=datetime(2025, 3, 1, 12, 0, tzinfo=UTC),
            username="stranger",
        )
        url = reverse("champions_unmatched:resolve", args=[item.pk])
        page = organiser.get(url, {"next": target}, secure=secure)
        assert f'name="next" value="{listing}"' in page.content.decode(), target
        dismissed = organiser.post(url, {"action": "dismiss", "next": target}, secure=secure)
        assert dismissed["Location"] == listing, target
    filtered = f"{listing}?action=reply"
    item = UnmatchedActivity.objects.create(
        source_id="discourse:post:99",
        action="like",
        occurred_at=datetime(2025, 3, 1, 12, 0, tzinfo=UTC),
    )
    url = reverse("champions_unmatched:resolve", args=[item.pk])
    assert organiser.post(url, {"action": "dismiss", "next": filtered})["Location"] == filtered


@pytest.mark.parametrize("secure", [False, True])
def test_signing_in_never_follows_next_off_site(staff_user, secure):
    for target in _targets(secure):
        response = Client().post(
            reverse("account_login"),
            {"login": staff_user.username, "password": PASSWORD, "next": target},
            secure=secure,
        )
        assert (response.status_code, response["Location"]) == (302, "/"), target
    followed = Client().post(
        reverse("account_login"),
        {"login": staff_user.username, "password": PASSWORD, "next": "/reports/?period=4w"},
        secure=secure,
    )
    assert followed["Location"] == "/reports/?period=4w"


@pytest.mark.parametrize("secure", [False, True])
def test_break_glass_never_follows_next_off_site(superuser, secure):
    for target in _targets(secure):
        response = Client().post(
            reverse("break_glass"),
            {"username": superuser.username, "password": PASSWORD, "next": target},
            secure=secure,
        )
        assert response["Location"] == reverse("wagtailadmin_home"), target


NEXT_READ = re.compile(
    r"""(GET|POST)(\.get\(|\[)\s*(["'](next|return_to|redirect_to|back|came_from)["']"""
    r"|REDIRECT_FIELD_NAME)"
)
# Where a return address may be read from a request: the one check, and the break-glass page,
# which asks allauth's adapter (ours adds the scheme rule; tested above).
NEXT_READERS = {"portal/redirects.py", "portal/accounts/views.py"}


def test_return_addresses_are_read_only_through_the_one_check():
    found = set()
    for app in ("portal", "champions", "training", "faq", "officehours"):
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts and NEXT_READ.search(path.read_text()):
                found.add(str(path.relative_to(ROOT)))
    assert found <= NEXT_READERS, found - NEXT_READERS
