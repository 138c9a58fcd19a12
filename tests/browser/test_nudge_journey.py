"""A nudge from start to finish in a browser (issue 23), with Slack connected (the capture
server of tests/peers/slack.py, the live server's settings pointed at it). A seller who has
done everything the Informed tier asks but watch the WIIFM video is found by the
`informed_one_step` nudge, switched on; the periodic task's run and the outbox worker's turn
send it. Signed in, the seller sees the bell count it and finds it in the inbox; the Slack
message the portal posted says the same, with a tracked "Watch the video" link and a "Not now"
button. The tracked link lands on the WIIFM lesson, at the video, and the click is counted as
Slack's. The browser really plays the video (muted, four times as fast) until the server says
it is watched, which takes the seller to Informed. A community manager then opens the adoption
report, whose Nudges section counts the nudge sent, clicked from Slack, and followed by the
step, on each channel it went by.

The report withholds a nudge's numbers when it went to fewer than `REPORT_MIN_GROUP` people (5
by default). One person is the journey, so the test sets the threshold to 1 for the live server
(the `settings` fixture, as for the Slack settings) rather than nudging four more people who
would take no part in it; the suppression itself is tested in tests/notifications/test_nudges.py.
axe checks every page and every swap; screenshots of the inbox and of the report at desktop and
phone sizes go to test-artifacts/."""

import json
import re
from datetime import timedelta
from urllib.parse import urlsplit

from django.utils import timezone
from playwright.sync_api import expect

from notifications.models import Click, Notification
from notifications.nudges import nudges_evaluate, registry
from portal.factories import DepartmentFactory, LocationFactory
from portal.outbox.models import Message
from portal.outbox.services import messages_deliver
from portal.tiers.models import EngagementEvent, Tier, TierAttainment
from tests.browser.conftest import ARTIFACTS
from tests.notifications.nudging import one_steps, switch_on
from training.factories import block_id, lesson_make, module_make, video_make, wiifm_block

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
NUDGE = "informed_one_step"
TITLE = "One step from Informed: the 1-minute video"  # the demo clip is 40 seconds
SLACK_ID = "U0ROSA"
# The 40-second clip plays muted at four times its speed (as in test_training_journey.py).
FAST = "v => { v.muted = true; v.defaultPlaybackRate = 4; v.playbackRate = 4; }"
METADATA = (
    "v => v.readyState >= 1 || "
    "new Promise(r => v.addEventListener('loadedmetadata', r, {once: true}))"
)
PLAYING_MS = 45_000


def _seller_one_step_from_informed():
    """A seller (whose role asks for Trained) who reached Aware two days ago and lacks only the
    WIIFM video for Informed: test_nudges.py's own `one_steps`."""
    tiers = {t.name: t for t in Tier.objects.all()}
    place = {"department": DepartmentFactory(), "location": LocationFactory()}
    [seller] = one_steps(tiers, place, at=timezone.now() - timedelta(days=2), name="Rosa Lind")
    seller.user.first_name, seller.user.last_name = "Rosa", "Lind"  # the header's name
    seller.user.save(update_fields=["first_name", "last_name"])
    return seller


def _tiers_held(staff) -> set[str]:
    return set(
        TierAttainment.objects.filter(staff=staff, lapsed_at__isnull=True).values_list(
            "tier__name", flat=True
        )
    )


def _buttons(message: dict) -> list[dict]:
    """The buttons of a captured Slack message."""
    blocks = message["blocks"]
    blocks = json.loads(blocks) if isinstance(blocks, str) else blocks
    return [e for b in blocks if b["type"] == "actions" for e in b["elements"]]


def _shots(page, name: str):
    """The page in test-artifacts/ at desktop and phone sizes, then back at the desktop's. The
    caret is left alone: Playwright's hiding it leaves `style=""` on fields, which htmx would
    copy into a swap and the Content-Security-Policy refuse (see test_notifications_journey)."""
    ARTIFACTS.mkdir(exist_ok=True)
    for size, suffix in ((DESKTOP, "desktop"), (PHONE, "phone")):
        page.set_viewport_size(size)
        page.screenshot(path=ARTIFACTS / f"{name}-{suffix}.png", full_page=True, caret="initial")
    page.set_viewport_size(DESKTOP)


def test_a_nudge_in_the_inbox_and_slack_leads_to_the_step_and_the_report_counts_it(
    sign_in_as, server_lock, slack_server, live_server, settings, community_manager
):
    settings.WAGTAILADMIN_BASE_URL = live_server.url  # links in messages lead here
    settings.REPORT_MIN_GROUP = 1  # one person's journey: see the module's docstring
    settings.SLACK_SIGNING_SECRET = "journey-secret"  # noqa: S105 - Slack's presses reach us
    with server_lock:
        seller = _seller_one_step_from_informed()
        slack_server.users[seller.email] = SLACK_ID
        lesson = lesson_make(
            module=module_make(),
            title="What is in it for you",
            body=[wiifm_block(video_make())],
        )
        video_place = f"{lesson.url}#video-{block_id(lesson, 'wiifm_video')}"
        switch_on(NUDGE)  # no channels of its own: the inbox, and Slack where it is connected
        assert _tiers_held(seller) == {"Aware"}

        # The periodic task's run, then the outbox worker's turn
        assert nudges_evaluate() == {NUDGE: 1}
        messages_deliver()
        nudge = Notification.objects.get(user=seller.user, nudge=NUDGE)
        assert nudge.title == TITLE
        slack = Message.objects.get(user=seller.user, channel="slack")
        assert slack.state == "sent"

    portal = sign_in_as(seller.user)
    page = portal.page
    page.set_viewport_size(DESKTOP)

    # The bell says 1 unread; the inbox holds the nudge, unread, with its title and words
    portal.goto("/")
    bell = page.locator("#notifications-bell")
    expect(bell.locator(".bell__count")).to_have_text("1")
    expect(bell).to_have_accessible_name("Notifications, 1 unread")
    portal.check_a11y()  # after the bell's swap
    bell.click()
    page.wait_for_url(re.compile(r"/notifications/$"))
    portal.check_a11y()
    inbox = page.locator("#inbox")
    expect(inbox.get_by_role("heading", level=2)).to_have_text("1 unread")
    expect(inbox.locator(".inbox__item")).to_have_count(1)
    expect(inbox.get_by_role("heading", name=re.compile(re.escape(TITLE)))).to_contain_text(
        "(unread)"
    )
    expect(inbox.get_by_role("link", name=TITLE)).to_be_visible()
    expect(inbox).to_contain_text("everything Informed asks but one thing")
    _shots(page, "nudge-inbox")

    # The Slack message: the nudge's words, a tracked link to the video and "Not now"
    with server_lock:
        posted = [m for m in slack_server.messages if m["channel"] == SLACK_ID]
    [message] = posted
    assert TITLE in message["text"]
    assert "everything Informed asks but one thing" in json.dumps(message["blocks"])
    watch, not_now = _buttons(message)
    assert watch["text"]["text"] == "Watch the video"
    assert watch["url"].startswith(live_server.url + "/notifications/go/")
    assert not_now["text"]["text"] == "Not now" and not_now["action_id"] == "not_now"

    # Following it from Slack lands on the lesson, at the video; the click is Slack's
    portal.goto(urlsplit(watch["url"]).path)
    page.wait_for_url(re.compile(re.escape(video_place) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(lesson.title)
    with server_lock:
        assert list(Click.objects.filter(notification=nudge).values_list("channel", flat=True)) == [
            "slack"
        ]

    # The step: the browser plays the video; the server decides it is watched
    video = page.locator("video")
    status = page.locator(".lesson-video__status")
    video.evaluate(METADATA)
    expect(status).to_contain_text("Watched 0 % so far")
    video.evaluate(FAST)
    video.evaluate("v => v.play()")
    expect(status).to_have_text(
        re.compile(r"^\s*Watched\. It counts toward your path\.\s*$"), timeout=PLAYING_MS
    )
    portal.check_a11y()  # after the status line's and the completion section's swaps
    with server_lock:
        assert EngagementEvent.objects.filter(staff=seller, kind="wiifm_watched").count() == 1
        assert _tiers_held(seller) == {"Aware", "Informed"}

    # The community manager's adoption report counts it: sent, clicked from Slack, the step
    page.context.clear_cookies()
    with server_lock:
        sign_in_as(community_manager)
    portal.goto("/reports/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Whole organisation")
    section = page.locator("#nudges")
    expect(section.get_by_role("heading", level=2)).to_have_text("Nudges")
    expect(section.locator(".report-section__summary")).to_have_text(
        "1 nudge was sent to the people in this view in this period."
    )
    label = registry[NUDGE].label
    rows = section.locator("tbody tr")
    expect(rows).to_have_count(2)
    # Nudge, channel: sent, clicked, clicked share, took the step within 7 days, step share
    expect(rows.nth(0)).to_have_text(re.compile(_row(label, "In the portal", 1, 0, "0 %", 1)))
    expect(rows.nth(1)).to_have_text(re.compile(_row(label, "Slack", 1, 1, "100 %", 1)))
    expect(section.locator(".suppressed")).to_have_count(0)
    portal.check_a11y()  # after the bell's swap on this page too
    # the bell ends the brand's row, even above a community manager's long menu
    bell, brand = page.locator(".site-header .bell"), page.locator(".site-header .brand")
    assert abs(_middle(bell) - _middle(brand)) < 8
    # at the desktop's width the whole table shows: long headings wrap instead of hiding the last
    assert section.locator(".table-wrap").evaluate("w => w.scrollWidth <= w.clientWidth")
    _shots(page, "nudge-report")
    page.set_viewport_size(PHONE)  # the report scrolls its tables, never the page, sideways
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def _middle(locator) -> float:
    box = locator.bounding_box()
    return box["y"] + box["height"] / 2


def _row(label: str, channel: str, sent: int, clicked: int, share: str, steps: int) -> str:
    """A pattern for a row of the Nudges table as it reads, cell by cell."""
    cells = [label, channel, str(sent), str(clicked), share, str(steps), "100 %"]
    return r"^\s*" + r"\s*".join(re.escape(c) for c in cells) + r"\s*$"
