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

    page.evaluate("document.getElementById('id_department')._kept = true")
    page.get_by_role("combobox", name="Department").select_option(label="Sales")
    page.wait_for_url(re.compile(r"/reports/\?department=\d+$"))
    expect(page.locator(".report-scope")).to_contain_text("Showing Whole organisation, Sales")
    expect(page.locator("#announcer")).to_contain_text("Showing Whole organisation, Sales")
    # The form someone is using is never replaced: the same select, still theirs.
    assert page.evaluate("document.getElementById('id_department')._kept === true")
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


def test_two_quick_filter_changes_both_apply(sign_in_as, leader_user, server_lock):
    _organisation()
    portal = sign_in_as(leader_user)
    page = portal.page
    portal.goto("/reports/")
    with server_lock:  # the first change's answer is held back while the second is made
        page.get_by_role("combobox", name="Department").select_option(label="Support")
        page.get_by_role("combobox", name="Period").select_option(index=0)
        chosen_period = page.get_by_role("combobox", name="Period").input_value()
    page.wait_for_url(re.compile(rf"department=\d+.*period={chosen_period}|period=.*department="))
    expect(page.locator(".report-scope")).to_contain_text("Support, last 4 weeks")
    assert page.get_by_role("combobox", name="Period").input_value() == chosen_period
    portal.check_a11y()


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


def _commerce():
    """Commerce, with two teams: Retail (6 people, and Retail North's 5 under it) and
    Wholesale (6)."""
    role = RoleFactory(name="Account executive", target_tier=Tier.objects.get(name="Aware"))
    commerce = DepartmentFactory(name="Commerce")
    retail = DepartmentFactory(name="Retail", parent=commerce)
    north = DepartmentFactory(name="Retail North", parent=retail)
    wholesale = DepartmentFactory(name="Wholesale", parent=commerce)
    for department, n in ((retail, 6), (north, 5), (wholesale, 6)):
        for i in range(n):
            StaffFactory(display_name=f"{department.name} {i}", department=department, role=role)
    return commerce, retail


def test_a_leader_drills_from_a_department_into_its_teams_and_back(
    sign_in_as, leader_user, server_lock
):
    commerce, retail = _commerce()
    portal = sign_in_as(leader_user)
    page = portal.page
    portal.goto("/reports/")
    departments = page.locator("#by_department")
    departments.get_by_role("link", name="Commerce").click()
    page.wait_for_url(re.compile(rf"/reports/\?department={commerce.pk}$"))
    portal.check_a11y()
    expect(page.get_by_role("heading", name="By team", exact=True)).to_be_visible()
    teams = page.locator("#by_team tbody th")
    expect(teams).to_have_text(["Retail: open its teams", "Wholesale"])
    expect(page.locator("#by_team tbody tr").first).to_contain_text("11")  # North's 5 too
    trail = page.get_by_role("navigation", name="Where this department sits")
    expect(trail.get_by_role("link")).to_have_text(["Whole organisation", "Commerce"])
    portal.screenshot("reports-drill-commerce")

    page.locator("#by_team").get_by_role("link", name="Retail").click()
    page.wait_for_url(re.compile(rf"department={retail.pk}$"))
    portal.check_a11y()
    expect(page.locator("#by_team tbody th")).to_have_text(["Retail North", "Retail, in no team"])
    expect(trail.get_by_role("link")).to_have_text(["Whole organisation", "Commerce", "Retail"])
    expect(trail.locator("[aria-current=page]")).to_have_text("Retail")
    page.set_viewport_size({"width": 390, "height": 844})
    portal.screenshot("reports-drill-retail-phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    trail.get_by_role("link", name="Commerce").click()
    page.wait_for_url(re.compile(rf"department={commerce.pk}$"))
    portal.check_a11y()
    trail.get_by_role("link", name="Whole organisation").click()
    page.wait_for_url(re.compile(r"/reports/$"))
    portal.check_a11y()
    expect(page.locator("#by_department tbody th").first).to_have_text("Commerce: open its teams")


def test_a_manager_searches_sorts_pages_and_sends_reminders(sign_in_as, server_lock):
    lines = _organisation()
    user, manager = lines["Sales"]
    role = manager.role
    for i in range(50):
        StaffFactory(
            display_name=f"Zed Paged {i:02d}",
            manager=manager,
            department=manager.department,
            role=role,
        )
    portal = sign_in_as(user)
    page = portal.page
    portal.goto("/reports/")
    results = page.locator("#people-results")
    expect(results.locator(".report-people__count")).to_contain_text("Showing 1 to 50 of 56 people")

    search = page.get_by_role("searchbox", name="Find a person by name or email")
    search.fill("amal")
    page.wait_for_url(re.compile(r"q=amal"))
    expect(results.locator("tbody tr")).to_have_count(1)
    expect(results.locator("tbody th")).to_have_text("Amal Sayegh")
    expect(page.locator("#announcer")).to_contain_text("Showing 1 to 1 of 1 person matching")
    expect(search).to_be_focused()  # typing is never interrupted
    portal.check_a11y()
    search.fill("")
    expect(results.locator("tbody tr")).to_have_count(50)

    results.get_by_role("link", name=re.compile(r"^Name")).click()
    page.wait_for_url(re.compile(r"sort=name"))
    expect(results.locator("tbody th").first).to_have_text("Amal Sayegh")
    expect(page.locator(".report-people__count")).to_be_focused()
    expect(page.locator("th[aria-sort=ascending]")).to_contain_text("Name")
    portal.check_a11y()

    page.get_by_role("navigation", name="Pages of people").get_by_role(
        "link", name="Next page"
    ).click()
    page.wait_for_url(re.compile(r"sort=name.*page=2|page=2.*sort=name"))
    expect(results.locator(".report-people__count")).to_contain_text("Showing 51 to 56 of 56")
    expect(results.locator("tbody tr")).to_have_count(6)
    portal.check_a11y()
    page.reload()  # the address holds the page: a reload agrees with the swap
    portal.check_a11y()
    expect(results.locator("tbody tr")).to_have_count(6)
    portal.screenshot("reports-people-page-2")

    button = results.get_by_role("button", name=re.compile(r"^Send a reminder to the \d+ people"))
    button.click()
    status = results.get_by_role("status")
    expect(status).to_contain_text("reminders queued")
    expect(status).to_be_focused()
    expect(results.locator("tbody tr")).to_have_count(6)  # still the page it was on
    portal.check_a11y()
    results.get_by_role("button", name=re.compile(r"^Send a reminder")).click()
    expect(results.get_by_role("status")).to_contain_text("already reminded this week")
    portal.check_a11y()
    page.set_viewport_size({"width": 390, "height": 844})
    portal.screenshot("reports-people-phone")


def test_a_leader_reads_what_is_withheld_and_why(sign_in_as, leader_user, server_lock):
    """Engineering: 5 engineers and 1 IT administrator. Filtered to Engineering, both rows of
    the table by role read "withheld" (6 minus 5 would be the administrator), while
    Engineering's own numbers show; the footnote says why, in words. A reporting line shows a
    leader no numbers, and says so instead."""
    aware = Tier.objects.get(name="Aware")
    engineering, sales = DepartmentFactory(name="Engineering"), DepartmentFactory(name="Sales")
    engineer = RoleFactory(name="Software Engineer", target_tier=aware)
    admin = RoleFactory(name="IT Administrator", target_tier=aware)
    seller = RoleFactory(name="Seller", target_tier=aware)
    boss = StaffFactory(display_name="Noor Haddad", department=sales, role=seller)
    start = (timezone.now() - timedelta(days=400)).date()
    for i, (department, role) in enumerate(
        [(engineering, engineer)] * 5
        + [(engineering, admin)]
        + [(sales, seller)] * 6
        + [(sales, admin)] * 5
    ):
        StaffFactory(
            display_name=f"Person {i}",
            department=department,
            role=role,
            start_date=start,
            manager=boss if department == sales else None,
        )
    portal = sign_in_as(leader_user)
    page = portal.page
    portal.goto(f"/reports/?department={engineering.pk}")
    roles = page.locator("#by_role tbody tr")
    expect(roles).to_have_count(2)
    for row in range(2):
        expect(roles.nth(row).locator("td").first).to_have_text("withheld")
    expect(page.locator(".report-stats")).to_contain_text("of 6 whose role asks a tier")
    footnote = page.locator("#privacy-note")
    expect(footnote).to_contain_text("worked out by subtraction")
    page.get_by_role("link", name="What this report hides").click()
    expect(footnote).to_be_in_viewport()
    portal.check_a11y()
    portal.screenshot("reports-withheld")
    page.set_viewport_size({"width": 390, "height": 844})
    portal.screenshot("reports-withheld-phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    portal.goto(f"/reports/?line={boss.pk}")
    expect(page.locator(".report-unpublished")).to_contain_text("reporting line")
    departments = page.locator("#by_department")
    expect(departments).to_contain_text("Not shown in this view")
    expect(departments.locator("table")).to_have_count(0)  # no table of nothing
    portal.check_a11y()
    portal.screenshot("reports-line-for-a-leader")
