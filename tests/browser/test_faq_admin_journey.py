"""A community manager answers a question from staff with an entry the guide already has,
choosing it in Wagtail's page chooser (whose scripts the screen must load). axe checks every
page we build; Wagtail's own chooser is let through where it is upstream's."""

import re

from django.utils import timezone
from playwright.sync_api import expect

from faq.factories import (
    FAQCategoryPageFactory,
    FAQEntryPageFactory,
    FAQIndexPageFactory,
    FAQVoteFactory,
    QuestionFactory,
)
from faq.models import Question, SearchGap
from portal.models import HomePage

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def test_a_question_is_answered_with_an_existing_entry(sign_in_as, community_manager, server_lock):
    guide = FAQIndexPageFactory(parent=HomePage.objects.get())
    category = FAQCategoryPageFactory(parent=guide, title="Taking part")
    entry = FAQEntryPageFactory(parent=category, title="May I answer in my own words?")
    question = QuestionFactory(text="Can I write answers my own way?")
    portal = sign_in_as(community_manager)
    page = portal.page
    portal.goto(f"/admin/faq/questions/{question.pk}/")

    existing = page.get_by_role("region", name="Answer with an existing entry")
    existing.get_by_role("button", name=re.compile("Choose a page")).click()
    chooser = page.get_by_role("dialog")
    expect(chooser).to_be_visible()
    chooser.get_by_role("link", name=re.compile("May I answer in my own words")).click()
    expect(existing).to_contain_text("May I answer in my own words?")
    existing.get_by_role("button", name="Send this answer").click()
    page.wait_for_url(re.compile(r"/admin/faq/questions/$"))
    expect(page.locator(".messages")).to_contain_text("Answered")
    portal.check_a11y(upstream={"color-contrast": "Wagtail's success banner (upstream)"})
    with server_lock:
        question.refresh_from_db()
    assert question.entry_id == entry.pk and question.status != Question.Status.OPEN


def test_the_faq_lists_filter_sort_and_page(sign_in_as, community_manager, server_lock):
    """Helpfulness and the searches with no results, as Wagtail listings: filter, search and
    sort without leaving the page; axe after each swap; desktop and phone screenshots."""
    guide = FAQIndexPageFactory(parent=HomePage.objects.get())
    category = FAQCategoryPageFactory(parent=guide, title="Taking part")
    unclear = FAQEntryPageFactory(parent=category, title="May I post in my own name?")
    FAQEntryPageFactory(parent=category, title="Who reviews my answers?")
    for helpful in (True, False, False, False, False):
        FAQVoteFactory(entry=unclear, helpful=helpful, comment="" if helpful else "Vague")
    for i, query in enumerate(["expenses for a meetup", "profile badges", "swag order"]):
        SearchGap.objects.create(query=query, searches=9 - i, last_seen=timezone.now())
    portal = sign_in_as(community_manager)
    page = portal.page

    portal.goto("/admin/faq/helpfulness/")
    results = page.locator("#listing-results")
    expect(results).to_contain_text("Needs review")
    expect(results.locator("tbody tr").first).to_contain_text("May I post in my own name?")
    portal.screenshot("faq-admin-helpfulness")
    page.get_by_role("link", name=re.compile("^Not helpful")).click()
    expect(page).to_have_url(re.compile(r"ordering=-?n_unhelpful"))
    portal.check_a11y()
    page.get_by_role("textbox", name="Search term").fill("reviews")
    expect(results.locator("tbody tr")).to_have_count(1)
    expect(results).to_contain_text("Who reviews my answers?")
    portal.check_a11y()
    page.set_viewport_size(PHONE)
    portal.screenshot("faq-admin-helpfulness-phone")
    page.set_viewport_size(DESKTOP)

    portal.goto("/admin/faq/search-gaps/")
    rows = page.locator("#listing-results tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.first).to_contain_text("expenses for a meetup")
    portal.screenshot("faq-admin-search-gaps")
    rows.filter(has_text="swag order").get_by_role("button", name=re.compile("^Dismiss")).click()
    page.wait_for_url(re.compile(r"/admin/faq/search-gaps/$"))
    expect(rows).to_have_count(2)
    portal.check_a11y(upstream={"color-contrast": "Wagtail's success banner (upstream)"})
    page.set_viewport_size(PHONE)
    portal.screenshot("faq-admin-search-gaps-phone")
    with server_lock:
        assert SearchGap.objects.get(query="swag order").dismissed_at is not None
