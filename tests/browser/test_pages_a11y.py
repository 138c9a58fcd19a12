"""Every page each role can reach, seeded, in a real browser: no serious or critical axe issues."""

import pytest
from django.urls import reverse
from wagtail.models import Page


@pytest.mark.parametrize(
    ("account", "extra_pages"),
    [
        ("staff", ["/accounts/password/change/", "/reports/", "/no-such-page/"]),
        ("leader", ["/reports/"]),
        ("editor", ["/reports/"]),
    ],
)
def test_pages_each_role_sees_are_accessible(seeded, sign_in_as, account, extra_pages):
    portal = sign_in_as(seeded[account])
    pages = [p.url for p in Page.objects.live().filter(depth__gt=1).specific()]
    for path in pages + extra_pages:
        portal.goto(path)
    portal.screenshot(f"last-page-{account}")


def test_signed_out_pages_are_accessible(portal_page):
    for name in ("account_login", "account_reset_password"):
        portal_page.goto(reverse(name))
    portal_page.goto("/accounts/password/reset/key/x-bad-token/")


def test_small_screen_keeps_navigation_usable(seeded, sign_in_as):
    portal = sign_in_as(seeded["editor"])
    portal.page.set_viewport_size({"width": 390, "height": 844})
    portal.goto("/")
    nav = portal.page.get_by_role("navigation", name="Main")
    for label in ("Home", "Reports", "Manage content"):
        assert nav.get_by_role("link", name=label).is_visible()
    assert portal.page.evaluate("document.documentElement.scrollWidth") <= 390
    portal.screenshot("home-mobile")
