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
    assert page.get_by_role("alert").inner_text().startswith("The username and/or password")

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
    page.get_by_role("link", name="Forgotten your password, or never had one?").click()
    portal_page.check_a11y()
    page.get_by_label("Email").fill(staff_user.email)
    page.get_by_role("button", name="Send the link").click()
    portal_page.check_a11y()
    assert page.get_by_role("heading", name="Check your email").is_visible()

    link = re.search(r"https?://\S+(/accounts/password/reset/\S+)", mail.outbox[0].body)[1]
    portal_page.goto(link)
    page.get_by_label("New password", exact=True).fill("a-brand-new-passphrase-42")
    page.get_by_label("New password, again", exact=True).fill("a-brand-new-passphrase-42")
    page.get_by_role("button", name="Save the new password").click()
    portal_page.check_a11y()
    page.get_by_role("link", name="Sign in").click()
    portal_page.check_a11y()
    page.get_by_label("Email or username").fill(staff_user.username)
    page.get_by_label("Password").fill("a-brand-new-passphrase-42")
    page.get_by_role("button", name="Sign in").click()
    portal_page.check_a11y()
    assert page.get_by_text(f"Hello, {staff_user.first_name}").is_visible()


def test_someone_without_an_account_gets_in_by_the_link_in_their_invitation(portal_page, db):
    """Nobody made an account for Nia: the email's link lets her choose a password, once."""
    from portal.accounts.links import sign_in_link_url
    from portal.factories import StaffFactory

    nia = StaffFactory(email="nia.new@example.com", display_name="Nia New")
    link = "/" + sign_in_link_url(nia).split("://", 1)[1].split("/", 1)[1]
    page = portal_page.page
    portal_page.goto(link)
    assert page.get_by_role("heading", name="Welcome, Nia New").is_visible()
    assert "/accounts/welcome/" in page.url and link not in page.url  # the token left the bar
    page.get_by_label("New password", exact=True).fill("short")
    page.get_by_label("New password confirmation").fill("short")
    page.get_by_role("button", name="Save and sign in").click()
    portal_page.check_a11y()
    assert page.get_by_text("too short").is_visible()
    page.get_by_label("New password", exact=True).fill("a-brand-new-passphrase-42")
    page.get_by_label("New password confirmation").fill("a-brand-new-passphrase-42")
    page.get_by_role("button", name="Save and sign in").click()
    page.wait_for_url(re.compile(r"/my-path/$"))
    portal_page.check_a11y()
    portal_page.screenshot("sign-in-link-my-path")

    page.get_by_role("button", name="Sign out").click()
    portal_page.check_a11y()
    portal_page.goto(link)  # the same link again: used
    assert page.get_by_role("heading", name="This link does not work any more").is_visible()
    portal_page.screenshot("sign-in-link-used")


def test_a_superuser_sets_up_an_authenticator_when_it_is_required(portal_page, superuser, settings):
    settings.MFA_REQUIRED_FOR_ADMINS = True
    page = portal_page.page
    portal_page.goto("/admin/")
    page.get_by_label("Email or username").fill(superuser.username)
    page.get_by_label("Password").fill("correct-horse-battery-staple")
    page.get_by_role("button", name="Sign in").click()
    portal_page.check_a11y()
    page.get_by_label("Password").fill("correct-horse-battery-staple")  # allauth asks again
    page.get_by_role("button", name=re.compile("Confirm")).click()
    portal_page.check_a11y()
    assert "/accounts/2fa/totp/activate/" in page.url
    assert page.get_by_role("heading", name=re.compile("Authenticator")).is_visible()
    portal_page.screenshot("mfa-activate")
    page.set_viewport_size({"width": 390, "height": 844})
    portal_page.screenshot("mfa-activate-phone")
