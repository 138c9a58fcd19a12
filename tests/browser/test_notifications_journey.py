"""Notifications in a browser, with Slack connected (the capture server of tests/peers/slack.py,
the live server's settings pointed at it): a member of staff whose question is answered and
whose seat is booked (the FAQ's and office hours' own services) sees the bell count them, opens
the inbox, follows one (the click counted), marks the rest read; finds the same answer in the
Slack message the portal sent, whose tracked link lands on the entry; sets quiet hours and
turns Slack off for one kind with the keyboard alone; and stops a kind from the link in its
email. axe checks every page and every swap; screenshots at desktop and phone sizes go to
test-artifacts/."""

import json
import re
from datetime import timedelta
from urllib.parse import urlsplit

from django.utils import timezone
from playwright.sync_api import expect

from faq import services as faq_services
from faq.factories import FAQCategoryPageFactory, FAQEntryPageFactory, FAQIndexPageFactory
from notifications.models import Choice, Click, KindDefault, Notification, Settings
from officehours import services as officehours_services
from officehours.factories import OccurrenceFactory, SeriesFactory
from portal.factories import StaffFactory, UserFactory
from portal.models import HomePage
from portal.outbox.models import Message
from portal.outbox.services import messages_deliver
from tests.browser.conftest import ARTIFACTS

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
FAQ_KIND = "faq.question_settled"
DAY_BEFORE = "officehours.24h"


def _tab_to(page, selector: str, *, backwards: bool = False, limit: int = 120):
    """Press Tab (or Shift+Tab) until `selector` has focus, as a person would."""
    for _ in range(limit):
        if page.evaluate("s => document.activeElement?.matches(s) ?? false", selector):
            return
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
    raise AssertionError(f"{selector} never had focus after {limit} presses")


def _focused(page) -> str:
    return page.evaluate("() => document.activeElement.textContent.trim()")


def _slack_links(message: dict) -> list[str]:
    """Every address in a captured Slack message: the title's link and the buttons'."""
    blocks = message["blocks"]
    blocks = json.loads(blocks) if isinstance(blocks, str) else blocks
    text = json.dumps(blocks)
    return re.findall(r"https?://[^\s|>\"]+", text)


def test_a_notification_in_the_inbox_in_slack_and_in_settings(
    sign_in_as, server_lock, slack_server, live_server, settings
):
    settings.WAGTAILADMIN_BASE_URL = live_server.url  # links in messages lead here
    with server_lock:
        user = UserFactory(first_name="Dana", last_name="Ito")
        StaffFactory(user=user, email=user.email, display_name="Dana Ito")
        slack_server.users[user.email] = "U0DANA"
        index = FAQIndexPageFactory(parent=HomePage.objects.get())
        help_ = FAQCategoryPageFactory(parent=index, title="Getting help")
        entry = FAQEntryPageFactory(
            parent=help_,
            title="Can I expense coffee for a customer meetup?",
            answer="<p>Yes, up to the team's meetup budget.</p>",
        )
        question = faq_services.question_ask(
            user=user, text="Can I expense coffee for a customer meetup I host?"
        )
        series = SeriesFactory(title="Open office hours", capacity=4, time_zone="Europe/London")
        occurrence = OccurrenceFactory(series=series, starts_at=timezone.now() + timedelta(days=3))
        # What the editor's "answer with this entry" and the Book button do:
        faq_services.question_answer_with(question=question, entry=entry)
        officehours_services.booking_create(occurrence=occurrence, user=user)
        messages_deliver()  # the worker's turn (already done on commit where eager)
        answered = Notification.objects.get(user=user, kind=FAQ_KIND)
        assert Notification.objects.filter(user=user).count() == 2

    portal = sign_in_as(user)
    page = portal.page
    page.set_viewport_size(DESKTOP)

    # The bell in the header says 2 unread, in words for a screen reader too
    portal.goto("/")
    bell = page.locator("#notifications-bell")
    expect(bell.locator(".bell__count")).to_have_text("2")
    expect(bell).to_have_accessible_name("Notifications, 2 unread")
    expect(bell).not_to_be_focused()  # a count that arrives by itself takes nobody's focus
    portal.check_a11y()
    _shot(page.locator(".site-header"), "notifications-bell-desktop")
    page.set_viewport_size(PHONE)
    expect(page.locator("#notifications-bell .bell__count")).to_be_visible()
    _shot(page.locator(".site-header"), "notifications-bell-phone")
    page.set_viewport_size(DESKTOP)

    # The inbox: both, newest first, unread marked in words
    bell.click()
    portal.check_a11y()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    inbox = page.locator("#inbox")
    expect(inbox.get_by_role("heading", level=2)).to_have_text("2 unread")
    expect(inbox.locator(".inbox__item")).to_have_count(2)
    expect(inbox.locator(".inbox__item").first).to_contain_text("Booked: Open office hours")
    expect(
        inbox.get_by_role("heading", name=re.compile("Your question has an answer"))
    ).to_contain_text("(unread)")
    _shot(page, "notifications-inbox-desktop")
    page.set_viewport_size(PHONE)
    _shot(page, "notifications-inbox-phone")
    page.set_viewport_size(DESKTOP)

    # Following the answer: the click is counted as the inbox's, and it is read
    inbox.get_by_role("link", name="Your question has an answer").click()
    page.wait_for_url(re.compile(re.escape(entry.url) + "$"))
    portal.check_a11y()
    expect(page.get_by_role("heading", level=1)).to_have_text(entry.title)
    with server_lock:
        assert list(
            Click.objects.filter(notification=answered).values_list("channel", flat=True)
        ) == ["inbox"]
        answered.refresh_from_db()
        assert answered.read_at is not None

    # Back in the inbox: one left; "Mark all as read" swaps the list and the bell in place
    portal.goto("/notifications/")
    expect(inbox.get_by_role("heading", level=2)).to_have_text("1 unread")
    _tab_to(page, "#inbox button")
    page.keyboard.press("Enter")
    expect(inbox.get_by_role("heading", level=2)).to_have_text("All read")
    expect(inbox.get_by_role("heading", level=2)).to_be_focused()
    expect(page.locator("#notifications-bell .bell__count")).to_have_count(0)
    expect(page.locator("#notifications-bell")).to_have_accessible_name("Notifications")
    portal.check_a11y()
    with server_lock:
        assert not Notification.objects.filter(user=user, read_at__isnull=True).exists()

    # The same answer reached Slack, as a direct message with a tracked link to the entry
    with server_lock:
        posted = [m for m in slack_server.messages if m["channel"] == "U0DANA"]
    [faq_message] = [m for m in posted if "Your question has an answer" in m["text"]]
    tracked = [u for u in _slack_links(faq_message) if "/notifications/go/" in u]
    assert tracked and all(u.startswith(live_server.url) for u in tracked)
    portal.goto(urlsplit(tracked[0]).path)
    page.wait_for_url(re.compile(re.escape(entry.url) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(entry.title)
    with server_lock:
        channels = sorted(
            Click.objects.filter(notification=answered).values_list("channel", flat=True)
        )
        assert channels == ["inbox", "slack"]

    # Settings with the keyboard alone: quiet hours, and Slack off for the day-before reminder
    portal.goto("/notifications/settings/")
    portal.check_a11y()
    page.set_viewport_size(DESKTOP)
    _shot(page, "notifications-settings-desktop")
    page.set_viewport_size(PHONE)
    _shot(page, "notifications-settings-phone")
    page.set_viewport_size(DESKTOP)
    slack_box = "#pick-officehours24h-slack"
    expect(page.locator(slack_box)).to_be_checked()
    _tab_to(page, slack_box)
    page.keyboard.press("Space")
    expect(page.locator(slack_box)).not_to_be_checked()
    _tab_to(page, "#id_quiet_from")
    _type_time(page, "21:30")
    _tab_to(page, "#id_quiet_until")
    _type_time(page, "07:15")
    expect(page.locator("#id_quiet_from")).to_have_value("21:30")
    expect(page.locator("#id_quiet_until")).to_have_value("07:15")
    _tab_to(page, "#settings-form button[type=submit]")
    page.keyboard.press("Enter")
    status = page.locator("#settings-form [role=status]")
    expect(status).to_have_text("Your notification settings are saved.")
    expect(status).to_be_focused()
    expect(page.locator("#announcer")).to_contain_text("Your notification settings are saved.")
    portal.check_a11y()
    with server_lock:
        own = Settings.objects.get(user=user)
        assert (own.quiet_from.isoformat(), own.quiet_until.isoformat()) == ("21:30:00", "07:15:00")
        assert Choice.objects.get(user=user, kind=DAY_BEFORE).channels == []
    _shot(page, "notifications-settings-saved-desktop")

    # Half the quiet hours: refused in words, focus on the field to fill, nothing saved
    page.locator("#id_quiet_until").fill("")
    _tab_to(page, "#settings-form button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator("#id_quiet_until")).to_be_focused()
    expect(page.locator("#id_quiet_until")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#settings-form [role=alert]")).to_contain_text(
        "Give both ends of your quiet hours, or neither."
    )
    portal.check_a11y()
    page.set_viewport_size(PHONE)
    _shot(page, "notifications-settings-refused-phone")
    page.set_viewport_size(DESKTOP)
    with server_lock:
        assert Settings.objects.get(user=user).quiet_until.isoformat() == "07:15:00"

    # An email of the answered-question kind, and its "Stop these emails" link
    with server_lock:
        Choice.objects.filter(user=user, kind=FAQ_KIND).delete()
        Choice.objects.create(user=user, kind=FAQ_KIND, channels=["email", "slack"])
        second = faq_services.question_ask(user=user, text="Who pays for the meetup venue?")
        faq_services.question_answer_with(question=second, entry=entry)
        email = Message.objects.get(user=user, channel="email", kind=FAQ_KIND)
        assert email.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    [stop] = re.findall(r"Stop these emails: (\S+)", email.body)
    assert stop == email.headers["List-Unsubscribe"].strip("<>")
    page.context.clear_cookies()  # a mail client's link opens without the portal's session
    portal.goto(urlsplit(stop).path)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Stop “A question you asked is answered”?"
    )
    _shot(page, "notifications-unsubscribe-desktop")
    page.set_viewport_size(PHONE)
    _shot(page, "notifications-unsubscribe-phone")
    page.set_viewport_size(DESKTOP)
    with server_lock:
        assert Choice.objects.get(user=user, kind=FAQ_KIND).channels == ["email", "slack"]
    page.get_by_role("button", name="Unsubscribe").click()
    portal.check_a11y()
    expect(page.get_by_role("heading", level=1)).to_have_text("You are unsubscribed")
    _shot(page, "notifications-unsubscribed-desktop")
    with server_lock:
        assert Choice.objects.get(user=user, kind=FAQ_KIND).channels == ["inbox"]
        assert Choice.objects.get(user=user, kind=DAY_BEFORE).channels == []  # untouched


def _type_time(page, value: str):
    """Type a 24-hour time into the focused time field as a person would: this Chromium
    (en-US) shows hours, minutes and AM/PM, each typed in turn."""
    hours, minutes = (int(part) for part in value.split(":"))
    page.keyboard.type(f"{(hours % 12) or 12:02d}{minutes:02d}{'P' if hours >= 12 else 'A'}")


def _shot(target, name: str):
    """A screenshot in test-artifacts/, of the whole page or of one element. The caret is
    left alone: Playwright hides it by setting each field's style and leaves `style=""`
    behind, which htmx then copies onto the swapped-in fields (a style attribute set from a
    script, which the Content-Security-Policy refuses and the harness fails on)."""
    ARTIFACTS.mkdir(exist_ok=True)
    options = {"full_page": True} if not hasattr(target, "bounding_box") else {}
    target.screenshot(path=ARTIFACTS / f"{name}.png", caret="initial", **options)


WAGTAIL_BANNER = {"color-contrast": "Wagtail's success banner (upstream)"}


def test_a_community_manager_sees_what_is_connected_and_sets_a_default(
    sign_in_as, server_lock, community_manager, slack_server, teams_peer
):
    portal = sign_in_as(community_manager)
    page = portal.page
    page.set_viewport_size(DESKTOP)
    portal.goto("/admin/")
    page.get_by_role("link", name="Notification defaults").click()
    portal.check_a11y()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notification defaults")
    connections = page.locator(".notification-connections")
    expect(connections.locator(".notification-connections__item--on")).to_have_count(
        4
    )  # email, Slack, Teams to a person and to a channel
    expect(connections).to_contain_text("Off: set SLACK_SIGNING_SECRET and register")
    expect(connections).to_contain_text("/notifications/slack/actions/")
    _shot(page, "notifications-defaults-desktop")
    page.set_viewport_size(PHONE)
    portal.check_a11y()
    page.set_viewport_size({"width": 390, "height": 4000})  # the admin scrolls inside a panel
    _shot(page, "notifications-defaults-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size(DESKTOP)

    slack = page.get_by_role("checkbox", name="Slack: A reminder the day before")
    email = page.get_by_role("checkbox", name="Email: A reminder the day before")
    expect(slack).to_be_checked()  # the portal's default with Slack connected
    slack.uncheck()
    email.check()
    page.get_by_role("button", name="Save the defaults").click()
    portal.check_a11y(upstream=WAGTAIL_BANNER)
    expect(page.get_by_text("Saved: 1 kind of message changed.")).to_be_visible()
    expect(email).to_be_checked()
    expect(slack).not_to_be_checked()
    with server_lock:
        assert KindDefault.objects.get(kind=DAY_BEFORE).channels == ["email", "inbox"]
