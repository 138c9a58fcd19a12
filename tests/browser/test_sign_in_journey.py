"""A member of staff signs in, finds their way around, signs out; and gets back in by email."""

import re

from django.core import mail

from portal.demo import DEMO_PASSWORD


def test_staff_member_signs_in_and_out(portal_page, seeded):
    page = portal_page.page

    portal_page.goto("/")
    assert "/accounts/login/" in page.url
    assert page.get_by_role("heading", name="Sign in").is_visible()
    portal_page.screenshot("login")

    page.get_by_label("Email or username").fill("staff")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    portal_page.check_a11y()
    assert page.get_by_role("alert").inner_text().startswith("Please enter a correct username")

    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    portal_page.check_a11y()
    assert page.get_by_text("Hello, Sam").is_visible()
    assert page.get_by_role("heading", name="Your path, step by step").is_visible()
    nav = page.get_by_role("navigation", name="Main")
    assert nav.get_by_role("link").all_inner_texts() == [
        "Home",
        "My path",
        "FAQ guide",
        "Training",
        "Office hours",
        "Champions",
    ]
    portal_page.screenshot("home")

    page.get_by_role("button", name="Sign out").click()
    portal_page.check_a11y()
    assert "/accounts/login/" in page.url


def test_forgotten_password_by_email(portal_page, staff_user):
    page = portal_page.page
    portal_page.goto("/accounts/login/")
    page.get_by_role("link", name="Forgotten your password?").click()
    portal_page.check_a11y()
    page.get_by_label("Email").fill(staff_user.email)
    page.get_by_role("button", name="Send the link").click()
    portal_page.check_a11y()
    assert page.get_by_role("heading", name="Check your email").is_visible()

    link = re.search(r"https?://\S+(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    portal_page.goto(link)
    page.get_by_label("New password", exact=True).fill("a-brand-new-passphrase-42")
    page.get_by_label("New password confirmation", exact=True).fill("a-brand-new-passphrase-42")
    page.get_by_role("button", name="Save the new password").click()
    portal_page.check_a11y()
    page.get_by_role("link", name="Sign in").click()
    portal_page.check_a11y()
    page.get_by_label("Email or username").fill(staff_user.username)
    page.get_by_label("Password").fill("a-brand-new-passphrase-42")
    page.get_by_role("button", name="Sign in").click()
    portal_page.check_a11y()
    assert page.get_by_text(f"Hello, {staff_user.first_name}").is_visible()
