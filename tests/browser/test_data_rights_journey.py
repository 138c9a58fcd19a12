"""A person's data rights in a browser (issue 20). From the footer of any page a member of
staff reaches Your data, downloads their ZIP (their own records, nobody else's) and asks for
erasure; a superuser approves it on the admin's Erasure requests, which then shows the
pseudonym and what the check afterwards found (nothing); the person's open session is over.
axe checks every page; screenshots at desktop and phone width go to `test-artifacts/`."""

import io
import json
import zipfile

from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from portal.factories import StaffFactory, UserFactory
from portal.models import EngagementEvent, ErasureRequest

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
WAGTAIL_BANNER = {"color-contrast": "Wagtail's success banner (upstream)"}


def _person(name: str, email: str, key: str):
    user = UserFactory(email=email)
    staff = StaffFactory(user=user, email=email, display_name=name)
    EngagementEvent.objects.create(
        staff=staff,
        kind="faq_viewed",
        subject="12",
        occurred_at=timezone.now(),
        source="web",
        idempotency_key=key,
    )
    return staff


def _both_widths(portal, name: str, *, upstream=None):
    page = portal.page
    portal.screenshot(f"{name}-desktop")
    page.set_viewport_size(PHONE)
    portal.check_a11y(upstream=upstream)
    portal.screenshot(f"{name}-phone")
    page.set_viewport_size(DESKTOP)


def test_a_person_downloads_their_data_and_a_superuser_erases_it(
    sign_in_as, browser, live_server, superuser
):
    ana = _person("Ana Lima", "ana.lima@example.com", "ana-1")
    _person("Bo Berg", "bo.berg@example.com", "bo-1")
    portal = sign_in_as(ana.user)
    page = portal.page

    portal.goto("/my-path/")
    page.get_by_role("contentinfo").get_by_role("link", name="Your data").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your data")
    portal.check_a11y()
    page.get_by_text("What the download holds").click()
    expect(page.get_by_text("events.json")).to_be_visible()
    _both_widths(portal, "data-rights-your-data")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download my data (ZIP)").click()
    assert download.value.suggested_filename.startswith("my-data-")
    archive = zipfile.ZipFile(io.BytesIO(download.value.path().read_bytes()))
    files = {name: archive.read(name).decode() for name in archive.namelist()}
    assert json.loads(files["directory_entry.json"])[0]["name"] == "Ana Lima"
    assert [e["subject"] for e in json.loads(files["events.json"])] == ["12"]
    assert "Bo Berg" not in json.dumps(files)

    page.get_by_role("button", name="Ask for my data to be erased").click()
    portal.check_a11y()  # the browser holds the form until the box is ticked
    assert not ErasureRequest.objects.exists()
    page.get_by_label("I understand that this cannot be undone").check()
    page.get_by_role("button", name="Ask for my data to be erased").click()
    expect(page.get_by_role("status").first).to_contain_text("Your request is in.")
    expect(page.get_by_text("An administrator has to approve it first")).to_be_visible()
    portal.check_a11y()
    _both_widths(portal, "data-rights-asked")

    admin_context = browser.new_context(viewport=DESKTOP)
    try:
        client = Client()
        client.force_login(superuser)
        admin_context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )
        admin = type(portal)(admin_context.new_page(), live_server.url)
        admin.goto("/admin/programme/erasures/")
        row = admin.page.get_by_role("row", name="Ana Lima")
        expect(row).to_contain_text("Waiting for approval")
        _both_widths(admin, "data-rights-admin-waiting")
        row.get_by_role("button", name="Approve erasing Ana Lima").click()
        expect(admin.page.get_by_text("Approved: the erasure runs now.")).to_be_visible()
        admin.check_a11y(upstream=WAGTAIL_BANNER)
        row = admin.page.get_by_role("row", name="Erased person")
        expect(row).to_contain_text("Erased")
        expect(row).to_contain_text("Nothing found")
        expect(admin.page.get_by_text("Ana Lima")).to_have_count(0)
        _both_widths(admin, "data-rights-admin-done", upstream=WAGTAIL_BANNER)
        assert admin.unchecked_pages() == []
    finally:
        admin_context.close()

    page.reload()
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/my-data/")
    portal.check_a11y()
