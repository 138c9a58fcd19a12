"""A member of staff signs in, opens My path, and is told in plain words what to do next."""

from playwright.sync_api import expect

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


def test_my_path_continue_leads_to_the_next_step(sign_in_as, seeded):
    portal = sign_in_as(seeded["staff"])
    page = portal.page
    portal.goto("/my-path/")
    next_step = page.get_by_role("region", name="Your next step")
    next_step.get_by_role("link", name="Continue").click()
    portal.check_a11y()
    # The staff account has read the guide and acknowledged the rules: the video is next.
    assert page.locator("video").count() >= 1 or "WIIFM" in page.content()


def test_on_a_phone_the_menu_is_one_button_that_opens_and_closes(sign_in_as, seeded):
    portal = sign_in_as(seeded["staff"])
    page = portal.page
    page.set_viewport_size({"width": 390, "height": 844})
    portal.goto("/")
    menu = page.get_by_role("button", name="Menu")
    nav = page.get_by_role("navigation", name="Main")
    assert menu.is_visible() and not nav.is_visible()
    portal.screenshot("home-phone")
    header = page.locator(".site-header").bounding_box()
    assert header["height"] < 100, header  # the first screen shows the page, not the menu

    menu.focus()
    page.keyboard.press("Enter")
    expect(nav).to_be_visible()
    assert menu.get_attribute("aria-expanded") == "true"
    portal.check_a11y()
    portal.screenshot("home-phone-menu-open")
    page.keyboard.press("Tab")
    page.keyboard.press("Escape")
    expect(nav).to_be_hidden()
    assert page.evaluate("document.activeElement.textContent").strip().endswith("Menu")

    # The media query's change event arrives after the resize returns; wait for it.
    page.set_viewport_size({"width": 1280, "height": 900})
    expect(nav).to_be_visible()
    expect(menu).to_be_hidden()
