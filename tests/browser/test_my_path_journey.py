"""A member of staff signs in, opens My path, and is told in plain words what to do next."""

from portal.demo import DEMO_PASSWORD


def test_staff_member_reads_their_path(portal_page, seeded):
    page = portal_page.page
    portal_page.goto("/accounts/login/")
    page.get_by_label("Email or username").fill("staff")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    portal_page.check_a11y()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="My path").click()
    portal_page.check_a11y()
    assert page.get_by_role("heading", name="My path", level=1).is_visible()
    summary = page.locator(".path-summary").inner_text()
    assert "You are at tier 1: Aware." in summary
    assert "asks you to reach tier 3: Trained" in summary

    next_step = page.get_by_role("region", name="Your next step")
    assert "To reach Informed" in next_step.inner_text()
    assert "Watch the WIIFM video" in next_step.inner_text()
    assert page.get_by_role("cell", name="still held").count() == 1
    portal_page.screenshot("my-path")


def test_lapsed_tier_is_explained(sign_in_as, seeded):
    portal = sign_in_as(seeded["manager"])
    portal.goto("/my-path/")
    history = portal.page.get_by_role("region", name="History").inner_text()
    assert "4. Engaged" in history
    assert (
        "To reach Engaged" in portal.page.get_by_role("region", name="Your next step").inner_text()
    )
