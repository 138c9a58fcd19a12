"""The audit log in a browser (issue 20). A manager opens their own line's report, which names
their people, and downloads its CSV; a superuser finds both in Settings, Audit log, filters
to downloads, searches for the manager by name, and opens the entry. axe checks every page;
screenshots at desktop and phone width go to `test-artifacts/`."""

import re

from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from portal.audit.models import AuditEntry
from portal.factories import DepartmentFactory, StaffFactory, UserFactory

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def _both_widths(portal, name: str):
    page = portal.page
    portal.screenshot(f"{name}-desktop")
    page.set_viewport_size(PHONE)
    portal.check_a11y()
    portal.screenshot(f"{name}-phone")
    page.set_viewport_size(DESKTOP)


def test_a_named_report_and_its_download_are_in_the_audit_log(
    sign_in_as, browser, live_server, server_lock, superuser
):
    sales = DepartmentFactory(name="Sales")
    head = StaffFactory(display_name="Imogen Castellane", department=sales, user=UserFactory())
    StaffFactory.create_batch(6, department=sales, manager=head)
    manager = sign_in_as(head.user)
    manager.goto("/reports/")
    expect(manager.page.get_by_role("heading", level=1)).to_be_visible()
    with manager.page.expect_download() as download:
        manager.page.get_by_role("link", name="CSV of everyone in this view").click()
    assert download.value.suggested_filename.endswith(".people.csv")
    with server_lock:
        assert list(AuditEntry.objects.order_by("pk").values_list("action", flat=True)) == [
            "report.viewed",
            "report.exported",
        ]

    context = browser.new_context(viewport=DESKTOP)
    try:
        client = Client()
        client.force_login(superuser)
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )
        admin = type(manager)(context.new_page(), live_server.url)
        page = admin.page
        admin.goto("/admin/audit-log/")
        expect(page.get_by_role("heading", level=1)).to_contain_text("Audit log")
        table = page.get_by_role("table")
        expect(table).to_contain_text("Viewed a report that names people")
        expect(table).to_contain_text("Adoption report: Imogen Castellane's reporting line")
        expect(table).to_contain_text("names: yes; output: csv; table: people")
        _both_widths(admin, "audit-log-list")

        admin.goto("/admin/audit-log/?action=report.exported")
        expect(page.get_by_role("table").get_by_role("row")).to_have_count(2)  # header + one
        admin.goto("/admin/audit-log/?q=castellane")
        expect(page.get_by_role("table").get_by_role("row")).to_have_count(3)
        page.get_by_role("link", name="Exported a report").click()
        expect(page).to_have_url(re.compile(r"/admin/audit-log/inspect/\d+/$"))
        main = page.get_by_role("main")
        expect(main).to_contain_text("Adoption report: Imogen Castellane's reporting line")
        expect(main).to_contain_text("report.exported")
        expect(main.get_by_role("link", name="Edit")).to_have_count(0)
        expect(main.get_by_role("link", name="Delete")).to_have_count(0)
        admin.check_a11y()
        _both_widths(admin, "audit-log-entry")
        assert admin.unchecked_pages() == []
    finally:
        context.close()
