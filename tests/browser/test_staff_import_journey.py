"""A community manager keeps the staff directory in step with HR, in a browser (issue 17).

Into a directory of 120 people they import two new starters (add and update only, the
default: nobody leaves); a full directory export that leaves 20 people out, which lists them by
name and takes the import only once the count is typed exactly (a wrong count is a sentence);
they undo that import and everyone is back; and three bad files (empty, a wrong header, binary
garbage such as an Excel workbook) each get a sentence and change nothing. The files are CSV,
the format the screen documents, written to `tmp_path` by the test. axe checks every page
(Wagtail's own message banner is let pass, as in the other admin journeys); screenshots at
desktop and phone width go to `test-artifacts/`.
"""

import re
import zoneinfo
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from portal.accounts.zones import time_zone_set
from portal.factories import DepartmentFactory, LocationFactory, RoleFactory, StaffFactory
from portal.people.models import DirectoryImport, Staff

HEADER = "employee_id,email,name,department,role,location,manager_email,start_date"
DIRECTORY_SIZE = 120
LEAVING = 20  # a sixth of the directory: well over the 5 % that asks for the count typed
WAGTAIL_BANNER = {"color-contrast": "Wagtail's success banner (upstream)"}
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
READER_ZONE = "Pacific/Auckland"  # far from the server's zone, so a UTC time would show


@pytest.fixture
def directory(db):
    """120 active people in one department, built by the factories (not through the screen)."""
    groups = {
        "department": DepartmentFactory(name="Support"),
        "role": RoleFactory(name="Agent"),
        "location": LocationFactory(name="Leeds"),
    }
    return StaffFactory.create_batch(DIRECTORY_SIZE, **groups)


@pytest.fixture
def manager(community_manager):
    time_zone_set(user=community_manager, name=READER_ZONE)
    return community_manager


def _row(person: Staff) -> str:
    """A person as the HR export writes them: unchanged from the directory."""
    return ",".join(
        [
            person.employee_id,
            person.email,
            f'"{person.display_name}"',
            "Support",
            "Agent",
            "Leeds",
            "",
            person.start_date.isoformat(),
        ]
    )


def _csv(path: Path, *rows: str) -> Path:
    path.write_text("\r\n".join([HEADER, *rows, ""]), encoding="utf-8")
    return path


def _check(portal, path: Path, *, full: bool = False):
    page = portal.page
    if full:
        page.get_by_role("radio", name=re.compile("^Full directory")).check()
    page.get_by_label("HR export (CSV)").set_input_files(path)
    page.get_by_role("button", name="Check the file").click()
    portal.check_a11y()


def _summary(page, label: str):
    return page.get_by_role("row", name=re.compile(f"^{label}"))


def _message(page):
    return page.locator(".messages")


def _both_widths(portal, name: str, at=None):
    """Screenshots at desktop and phone width (`at`, if given, scrolled into view), with axe
    run again at phone width, where the layout differs."""
    page = portal.page
    portal.screenshot(f"{name}-desktop")
    page.set_viewport_size(PHONE)
    portal.check_a11y(upstream=WAGTAIL_BANNER)
    if at is not None:
        at.scroll_into_view_if_needed()
    portal.screenshot(f"{name}-phone")
    page.set_viewport_size(DESKTOP)


def _counts():
    return (
        Staff.objects.count(),
        Staff.objects.filter(active=True).count(),
        DirectoryImport.objects.count(),
    )


def test_new_starters_are_added_and_nobody_leaves_by_default(
    sign_in_as, manager, directory, tmp_path, server_lock
):
    starters = _csv(
        tmp_path / "new-starters.csv",
        "N0001,ada.new@example.com,Ada Newton,Support,Agent,Leeds,,2025-01-06",
        "N0002,bo.new@example.com,Bo Newman,Sales,Account manager,Leeds,ada.new@example.com,",
    )
    portal = sign_in_as(manager)
    page = portal.page

    portal.goto("/admin/staff-import/")
    expect(page.get_by_role("heading", name="Upload the HR export")).to_be_visible()
    expect(page.get_by_role("radio", name=re.compile("^Add and update only"))).to_be_checked()
    _both_widths(portal, "staff-import-upload")

    _check(portal, starters)
    expect(page.get_by_role("heading", name="Preview of new-starters.csv")).to_be_visible()
    expect(_summary(page, "New staff")).to_contain_text("2")
    expect(_summary(page, "To be marked inactive")).to_contain_text("Nobody")
    expect(page.get_by_role("heading", name="Who would be marked inactive")).to_have_count(0)
    expect(page.get_by_label(re.compile("Type .* to confirm"))).to_have_count(0)
    _both_widths(portal, "staff-import-add-only-preview")
    with server_lock:
        assert _counts() == (DIRECTORY_SIZE, DIRECTORY_SIZE, 0)  # a check writes nothing

    page.get_by_role("button", name="Import these changes").click()
    portal.check_a11y(upstream=WAGTAIL_BANNER)
    expect(_message(page)).to_contain_text(
        "Staff imported: 2 added, 0 updated, 0 unchanged, 0 marked inactive."
    )
    expect(page.get_by_role("heading", name="The last import")).to_be_visible()
    _both_widths(portal, "staff-import-add-only-done")
    with server_lock:
        assert _counts() == (DIRECTORY_SIZE + 2, DIRECTORY_SIZE + 2, 1)
        bo = Staff.objects.get(employee_id="N0002")
        assert (bo.display_name, bo.department.name, bo.manager.display_name) == (
            "Bo Newman",
            "Sales",
            "Ada Newton",
        )


def test_a_full_export_lists_the_leavers_takes_the_typed_count_and_can_be_undone(
    sign_in_as, manager, directory, tmp_path, server_lock
):
    staying, leaving = directory[:-LEAVING], directory[-LEAVING:]
    export = _csv(tmp_path / "everyone.csv", *map(_row, staying))
    portal = sign_in_as(manager)
    page = portal.page
    portal.goto("/admin/staff-import/")

    _check(portal, export, full=True)
    expect(_summary(page, "Unchanged")).to_contain_text(str(len(staying)))
    expect(_summary(page, "To be marked inactive")).to_contain_text(
        f"{LEAVING} of {DIRECTORY_SIZE} active"
    )
    leavers = page.get_by_role("table", name="Who would be marked inactive")
    expect(leavers.locator("tbody tr")).to_have_count(LEAVING)
    for person in leaving:
        expect(leavers).to_contain_text(person.display_name)
    expect(leavers).not_to_contain_text(staying[0].email)
    count = page.get_by_label(f"Type {LEAVING} to confirm that these {LEAVING} people have left")
    expect(count).to_be_visible()
    _both_widths(portal, "staff-import-full-preview")

    button = page.get_by_role("button", name=f"Import and mark {LEAVING} inactive")
    for typed in ("", str(LEAVING - 1), "twenty"):
        count.fill(typed)
        button.click()
        portal.check_a11y()
        expect(page.get_by_role("alert")).to_have_text(
            f"This import would mark {LEAVING} of {DIRECTORY_SIZE} active people inactive. "
            f"Type {LEAVING} to confirm that they have all left; nothing was imported."
        )
        expect(count).to_have_attribute("aria-invalid", "true")
        expect(count).to_be_focused()
        expect(leavers.locator("tbody tr")).to_have_count(LEAVING)  # the list is still there
        with server_lock:
            assert _counts() == (DIRECTORY_SIZE, DIRECTORY_SIZE, 0)
    _both_widths(portal, "staff-import-full-wrong-count", at=count)

    count.fill(str(LEAVING))
    button.click()
    portal.check_a11y(upstream=WAGTAIL_BANNER)
    expect(_message(page)).to_contain_text(
        f"Staff imported: 0 added, 0 updated, {len(staying)} unchanged, {LEAVING} marked inactive."
    )
    with server_lock:
        assert _counts() == (DIRECTORY_SIZE, len(staying), 1)
        assert not Staff.objects.filter(pk__in=[p.pk for p in leaving], active=True).exists()
        applied_at = DirectoryImport.objects.get().applied_at
    last = page.get_by_role("region", name="The last import")
    expect(last).to_contain_text(f"{LEAVING} marked inactive")
    in_reader_zone = timezone.localtime(applied_at, zoneinfo.ZoneInfo(READER_ZONE))
    expect(last).to_contain_text(f"{in_reader_zone:%-d %b %Y, %H:%M}")
    _both_widths(portal, "staff-import-full-done")

    last.get_by_role("button", name="Undo this import").click()
    portal.check_a11y(upstream=WAGTAIL_BANNER)
    expect(_message(page)).to_contain_text(
        f"The import of {in_reader_zone:%-d %b %Y, %H:%M} was undone: 0 people it added are "
        f"inactive again, 0 are as they were, and {LEAVING} it marked inactive are active again."
    )
    expect(page.get_by_role("region", name="The last import")).to_have_count(0)
    _both_widths(portal, "staff-import-undone")
    with server_lock:
        assert _counts() == (DIRECTORY_SIZE, DIRECTORY_SIZE, 1)
        assert DirectoryImport.objects.get().undone_by == manager


@pytest.mark.parametrize(
    ("name", "content", "sentence"),
    [
        ("empty.csv", b"", "The submitted file is empty."),
        (
            "wrong-header.csv",
            b"id;mail;full name\r\nN1;ada@example.com;Ada Newton\r\n",
            "The header has no column employee_id, email, name, department, role, location, "
            "manager_email, start_date.",
        ),
        (
            "staff.xlsx",
            b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\xa3\x9c\x1b\xe2\xb3\x01\x00\x00"
            + bytes(range(256)) * 8,
            "This is a spreadsheet workbook (such as .xlsx), not a CSV file. Save it as CSV "
            "(in Excel: File, Save As, CSV UTF-8) and upload that file.",
        ),
        (
            "garbage.csv",
            bytes((n * 131 + 7) % 256 for n in range(4000)),
            "This file is not text, so it cannot be a CSV export (is it a picture, a PDF or a "
            "workbook?). Save the export as CSV and upload that file.",
        ),
    ],
    ids=["empty", "wrong-header", "excel-workbook", "binary-garbage"],
)
def test_a_bad_file_gets_a_sentence_and_changes_nothing(
    sign_in_as, manager, directory, tmp_path, server_lock, name, content, sentence
):
    path = tmp_path / name
    path.write_bytes(content)
    portal = sign_in_as(manager)
    page = portal.page
    portal.goto("/admin/staff-import/")

    _check(portal, path, full=True)

    expect(page.get_by_text(sentence)).to_be_visible()
    if content:  # a file the form took, but nothing in it could be read
        expect(page.get_by_role("heading", name=f"{name} could not be read")).to_be_visible()
        expect(page.get_by_text("Nothing was imported.")).to_be_visible()
        expect(_summary(page, "Rows read")).to_have_count(0)  # no table of zeros
    expect(page.get_by_role("button", name=re.compile("^Import"))).to_have_count(0)
    _both_widths(portal, f"staff-import-bad-{name.split('.')[0]}")
    with server_lock:
        assert _counts() == (DIRECTORY_SIZE, DIRECTORY_SIZE, 0)
