"""The adoption report in a browser. A leader opens the dashboard, filters it to a department
(htmx, the address follows), downloads the PDF and the spreadsheet of that view; a people
manager sees their own reporting line, by name, and nothing of another line. axe checks every
page and every swap; screenshots of the dashboard and of the PDF's first page are kept."""

import io
import re
import shutil
import subprocess
from datetime import timedelta

import openpyxl
from django.utils import timezone
from playwright.sync_api import expect

from portal.factories import DepartmentFactory, RoleFactory, StaffFactory, UserFactory
from portal.tiers.models import Tier, TierAttainment
from tests.browser.conftest import ARTIFACTS
from tests.pdf_text import pdf_text

SALES = ["Amal Sayegh", "Bruno Costa", "Chidi Eze", "Dana Kowalski", "Elif Demir", "Femi Bello"]
SUPPORT = ["Greta Lind", "Hiro Tanaka", "Ines Duarte", "Jonas Berg", "Kira Novak", "Luca Romano"]


def _organisation():
    """Two departments, each under its own manager; some people at their target tier."""
    trained = Tier.objects.get(name="Trained")
    role = RoleFactory(name="Account executive", target_tier=Tier.objects.get(name="Aware"))
    now = timezone.now()
    lines = {}
    for department_name, manager_name, names in (
        ("Sales", "Morgan Lee", SALES),
        ("Support", "Riley Shaw", SUPPORT),
    ):
        department = DepartmentFactory(name=department_name)
        first, last = manager_name.split()
        user = UserFactory(first_name=first, last_name=last)
        manager = StaffFactory(
            display_name=manager_name, user=user, department=department, role=role
        )
        for i, name in enumerate(names):
            person = StaffFactory(
                display_name=name,
                manager=manager,
                department=department,
                role=role,
                start_date=(now - timedelta(days=400)).date(),
            )
            for tier in Tier.objects.filter(order__lte=trained.order if i % 2 else 1)[: i % 3]:
                TierAttainment.objects.create(
                    staff=person, tier=tier, reached_at=now - timedelta(days=10 * (i + 1))
                )
        lines[department_name] = (user, manager)
    return lines


def test_a_leader_filters_the_dashboard_and_downloads_the_pdf_and_spreadsheet(
    sign_in_as, leader_user, server_lock
):
    _organisation()
    portal = sign_in_as(leader_user)
    page = portal.page
    portal.goto("/reports/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Whole organisation")
    expect(page.get_by_role("navigation", name="Sections of this report")).to_be_visible()
    expect(page.locator("#by_department tbody tr")).to_have_count(2)
    portal.screenshot("reports-dashboard")

    page.get_by_role("combobox", name="Department").select_option(label="Sales")
    page.wait_for_url(re.compile(r"/reports/\?department=\d+$"))
    expect(page.get_by_role("status")).to_contain_text("Showing Whole organisation, Sales")
    expect(page.locator("#by_department tbody tr")).to_have_count(1)
    expect(page.locator("#by_department tbody th")).to_have_text("Sales")
    portal.check_a11y()
    assert "Amal Sayegh" not in page.content()  # a leader reads aggregates, never names

    with page.expect_download() as download:
        page.get_by_role("link", name="PDF", exact=True).click()
    assert re.fullmatch(
        r"adoption-whole-organisation-sales-\d{4}-\d{2}-\d{2}\.pdf",
        download.value.suggested_filename,
    )
    pdf = download.value.path().read_bytes()
    text = pdf_text(pdf)
    assert "Whole organisation, Sales" in text and "What changed since last week" in text
    assert "Support" not in text and "Amal Sayegh" not in text
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "reports-leader.pdf").write_bytes(pdf)
    if pdftoppm := shutil.which("pdftoppm"):
        subprocess.run(  # noqa: S603  (a fixed tool on our own file)
            [
                pdftoppm,
                "-png",
                "-r",
                "70",
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                str(ARTIFACTS / "reports-leader.pdf"),
                str(ARTIFACTS / "reports-pdf-first-page"),
            ],
            check=True,
        )

    with page.expect_download() as download:
        page.get_by_role("link", name="Spreadsheet (XLSX)").click()
    book = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes()))
    summary = [c for row in book["Summary"].iter_rows(values_only=True) for c in row if c]
    assert "Whole organisation, Sales" in summary
    assert "By department" in book.sheetnames and "People" not in book.sheetnames


def test_a_manager_sees_their_own_line_by_name_and_nothing_of_another(sign_in_as, server_lock):
    lines = _organisation()
    user, _ = lines["Sales"]
    _, other = lines["Support"]
    portal = sign_in_as(user)
    page = portal.page
    portal.goto("/")
    page.get_by_role("link", name="Reports").click()
    portal.check_a11y()
    expect(page.get_by_role("heading", level=1)).to_have_text("Morgan Lee's reporting line")
    people = page.locator("#people")
    for name in SALES:
        expect(people).to_contain_text(name)
    content = page.content()
    assert not any(name in content for name in SUPPORT)
    assert "Riley Shaw" not in content
    portal.screenshot("reports-manager")

    response = portal.goto(f"/reports/?line={other.pk}")
    assert response.status == 404
    response = page.goto(f"{portal.base_url}/reports/adoption.csv?line={other.pk}")
    assert response.status == 404
    portal.check_a11y()
