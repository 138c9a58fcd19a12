"""The browser harness: Playwright on a real Chromium against a live server, axe on every page.

Chromium is Debian's `/usr/bin/chromium` where it exists, else Playwright's own build if
`playwright install chromium` has fetched it. With neither, browser tests are skipped with a
loud notice, except under CI (`CI=true`), where a missing browser fails the run.

Every page a test loads must be checked by axe before the test ends (`PortalPage.check_a11y`,
which `goto` calls for you); the fixture fails the test otherwise. Serious and critical
violations fail the check.

The Content-Security-Policy is enforced as in production, and every browser context a test opens
reports what it blocked on the portal's pages (`securitypolicyviolation` events in every frame,
and Chromium's console lines about the CSP or the Permissions-Policy): any such report fails the
test, so every journey shows its pages work under the policies (issue 20).
"""

import os
import re
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.db import connections
from django.test import Client

from tests import database_images

# Playwright's sync API runs an event loop in this thread; the ORM calls our tests make around
# it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

DEBIAN_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
BLOCKING_IMPACTS = {"serious", "critical"}
ARTIFACTS = Path(__file__).resolve().parent.parent.parent / "test-artifacts"

_missing_browser: list[str] = []


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)
            # The live server reads what the test writes, so each test commits for real; the
            # data migrations' rows (groups, home page) are put back after each flush.
            if item.get_closest_marker("django_db") is None:
                item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True))


def pytest_terminal_summary(terminalreporter):
    if _missing_browser:
        terminalreporter.write_sep("!", "BROWSER TESTS SKIPPED", red=True, bold=True)
        terminalreporter.write_line(_missing_browser[0])
        terminalreporter.write_line(
            "Install Debian's chromium (apt-get install chromium) to run them."
        )


@pytest.fixture(scope="session", autouse=True)
def _serialized_db_survives_playwright(django_db_setup, django_db_blocker):
    """Keep the post-migration snapshot that `serialized_rollback` restores after each flush.

    Django keeps it on the connection object, and connections are context-local; once
    Playwright's sync API is running, the tests get new connection objects without it, and the
    data migrations' rows (groups, home page) would be gone after the first flush.
    """
    for connection in connections.all():
        contents = getattr(connection, "_test_serialized_contents", None)
        if contents is not None:
            type(connection)._test_serialized_contents = contents


# Runs in every frame before the page's own scripts (Playwright injects it; the CSP does not
# apply to it) and hands each violation to the binding `watched_context` exposes.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => {
  window.__portalPolicyViolation?.({
    page: e.documentURI, directive: e.effectiveDirective, blocked: e.blockedURI,
    source: e.sourceFile, line: e.lineNumber, sample: e.sample,
  });
}, true);
"""
# Runs in every frame before the page's own scripts too: notes which elements change (an htmx swap,
# a dialog opening, a class toggled), so that a check after the document's first one reads only
# what changed since the last check, unless the viewport or colour scheme changed (see
# PortalPage._axe_violations).
WATCH_CHANGES = """
(() => {
  const changed = new Set();
  const note = (records) => {
    for (const r of records) {
      changed.add(r.type === "characterData" ? r.target.parentNode : r.target);
    }
  };
  const observer = new MutationObserver(note);
  const all = {subtree: true, childList: true, attributes: true, characterData: true};
  observer.observe(document, all);
  const whole = (n) => [document, document.documentElement, document.head, document.body]
    .includes(n) || !document.body?.contains(n);
  // What the media queries read: a page checked at one size is not checked at another.
  const media = () => [innerWidth, innerHeight, devicePixelRatio,
    matchMedia("(prefers-color-scheme: dark)").matches,
    matchMedia("(forced-colors: active)").matches].join(" ");
  window.__portalChanges = {
    checkedAt: null,  // the media of this document's last check; null before its first
    // The outermost changed elements still in the page; null when a check must read the whole
    // document (its first check, a new size or colour scheme, or a change to <html>, <head>
    // or <body> themselves).
    roots() {
      note(observer.takeRecords());
      const live = [...changed].filter((n) => n && n.isConnected);
      if (this.checkedAt !== media() || live.some(whole)) return null;
      return live.filter((n) => !live.some((other) => other !== n && other.contains(n)));
    },
    done() {
      observer.takeRecords();
      changed.clear();
      this.checkedAt = media();
    },
  };
})();
"""
POLICY_CONSOLE = re.compile(r"Content.Security.Policy|Permissions.Policy|Permissions policy", re.I)


class Violation(NamedTuple):
    page: str  # the address of the document (or frame) that reported it
    blocked: str  # what was blocked: an address, or "inline", "eval"...; "" from the console
    text: str


# What the browsers of the current test reported.
_policy_violations: list[Violation] = []


def watched_context(context):
    """Report what the policies block in `context`'s pages into `_policy_violations`."""

    def violation(source, v):
        blocked = v["blocked"] or "inline"
        text = (
            f"{v['directive']} blocked {blocked} "
            f"(from {v['source'] or 'the page'}:{v['line']}; {v['sample'] or 'no sample'})"
        )
        _policy_violations.append(Violation(v["page"], blocked, text))

    def console(message):
        if message.type in {"error", "warning"} and POLICY_CONSOLE.search(message.text):
            page = message.page.url if message.page else ""
            _policy_violations.append(Violation(page, "", f"console: {message.text}"))

    context.expose_binding("__portalPolicyViolation", violation)
    context.add_init_script(REPORT_VIOLATIONS)
    context.add_init_script(WATCH_CHANGES)
    context.on("console", console)
    return context


class _WatchedBrowser:
    """The session's Chromium, whose every new context reports policy violations."""

    def __init__(self, chromium):
        self._chromium = chromium

    def new_context(self, **kwargs):
        return watched_context(self._chromium.new_context(**kwargs))

    def __getattr__(self, name):
        return getattr(self._chromium, name)


@pytest.fixture(autouse=True)
def no_policy_violations(live_server):
    """Fails the test when a page of the portal reported a CSP or Permissions-Policy violation.
    Set up before `portal_page`, so it checks after the test's contexts have closed (closing
    delivers what the pages reported last)."""
    _policy_violations.clear()
    yield _policy_violations
    ours = urlsplit(live_server.url).port
    found = [
        f"- {v.text} on {v.page or 'a page'}"
        for v in dict.fromkeys(_policy_violations)
        if not v.page or urlsplit(v.page).port == ours
    ]
    _policy_violations.clear()
    if found:
        pytest.fail("The browser reported policy violations:\n" + "\n".join(found), pytrace=False)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import Error, expect, sync_playwright

    # A 2-core machine running the suite in parallel answers slowly at times: assertions wait
    # as long as actions do (the context's default in portal_page), not Playwright's 5 s.
    expect.set_options(timeout=15_000)

    with sync_playwright() as playwright:
        executable = DEBIAN_CHROMIUM if Path(DEBIAN_CHROMIUM).exists() else None
        try:
            chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        except Error as exc:
            reason = f"No Chromium for the browser tests: {str(exc).splitlines()[0]}"
            if os.environ.get("CI") == "true":
                pytest.fail(reason + " (CI must run them)", pytrace=False)
            _missing_browser.append(reason)
            pytest.skip(reason)
        yield _WatchedBrowser(chromium)
        chromium.close()


AXE_RUN = """async () => {
  const changes = window.__portalChanges;
  const roots = changes ? changes.roots() : null;
  if (roots && roots.length === 0) return [];
  const result = await axe.run(roots ? {include: roots} : document, {resultTypes: ["violations"]});
  changes?.done();
  return result.violations;
}"""


class PortalPage:
    """A Playwright page with the portal's habits: paths, sign-in, and axe on every page."""

    def __init__(self, page, base_url: str):
        self.page = page
        self.base_url = base_url
        self.loaded: list[str] = []
        self.checked: set[str] = set()
        self._axe = Axe()
        page.on("load", lambda p: self.loaded.append(p.url))

    def goto(self, path: str):
        response = self.page.goto(self.base_url + path)
        self.check_a11y()
        return response

    def check_a11y(self, *, upstream: dict[str, str] | None = None):
        """Fail on serious or critical axe findings. `upstream` names rules (id: reason) to
        let pass on pages we do not build, such as Wagtail's page editor; say why."""
        self.page.wait_for_load_state("load")
        violations = self._axe_violations()
        blocking = [
            v
            for v in violations
            if v.get("impact") in BLOCKING_IMPACTS and v["id"] not in (upstream or {})
        ]
        self.checked.add(self.page.url)
        assert not blocking, f"axe found problems on {self.page.url}:\n" + "\n".join(
            f"- [{v['impact']}] {v['id']}: {v['help']} ({len(v['nodes'])} element(s): "
            f"{', '.join(n['target'][0] for n in v['nodes'][:3])})"
            for v in blocking
        )

    def _axe_violations(self) -> list[dict]:
        """axe-core's violations on the page as it is now.

        The first check of a document reads all of it, and so does a check after the viewport or
        the colour scheme changed; a later one reads the elements that changed since the last
        check (an htmx swap, a dialog, a toggled class: noted by WATCH_CHANGES), and none if
        nothing did: the rest was read already and is the same. The
        script (half a megabyte) is injected once per document. A page that navigates again as
        the check starts (a redirect after a save, under load, even while its animations are
        awaited) is checked once the next document has loaded."""
        from playwright.sync_api import Error as PlaywrightError

        for attempt in range(3):
            try:
                # Colours are measured as they end: a modal or swap still fading in has
                # half-blended colours (CI saw a chooser's title "fail" contrast mid-fade).
                # Only short animations (a fade, a slide) are waited for, not a repeating
                # "ping" or a spinner.
                self.page.evaluate(
                    """() => Promise.all(document.getAnimations()
                        .filter(a => a.effect?.getComputedTiming().activeDuration <= 1000)
                        .map(a => a.finished.catch(() => null)))"""
                )
                if not self.page.evaluate("() => typeof window.axe !== 'undefined'"):
                    self.page.evaluate(self._axe.axe_script)
                return self.page.evaluate(AXE_RUN)
            except PlaywrightError as error:
                if "context was destroyed" not in str(error) or attempt == 2:
                    raise
                self.page.wait_for_load_state("load")
        raise AssertionError("unreachable")

    def unchecked_pages(self) -> list[str]:
        """Our pages loaded but never checked (an identity provider's pages are not ours)."""
        return [
            url for url in self.loaded if url not in self.checked and url.startswith(self.base_url)
        ]

    def screenshot(self, name: str):
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)


@pytest.fixture(scope="session")
def _one_request_at_a_time(live_server):
    """The live server runs one request at a time, holding `database_images.LOCK`.

    The SQLite test database lives in memory, so every server thread shares the test's one
    connection. A playing video keeps range requests going while the player posts its progress,
    and Wagtail's editor pings its editing session every few seconds; two queries at once on
    that connection fail ("cannot open savepoint", "database table is locked"). A test's end
    puts the database's image back under the same lock, so a request still running then (a
    video's range request as its page closed) is not cut off mid-query. Responses are still
    streamed outside the lock: sending a video's bytes touches no database.
    """
    httpd = live_server.thread.httpd
    app = httpd.get_app()

    def one_at_a_time(environ, start_response):
        with database_images.LOCK:
            return app(environ, start_response)

    httpd.set_app(one_at_a_time)
    yield
    httpd.set_app(app)


@pytest.fixture(autouse=True)
def server_lock(_one_request_at_a_time):
    """The lock the live server holds for each request: tests hold it for their own queries."""
    return database_images.LOCK


@pytest.fixture
def portal_page(browser, live_server, request):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    portal = PortalPage(context.new_page(), live_server.url)
    yield portal
    unchecked = portal.unchecked_pages()
    failed = getattr(request.node, "rep_call", None)
    context.close()
    if unchecked and not (failed and failed.failed):
        pytest.fail(f"Pages loaded but never checked with axe: {unchecked}", pytrace=False)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture
def sign_in_as(portal_page, live_server):
    """Give the browser a session for `user` without typing, for tests not about signing in."""

    def sign_in(user):
        client = Client()
        client.force_login(user)
        portal_page.page.context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )
        return portal_page

    return sign_in
