"""The Teams cards our notifications become, drawn by Microsoft's Adaptive Cards renderer for
HTML (npm `adaptivecards`, with markdown-it doing the TextBlock markdown as in Teams) in
Chromium: the heading, every line of the text as written (markdown-looking words stay words),
the facts and the buttons are there, the primary button opens its link, axe finds nothing
serious, and screenshots at desktop and phone sizes go to test-artifacts/.

The page and the renderer are served from `tests/peers/adaptivecards/` by Playwright itself, at
an origin that exists only in this browser; every other request is refused, so nothing leaves
the machine. What this cannot show is Teams' own clients (desktop, web, iOS, Android each draw
cards with their own code and host config); the renderer is the one Microsoft publishes for
HTML hosts, and Teams' markdown has been seen to differ from it on mobile.
"""

import json
import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from notifications.channels import teams
from notifications.content import Action, Content
from tests.browser.conftest import PortalPage
from tests.notifications.teams_examples import EXAMPLES, SITE

PEER = Path(__file__).resolve().parents[1] / "peers" / "adaptivecards"
ORIGIN = "http://cards.test"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
# What markdown makes of text; none of it may come out of people's words.
MARKUP = "a, strong, b, em, i, s, del, code, pre, ul, ol, li, blockquote, hr, h1, h2, h3, h4, img"


def renderer_or_skip() -> None:
    if (PEER / "node_modules" / "adaptivecards" / "dist" / "adaptivecards.min.js").is_file():
        return
    reason = (
        "TEAMS CARD RENDERING NOT TESTED: the Adaptive Cards renderer is missing; run "
        "`npm ci --prefix tests/peers/adaptivecards` (make test does)."
    )
    if os.environ.get("CI") == "true":
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


@pytest.fixture
def card_page(browser):
    renderer_or_skip()
    context = browser.new_context(viewport=DESKTOP)
    context.set_default_timeout(15_000)
    outside: list[str] = []

    def serve(route):
        url = route.request.url
        if not url.startswith(ORIGIN + "/"):
            outside.append(url)
            route.abort()
            return
        path = (PEER / urlsplit(url).path.lstrip("/")).resolve()
        if PEER.resolve() not in path.parents or not path.is_file():
            route.fulfill(status=404, body="not here")
            return
        route.fulfill(path=path)

    context.route("**/*", serve)
    page = PortalPage(context.new_page(), ORIGIN)
    yield page
    context.close()
    assert not outside, f"The card page asked for something elsewhere: {outside}"


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


@pytest.mark.parametrize("name", EXAMPLES)
def test_a_card_shows_what_the_notification_says(card_page, name):
    content = EXAMPLES[name]
    card = teams.render(content)
    host_config = json.loads((PEER / "teams-host-config.json").read_text())
    page = card_page.page
    card_page.goto("/preview.html")
    page.evaluate("([cards, host]) => cardsRender(cards, host)", [[[name, card]], host_config])

    assert page.evaluate("window.cardWarnings") == []
    bubble = page.locator(f'[data-card="{name}"] .bubble')
    expect(bubble.get_by_role("heading", name=content.title, exact=True)).to_be_visible()
    lines = _lines(content.text)
    for line in dict.fromkeys(lines):
        expect(bubble.get_by_text(line, exact=True)).to_have_count(lines.count(line))
        expect(bubble.get_by_text(line, exact=True).first).to_be_visible()
    for title, value in content.facts:
        expect(bubble.get_by_text(title, exact=True)).to_be_visible()
        expect(bubble.get_by_text(value, exact=True)).to_be_visible()
    # Action.OpenUrl buttons say what they do: the renderer gives them the role of a link
    buttons = bubble.locator("button")
    expect(buttons).to_have_count(len(content.actions))
    for action in content.actions:
        expect(bubble.get_by_role("link", name=action.label, exact=True)).to_be_visible()
    assert bubble.locator(MARKUP).count() == 0

    primary = next(action for action in content.actions if action.primary)
    bubble.get_by_role("link", name=primary.label, exact=True).click()
    assert page.evaluate("window.openedUrls") == [primary.url]

    card_page.check_a11y()
    card_page.screenshot(f"teams-card-{name}-desktop")

    # Teams' phone apps stack a card's buttons, each as wide as the card
    page.set_viewport_size(PHONE)
    actions = {**host_config["actions"], "actionsOrientation": "vertical"}
    phone_config = {**host_config, "actions": {**actions, "actionAlignment": "stretch"}}
    page.evaluate("([cards, host]) => cardsRender(cards, host)", [[[name, card]], phone_config])
    card_page.check_a11y()
    edge = bubble.bounding_box()
    for action in content.actions:  # every label whole, no button off the card
        button = bubble.get_by_role("link", name=action.label, exact=True)
        assert button.evaluate("b => b.scrollWidth <= b.clientWidth"), action.label
        box = button.bounding_box()
        assert box["x"] + box["width"] <= edge["x"] + edge["width"] + 0.5
    card_page.screenshot(f"teams-card-{name}-390")


def test_buttons_that_act_in_place_are_buttons_that_send_their_verb(card_page, teams_peer):
    """With the bot set up (the Teams peer's settings), a cancelled session's card offers the
    next one as an Action.Execute: the renderer draws it as a button, and pressing it hands
    Teams its verb and signed value (what the bot's endpoint receives)."""
    content = Content(
        kind="officehours.cancelled",
        title="Cancelled: Community office hour",
        text="The session has been cancelled, and your booking with it.",
        url=f"{SITE}/n/c/oh1/",
        facts=(("Next session", "Thursday 11 March, 10:00 (Europe/Berlin)"),),
        actions=(
            Action("Book the next session", f"{SITE}/n/c/oh1/", "book", "signed-1", primary=True),
            Action("Your office hours", f"{SITE}/n/c/oh1/"),
        ),
    )
    card = teams.render(content)
    host_config = json.loads((PEER / "teams-host-config.json").read_text())
    page = card_page.page
    card_page.goto("/preview.html")
    page.evaluate("([cards, host]) => cardsRender(cards, host)", [[["execute", card]], host_config])

    assert page.evaluate("window.cardWarnings") == []
    bubble = page.locator('[data-card="execute"] .bubble')
    book = bubble.get_by_role("button", name="Book the next session", exact=True)
    expect(book).to_be_visible()
    book.click()
    assert page.evaluate("window.openedUrls") == ['book {"value":"signed-1"}']
    card_page.check_a11y()
    card_page.screenshot("teams-card-execute-desktop")
