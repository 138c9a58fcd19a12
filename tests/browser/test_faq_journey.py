"""The FAQ loop in a browser: a member of staff searches, reads, votes and asks; an editor
answers from the queue; the asker finds the answer on My path. What they have read is marked
"Read" in the guide. axe checks every page."""

import re

from django.core import mail
from playwright.sync_api import expect

from faq.models import FAQEntryPage, FAQVote, Question

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

# Findings on Wagtail's own page editor, which we do not build: its rich-text box has no
# accessible name, and its green success banner is a shade too light.
WAGTAIL_EDITOR = {
    "aria-input-field-name": "Wagtail's Draftail editor box (upstream)",
    "color-contrast": "Wagtail's success banner (upstream)",
}


def test_staff_asks_editor_answers_staff_reads(sign_in_as, seeded):
    staff, editor = seeded["staff"], seeded["editor"]
    portal = sign_in_as(staff)
    page = portal.page

    # Search as you type: results appear without submitting, the matching words marked.
    portal.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="FAQ guide").click()
    portal.check_a11y()
    page.get_by_label("Search the FAQ guide").press_sequentially("booking a seat", delay=30)
    first = page.locator("#search-results .faq-hit").first
    first.wait_for()
    assert "office hours" in first.inner_text()
    assert first.locator("mark").count() >= 1
    portal.check_a11y()
    portal.screenshot("faq-live-search")

    # Open the entry and say it helped: the vote is saved in place.
    first.get_by_role("link").click()
    portal.check_a11y()
    assert page.get_by_role("heading", level=1).inner_text().startswith("How do I book a seat")
    page.get_by_role("button", name="Yes, it helped").click()
    thanks = page.locator("#helpful").get_by_role("status")
    expect(thanks).to_contain_text("You said this helped")
    portal.check_a11y()
    # The pressed button was replaced: focus is on the answer to it, which is read out.
    expect(thanks).to_be_focused()
    expect(page.locator("#announcer")).to_contain_text("You said this helped")
    entry = FAQEntryPage.objects.get(title__startswith="How do I book a seat")
    assert FAQVote.objects.get(user=staff, entry=entry).helpful
    portal.screenshot("faq-entry")

    # Back in the guide, the entry is marked as read, in words, and counted.
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="FAQ guide").click()
    portal.check_a11y()
    item = page.locator(".faq-list li").filter(has=page.get_by_role("link", name=entry.title))
    expect(item.first).to_contain_text("Read")
    assert re.search(r"You have read \d+ of \d+ entries\.", page.locator("main").inner_text())
    page.set_viewport_size(PHONE)
    portal.screenshot("faq-guide-read")
    page.set_viewport_size(DESKTOP)

    # Ask something the guide does not answer.
    portal.goto(entry.get_parent().get_parent().url + "search/?q=expenses+for+a+meetup")
    page.get_by_role("link", name=re.compile("^Ask")).click()
    portal.check_a11y()
    question_text = "Can I expense coffee for a customer meetup I host?"
    page.get_by_label("Your question").fill(question_text)
    page.get_by_role("button", name="Send the question").click()
    portal.check_a11y()
    assert page.get_by_role("heading", name="Your questions", level=1).is_visible()
    assert "Waiting for an answer" in page.locator(".faq-questions").inner_text()
    question = Question.objects.get(text=question_text)

    # The editor answers it from the queue by writing an entry and publishing it.
    page.context.clear_cookies()
    sign_in_as(editor)
    portal.goto("/admin/faq/questions/")
    page.get_by_role("link", name=question_text).click()
    portal.check_a11y()
    page.get_by_label("Category for the new entry").select_option(label="Getting help")
    page.get_by_role("button", name="Start the entry").click()
    page.wait_for_url(re.compile(r"/admin/pages/\d+/edit/"))
    portal.check_a11y(upstream=WAGTAIL_EDITOR)
    page.locator(".public-DraftEditor-content").first.click()
    page.keyboard.type("Yes, up to a modest amount per guest; keep the receipt.")
    # Draftail writes its content to the form's hidden input when it changes
    # A function, not an expression: Playwright evaluates an expression with eval, which the
    # admin's Content-Security-Policy refuses.
    page.wait_for_function(
        "() => document.querySelector('input[name=answer]').value.includes('receipt')"
    )
    mail.outbox.clear()  # seeding sent its own (booking confirmations): count only this step's
    page.locator(".w-dropdown-button").get_by_role("button", name="More actions").click()
    page.get_by_role("button", name="Publish").click()
    page.wait_for_url(re.compile(r"/admin/pages/\d+/"))
    portal.check_a11y(upstream=WAGTAIL_EDITOR)
    question.refresh_from_db()
    assert question.status == Question.Status.ANSWERED
    assert question.entry.live
    assert [m.to for m in mail.outbox] == [[staff.email]]

    # The asker sees it on My path and reads the answer.
    page.context.clear_cookies()
    sign_in_as(staff)
    portal.goto("/my-path/")
    panel = page.get_by_role("region", name="Your questions")
    assert "Answered" in panel.inner_text()
    portal.screenshot("faq-my-path-answered")
    panel.get_by_role("link", name=re.compile("Read the answer")).first.click()
    portal.check_a11y()
    assert page.get_by_role("heading", level=1).inner_text() == question_text
    assert "keep the receipt" in page.locator(".prose").inner_text()


def test_editor_turns_a_search_gap_into_an_entry(sign_in_as, seeded):
    portal = sign_in_as(seeded["editor"])
    page = portal.page
    portal.goto("/admin/faq/helpfulness/")
    assert page.get_by_text("Needs review").count() >= 1
    portal.goto("/admin/faq/search-gaps/")
    top = page.locator("table.listing tbody tr").first
    query = top.locator("td").first.inner_text()
    top.get_by_role("button", name=re.compile("^Start an entry")).click()
    page.wait_for_url(re.compile(r"/admin/pages/\d+/edit/"))
    portal.check_a11y(upstream=WAGTAIL_EDITOR)
    assert page.locator("#id_title").input_value().lower().startswith(query)
    portal.goto("/admin/faq/search-gaps/")
    assert query not in page.locator("table.listing").inner_text()
