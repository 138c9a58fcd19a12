"""A newcomer goes from their first sign-in to Trained by pressing only "Continue" and the
buttons of the page it leads to: five FAQ entries, the rules of engagement, the WIIFM video,
the knowledge check. They never open a menu or guess a link. axe checks every page and swap."""

import re

from playwright.sync_api import expect

from faq.factories import FAQCategoryPageFactory, FAQEntryPageFactory, FAQIndexPageFactory
from portal.factories import RoleFactory, StaffFactory, UserFactory
from portal.models import HomePage
from portal.tiers.models import Tier, TierAttainment
from training.factories import training_index_make

from .test_training_journey import (
    FAST,
    METADATA,
    PLAYING_MS,
    _check_lesson,
    _module_make,
    _policy_make,
    _ticks,
    _video_lesson,
)


def _programme():
    guide = FAQIndexPageFactory(parent=HomePage.objects.get())
    basics = FAQCategoryPageFactory(parent=guide, title="Basics")
    entries = [
        FAQEntryPageFactory(parent=basics, title=f"What about question {n}?") for n in range(6)
    ]
    _policy_make(training_index_make())
    module = _module_make()
    _video_lesson(module)
    _check_lesson(module)
    return entries


def _continue(page, portal):
    """Press the page's one Continue and arrive where it leads, checked by axe."""
    page.get_by_role("link", name=re.compile(r"^Continue")).first.click()
    page.wait_for_load_state("load")
    portal.check_a11y()


def test_a_newcomer_reaches_trained_by_pressing_continue(sign_in_as, server_lock):
    entries = _programme()
    user = UserFactory(first_name="Ines", last_name="Duarte")
    role = RoleFactory(name="Support engineer", target_tier=Tier.objects.get(order=3))
    staff = StaffFactory(display_name="Ines Duarte", email=user.email, role=role, user=user)
    portal = sign_in_as(user)
    page = portal.page
    portal.goto("/")
    expect(page.locator(".hero .continue")).to_contain_text("Next step: Read 5 FAQ entries")

    read = []
    for _ in range(5):  # each entry's Continue leads to the next unread one
        _continue(page, portal)
        title = page.get_by_role("heading", level=1).inner_text()
        assert title.startswith("What about question") and title not in read, title
        read.append(title)
        if len(read) == 1:
            page.set_viewport_size({"width": 390, "height": 844})
            portal.screenshot("continue-faq-entry-phone")
            page.set_viewport_size({"width": 1280, "height": 900})
    assert read == [e.title for e in entries[:5]]  # the guide's own order

    # Five read: the rules of engagement are next.
    expect(page.locator(".continue")).to_contain_text("Acknowledge the rules of engagement")
    _continue(page, portal)
    expect(page.get_by_role("heading", level=1)).to_have_text("Rules of engagement")
    page.get_by_role("button", name="I have read and will follow these rules").click()
    expect(page.locator("#acknowledgement").get_by_role("status")).to_be_focused()
    portal.check_a11y()

    # The WIIFM video: Continue opens the lesson at the player; the browser plays it.
    expect(page.locator("#acknowledgement .continue")).to_contain_text("Watch the WIIFM video")
    _continue(page, portal)
    video = page.locator("video")
    video.evaluate(METADATA)
    video.evaluate(FAST)
    video.evaluate("v => v.play()")
    completion = page.locator("#completion")
    expect(completion.locator(".continue")).to_contain_text(
        "Complete the training", timeout=PLAYING_MS
    )
    portal.check_a11y()

    # The check, where Continue leads; answered right the first time.
    completion.get_by_role("link", name=re.compile(r"^Continue")).click()
    portal.check_a11y()
    _ticks(page, "Nobody", "Billing", "Security", "Flag it to a community manager")
    page.get_by_role("button", name="Submit answers").click()
    expect(page.locator(".lesson-check").get_by_role("status")).to_contain_text("Passed")
    portal.check_a11y()

    # Trained, the tier the role asks for; Continue now offers going further.
    with server_lock:
        held = set(
            TierAttainment.objects.filter(staff=staff, lapsed_at__isnull=True).values_list(
                "tier__name", flat=True
            )
        )
    assert held == {"Aware", "Informed", "Trained"}
    portal.goto("/my-path/")
    assert "You are at tier 3: Trained." in page.locator(".path-summary").inner_text()
    expect(page.locator(".next-step .continue")).to_be_visible()
