"""Every page each role can reach, seeded, in a real browser: no serious or critical axe issues."""

import pytest
from django.urls import reverse

# A live page per kind: its class and the set of blocks in its body, so every template and every
# block that changes the markup is checked once (not every page of the same shape). The cheap
# test-client walk (tests/portal/test_seeded_pages.py) still opens every page.
from tests.walks import one_page_of_each_kind

EXTRA_PAGES = {
    "staff": ["/accounts/password/change/", "/accounts/2fa/", "/reports/", "/no-such-page/"],
    "leader": ["/reports/"],
    "editor": ["/reports/"],
}


@pytest.mark.parametrize("account", sorted(EXTRA_PAGES))
def test_one_page_of_each_kind_per_role_is_accessible(seeded, sign_in_as, account):
    pages = one_page_of_each_kind()
    assert len(pages) >= 8  # home, guide, categories, entries, training, modules, lessons, ...
    portal = sign_in_as(seeded[account])
    for path in pages + EXTRA_PAGES[account]:
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
    assert not nav.is_visible()  # behind the Menu button, so the page comes first
    portal.page.get_by_role("button", name="Menu").click()
    for label in ("Home", "Reports", "Manage content"):
        assert nav.get_by_role("link", name=label).is_visible()
    portal.check_a11y()
    assert portal.page.evaluate("document.documentElement.scrollWidth") <= 390
    portal.screenshot("home-mobile")
