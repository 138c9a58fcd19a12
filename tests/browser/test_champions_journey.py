"""The champion programme in a browser, end to end. A member of staff nominates a colleague; a
community manager reviews the queue (the score explained term by term) and invites them; the
candidate accepts and publishes a profile; the champion is found in the directory by
department and by focus area, and counts in the coverage page and the champion report (HTML
and PDF). axe checks every page and every htmx swap."""

import re
from datetime import timedelta

from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from champions.models import Champion, Nomination, NominationReason, ScoreSettings
from portal.factories import (
    DepartmentFactory,
    LocationFactory,
    RoleFactory,
    StaffFactory,
    UserFactory,
)
from portal.tiers.models import EngagementEvent
from portal.tiers.services import engagement_record
from tests.pdf_text import pdf_text

CANDIDATE = "Amara Okafor"
NOMINATOR = "Tom Rivera"
MANAGER = "Priya Shah"
# Alphabetically Customer Support comes first; on the coverage page the team without a
# champion must come first all the same.
DEPT_A = "Customer Support"
DEPT_B = "Finance"
REASON = "Amara answers the hardest billing threads in the community, kindly and fast."
WELCOME = "Welcome to the champions!"
CANDIDATE_EMAIL = "amara.okafor@example.com"
# What the community manager writes when inviting: kept with the decision, never shown to the
# nominator, who sees what happened in their own words instead.
REVIEW_NOTE = "Strong on billing; check with her manager about time."
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def _person(name, department, location, *, user=None):
    first, last = name.split()
    user = user or UserFactory(first_name=first, last_name=last)
    user.first_name, user.last_name = first, last
    user.save(update_fields=["first_name", "last_name"])
    staff = StaffFactory(
        display_name=name,
        email=user.email,
        user=user,
        department=department,
        location=location,
        role=RoleFactory(name="Support engineer"),
    )
    return user, staff


def _organisation(community_manager):
    """Two departments: the candidate in A, with community evidence; the nominator and the
    community manager in B. The review queue starts at 5 points."""
    dept_a, dept_b = DepartmentFactory(name=DEPT_A), DepartmentFactory(name=DEPT_B)
    london = LocationFactory(name="London")
    candidate_user, candidate = _person(
        CANDIDATE, dept_a, london, user=UserFactory(email=CANDIDATE_EMAIL)
    )
    nominator_user, nominator = _person(NOMINATOR, dept_b, london)
    _, manager = _person(MANAGER, dept_b, london, user=community_manager)
    now = timezone.now()
    for i in range(12):
        engagement_record(
            staff=candidate,
            kind="community_contributed",
            subject="reply" if i < 10 else "solution",
            source="test",
            occurred_at=now - timedelta(days=2 + 5 * i),
        )
    settings = ScoreSettings.current()
    settings.threshold = 5
    settings.save()
    return {
        "dept_a": dept_a,
        "dept_b": dept_b,
        "candidate_user": candidate_user,
        "candidate": candidate,
        "nominator_user": nominator_user,
        "nominator": nominator,
        "manager": manager,
        "weights": settings,
    }


def _message(page):
    """The page's message after a form (the status region that is not the swap announcer)."""
    return page.get_by_role("status").filter(has=page.locator(".messages"))


def _main_nav(page):
    return page.get_by_role("navigation", name="Main")


def _number(text: str) -> float:
    return float(re.sub(r"[^0-9.]", "", text))


def _breakdown_row(card, label):
    """(count, weight, points) of one row of a candidate's breakdown table."""
    row = card.get_by_role("row").filter(has=card.page.get_by_role("rowheader", name=label))
    expect(row).to_have_count(1)
    count, weight, points = (_number(t) for t in row.get_by_role("cell").all_inner_texts())
    return count, weight, points


def _focused(page) -> dict:
    """What has focus now: its id, role, text, and whether it is marked as where a swap lands."""
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            return {id: el.id, role: el.getAttribute('role'), text: el.textContent.trim(),
                    swapFocus: el.hasAttribute('data-swap-focus'), tag: el.tagName};
        }"""
    )


def _announced(page, text):
    """The page's live region reads out what the swap brought."""
    expect(page.locator("#announcer")).to_contain_text(text)


def _nominate(portal, server_lock):
    """The nominator, on a phone: the nomination form, once refused for want of a reason (the
    text kept, focus on the field to fix), then sent; then the same person again, which records
    nothing and says when they did."""
    page = portal.page
    page.set_viewport_size(PHONE)
    portal.goto("/champions/")
    expect(page.get_by_role("heading", name="Champions", level=1)).to_be_visible()
    page.get_by_role("link", name="Nominate a colleague").click()
    portal.check_a11y()
    expect(page.get_by_role("heading", name="Nominate a champion", level=1)).to_be_visible()
    mine = page.locator("#my-nominations")
    expect(mine).to_contain_text("You have not nominated anyone yet.")

    search = page.get_by_label("Colleague", exact=True)
    matches = page.locator("#people-matches")
    choice = f"{CANDIDATE} ({DEPT_A})"

    # Part of the name: the live matches (htmx) offer the colleague, with their department.
    # (Wait for the answer to the whole word: on a slow machine an earlier pause in typing
    # may have drawn the list already, and the last answer redraws it.)
    with page.expect_response(lambda r: "search=okaf&" in r.url or r.url.endswith("search=okaf")):
        search.press_sequentially("okaf", delay=40)
    expect(matches.get_by_role("group", name="Pick the colleague you mean")).to_be_visible()
    expect(matches.get_by_label(choice)).to_have_count(1)
    portal.check_a11y()
    matches.get_by_label(choice).check()

    # No reason: the browser asks for one (the field is required), nothing is sent.
    reason = page.get_by_label("Why would they make a good champion?")
    page.get_by_role("button", name="Send the nomination").click()
    assert reason.evaluate("el => el.validity.valueMissing") is True
    expect(matches.get_by_label(choice)).to_be_checked()  # still this page, not a new one

    # A reason of blanks passes the browser: the server refuses it in words (htmx swaps the
    # form in place), keeping what was typed, and focus lands on the field to fix.
    reason.fill("   ")
    page.evaluate("window.notReloaded = true")
    page.get_by_role("button", name="Send the nomination").click()
    expect(page.get_by_role("alert")).to_have_text(
        "Say in a sentence or two why they would make a good champion."
    )
    expect(reason).to_be_focused()
    assert _focused(page)["id"] == "id_reason"
    expect(reason).to_have_attribute("aria-invalid", "true")
    portal.check_a11y()
    assert page.evaluate("window.notReloaded") is True
    expect(search).to_have_value("okaf")
    expect(matches.get_by_label(choice)).to_be_checked()  # the colleague is still picked
    with server_lock:
        assert not Nomination.objects.exists()

    reason.fill(REASON)
    page.get_by_role("button", name="Send the nomination").click()
    outcome = page.locator("#nominate-form")
    thanks = outcome.get_by_role("status")
    expect(thanks).to_contain_text(f"Thank you: you nominated {CANDIDATE}.")
    expect(thanks).to_be_focused()
    assert _focused(page)["swapFocus"] is True
    _announced(page, f"Thank you: you nominated {CANDIDATE}.")
    expect(outcome.locator(".continue")).to_be_visible()  # the one next step
    # The list below is brought up to date in the same answer.
    entry = mine.get_by_role("listitem").filter(has_text=CANDIDATE)
    expect(entry).to_contain_text("Under review")
    expect(entry).to_contain_text(f"“{REASON}”")
    portal.check_a11y()
    assert page.evaluate("window.notReloaded") is True
    portal.screenshot("champions-nominated-phone")

    # The same colleague again: nothing new is recorded, and the page says when and what next.
    outcome.get_by_role("link", name="Nominate someone else").click()
    portal.check_a11y()
    search.fill(CANDIDATE_EMAIL)
    reason.fill("She also runs our team's community hour.")
    page.evaluate("window.notReloaded = true")
    page.get_by_role("button", name="Send the nomination").click()
    already = page.locator("#nominate-notice")
    expect(already).to_contain_text(f"You already nominated {CANDIDATE} on")
    expect(already).to_contain_text("Where it stands: Under review.")
    expect(already).to_be_focused()
    _announced(page, f"You already nominated {CANDIDATE} on")
    expect(reason).to_have_value("She also runs our team's community hour.")  # not lost
    expect(mine.get_by_role("listitem")).to_have_count(1)
    portal.check_a11y()
    assert page.evaluate("window.notReloaded") is True
    portal.screenshot("champions-nominated-again-phone")
    with server_lock:
        assert NominationReason.objects.count() == 1
        assert NominationReason.objects.get().reason == REASON
    page.set_viewport_size(DESKTOP)


def _follow_my_nominations(portal):
    """Once the nominee has accepted, the nominator sees it on My path and on the nominate
    page, in their own words; never the reviewers'."""
    page = portal.page
    page.set_viewport_size(PHONE)
    portal.goto("/my-path/")
    panel = page.get_by_role("region", name="Your nominations")
    expect(panel.get_by_role("listitem")).to_have_count(1)
    expect(panel).to_contain_text(CANDIDATE)
    expect(panel).to_contain_text("Now a champion")
    panel.scroll_into_view_if_needed()
    portal.screenshot("champions-my-path-nominations-phone")
    panel.get_by_role("link", name=re.compile("your reasons", re.IGNORECASE)).click()
    portal.check_a11y()
    mine = page.locator("#my-nominations")
    expect(mine).to_be_in_viewport()
    expect(mine).to_contain_text("Now a champion")
    expect(page.get_by_text(REVIEW_NOTE)).to_have_count(0)
    portal.screenshot("champions-my-nominations-phone")
    page.set_viewport_size(DESKTOP)


def _review_and_invite(portal, org):
    page = portal.page
    weights = org["weights"]
    portal.goto("/")
    _main_nav(page).get_by_role("link", name="Champion review").click()
    portal.check_a11y()
    expect(page.get_by_role("heading", name="Champion review", level=1)).to_be_visible()
    queue = page.locator(".champion-queue > li")
    expect(queue).to_have_count(1)  # the nominator's single point is below the cutoff
    card = page.locator(f"#candidate-{org['candidate'].pk}")
    expect(card.get_by_role("heading", level=2)).to_contain_text(CANDIDATE)
    expect(card).to_contain_text(DEPT_A)

    # Every term is count x weight, and the score is their sum.
    count, weight, points = _breakdown_row(card, "Community posts and replies, last 90 days")
    assert (count, weight, points) == (10, weights.contributions, 10 * weights.contributions)
    count, weight, points = _breakdown_row(card, "Colleagues who nominated them")
    assert (count, weight, points) == (1, weights.nominations, 1 * weights.nominations)
    count, weight, points = _breakdown_row(card, "Accepted solutions")
    assert (count, weight, points) == (2, weights.solutions, 2 * weights.solutions)
    rows = card.locator("tbody tr")
    total = sum(_number(r.get_by_role("cell").last.inner_text()) for r in rows.all())
    score = card.get_by_role("heading", level=2).locator(".badge").inner_text()
    assert score == f"{total:.1f} points"
    portal.screenshot("champions-review-queue")

    # Invite, with a note for the programme (only deferring and dismissing need one).
    card.get_by_label(re.compile("Reason")).fill(REVIEW_NOTE)
    card.get_by_role("button", name="Invite").click()
    expect(_message(page)).to_contain_text(f"Saved your decision on {CANDIDATE}.")
    portal.check_a11y()
    expect(page.locator(f"#candidate-{org['candidate'].pk}")).to_have_count(0)
    expect(page.get_by_text("Nobody is waiting for review.")).to_be_visible()


def _accept_and_publish(portal, org):
    page = portal.page
    portal.goto("/champions/me/")
    invitation = page.get_by_role("region", name="You are invited to be a champion")
    expect(invitation).to_be_visible()
    invitation.get_by_role("button", name="Accept the invitation").click()
    expect(_message(page)).to_contain_text(WELCOME)
    portal.check_a11y()
    profile = page.get_by_role("region", name="Your champion profile")
    expect(profile).to_contain_text("You have been a champion since")
    profile.get_by_label("Show my profile in the champions directory").check()
    profile.get_by_label("Ask me about").fill("Security")
    profile.get_by_label("A few words about you").fill("Ten years on the support desk.")
    profile.get_by_role("button", name="Save my profile").click()
    expect(_message(page)).to_contain_text("Your profile is saved.")
    portal.check_a11y()
    expect(profile.get_by_label("Show my profile in the champions directory")).to_be_checked()
    expect(profile.get_by_label("Ask me about")).to_have_value("Security")


def _find_in_directory(portal, org):
    page = portal.page
    portal.goto("/")
    _main_nav(page).get_by_role("link", name="Champions").click()
    portal.check_a11y()
    results = page.locator("#champions-results")
    department = page.get_by_label("Department")
    # The nominator's own department to start with: no champion there.
    expect(department.locator("option:checked")).to_have_text(DEPT_B)
    expect(results).to_contain_text("No champion with a public profile matches this yet.")

    # Choosing department A swaps the results in place (htmx), and the address follows.
    page.evaluate("window.notReloaded = true")
    department.select_option(label=DEPT_A)
    card = results.get_by_role("listitem").filter(has_text=CANDIDATE)
    expect(card).to_be_visible()
    portal.check_a11y()
    assert page.evaluate("window.notReloaded") is True
    expect(page).to_have_url(re.compile(rf"department={org['dept_a'].pk}"))
    expect(card.get_by_role("heading", level=3)).to_have_text(CANDIDATE)
    expect(card).to_contain_text("Ask me about: Security")
    expect(card).to_contain_text(f"Support engineer · {DEPT_A} · London")
    portal.screenshot("champions-directory")

    # All departments, by focus area: part of the word finds them; another topic does not.
    department.select_option(label="All departments")
    expect(results).to_contain_text(CANDIDATE)
    focus = page.get_by_label("Focus area")
    focus.fill("Billing")
    focus.press("Enter")
    expect(results).to_contain_text("No champion with a public profile matches this yet.")
    portal.check_a11y()
    focus.fill("Secur")
    focus.press("Enter")
    expect(card).to_be_visible()
    expect(page).to_have_url(re.compile(r"focus=Secur"))
    portal.check_a11y()
    assert page.evaluate("window.notReloaded") is True


def _coverage_and_report(portal, org):
    page = portal.page
    portal.goto("/")
    _main_nav(page).get_by_role("link", name="Champion review").click()
    portal.check_a11y()
    page.get_by_role("link", name="Coverage by team").click()
    portal.check_a11y()
    expect(page.get_by_role("heading", name="Champion coverage by department")).to_be_visible()
    rows = page.locator("table.coverage tbody tr")
    expect(rows).to_have_count(2)
    # Finance has no champion, so it comes first (before Customer Support, alphabetically
    # first), flagged in words; its best candidate is the nominator, with their one point.
    first, second = rows.nth(0), rows.nth(1)
    expect(first.get_by_role("rowheader")).to_have_text(f"{DEPT_B} No champion")
    assert first.get_by_role("cell").all_inner_texts() == ["2", "0", "1", "1", f"{NOMINATOR} (1)"]
    expect(second.get_by_role("rowheader")).to_have_text(DEPT_A)
    assert second.get_by_role("cell").all_inner_texts() == ["1", "1", "1", "0", "—"]
    portal.screenshot("champions-coverage")

    page.get_by_role("link", name="Champion report").click()
    portal.check_a11y()
    expect(page.get_by_role("heading", name="Champion report", level=1)).to_be_visible()
    active = page.get_by_role("table", name="Active champions by department")
    expect(active.get_by_role("row").filter(has_text=CANDIDATE)).to_contain_text(DEPT_A)
    gaps = page.get_by_role("table", name="Departments below their target")
    expect(gaps.get_by_role("rowheader")).to_have_text([DEPT_B])
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as PDF").click()
    assert re.fullmatch(
        r"champion-report-\d{4}-\d{2}-\d{2}\.pdf", download.value.suggested_filename
    )
    text = pdf_text(download.value.path().read_bytes())
    assert "Champion report" in text
    assert CANDIDATE in text
    assert "Departments without a champion 1" in text


def test_nominate_review_invite_accept_and_find_the_champion(
    sign_in_as, community_manager, server_lock
):
    org = _organisation(community_manager)
    candidate = org["candidate"]

    # 1. A member of staff nominates a colleague.
    portal = sign_in_as(org["nominator_user"])
    _nominate(portal, server_lock)
    with server_lock:
        nomination = Nomination.objects.get()
        assert nomination.nominee == candidate
        reason = NominationReason.objects.get(nomination=nomination)
        assert (reason.nominator, reason.reason) == (org["nominator"], REASON)
        assert not Champion.objects.exists()

    # 2. A community manager reviews the queue and invites them.
    portal.page.context.clear_cookies()
    sign_in_as(community_manager)
    mail.outbox.clear()
    _review_and_invite(portal, org)
    with server_lock:
        champion = Champion.objects.get(staff=candidate)
        assert champion.status == Champion.Status.INVITED
        assert champion.decided_by == community_manager
        assert champion.reason == REVIEW_NOTE
        assert champion.invited_at is not None
        assert champion.breakdown["contributions"] == 10 * org["weights"].contributions
        assert champion.breakdown["nominations"] == org["weights"].nominations
        assert [m.to for m in mail.outbox] == [[candidate.email]]

    # 3. The candidate accepts and publishes a profile.
    portal.page.context.clear_cookies()
    sign_in_as(org["candidate_user"])
    _accept_and_publish(portal, org)
    with server_lock:
        champion.refresh_from_db()
        assert champion.status == Champion.Status.ACTIVE
        assert champion.active_since is not None
        assert (champion.public_profile, champion.focus_areas) == (True, "Security")
        joined = EngagementEvent.objects.filter(staff=candidate, kind="champion_joined")
        assert joined.count() == 1

    # 4. The nominator sees where their nomination stands; anyone finds them in the directory.
    portal.page.context.clear_cookies()
    sign_in_as(org["nominator_user"])
    _follow_my_nominations(portal)
    _find_in_directory(portal, org)

    # 5. The community manager sees the coverage and the champion report.
    portal.page.context.clear_cookies()
    sign_in_as(community_manager)
    _coverage_and_report(portal, org)
