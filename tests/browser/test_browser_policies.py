"""The browser policies at work in Chromium (issue 20).

- Nothing a page does leaves the portal: every request the browser makes (or tries to make and
  the CSP blocks) over the main staff pages and the admin home goes to 127.0.0.1 or localhost.
  The Wagtail admin used to ask gravatar.com for each user's picture (a hash of their email, to
  a third party); `WAGTAIL_GRAVATAR_PROVIDER_URL = None` turns that off, and turned back on the
  same walk catches it.
- What the CSP blocks is caught: by the harness (every journey fails on a violation, see
  conftest.py), and by the portal, whose /csp-report/ receives Chromium's report and logs it.
"""

import logging
import re
from urllib.parse import urlsplit

from tests.walks import one_page_of_each_kind

LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}
STAFF_PAGES = ["/", "/my-path/", "/office-hours/", "/champions/", "/reports/", "/certificates/"]


def _off_site(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in {"http", "https", "ws", "wss"} and parts.hostname not in LOCAL_HOSTS


class Requests:
    """Every request the context's pages make, and those the CSP stopped before they left;
    anything for another host is refused here too, so nothing reaches the network."""

    def __init__(self, context, violations: list):
        self.sent: list[str] = []
        self._violations = violations
        context.on("request", lambda request: self.sent.append(request.url))
        context.route(lambda url: _off_site(url), lambda route: route.abort())

    def off_site(self) -> list[str]:
        blocked = [violation.blocked for violation in self._violations]
        return sorted({url for url in [*self.sent, *blocked] if _off_site(url)})


def _walk(portal, paths):
    for path in paths:
        portal.goto(path)


def test_no_page_asks_another_site_for_anything(seeded, sign_in_as, no_policy_violations):
    portal = sign_in_as(seeded["editor"])
    requests = Requests(portal.page.context, no_policy_violations)
    pages = [*STAFF_PAGES, *one_page_of_each_kind(), "/admin/"]
    _walk(portal, pages)
    # The walk really went through the pages and their files, the admin's avatar included.
    assert any(url.endswith("/admin/") for url in requests.sent)
    assert any("/static/wagtailadmin/" in url for url in requests.sent)
    assert len(requests.sent) > 3 * len(pages)
    assert requests.off_site() == []
    portal.screenshot("admin-home-no-gravatar")


def test_with_gravatar_turned_on_the_walk_catches_it(
    community_manager, sign_in_as, settings, no_policy_violations
):
    """The control: Wagtail's default provider, and the admin home asks gravatar.com at once
    (the CSP stops it, and that attempt is what the walk sees). The admin home asks for the
    signed-in editor's own picture, so a community manager with an email is all it needs, not
    the demo organisation."""
    assert community_manager.email
    settings.WAGTAIL_GRAVATAR_PROVIDER_URL = "//www.gravatar.com/avatar"
    portal = sign_in_as(community_manager)
    requests = Requests(portal.page.context, no_policy_violations)
    _walk(portal, ["/admin/"])
    portal.page.context.close()  # delivers the page's last reports
    assert any(urlsplit(url).hostname == "www.gravatar.com" for url in requests.off_site())
    no_policy_violations.clear()  # expected here: the policy did its job


def test_a_blocked_inline_script_is_reported_to_the_portal_and_logged(
    portal_page, no_policy_violations, caplog
):
    caplog.set_level(logging.WARNING, logger="portal.csp")
    page = portal_page.page
    portal_page.goto("/accounts/login/")
    with page.expect_request(re.compile(r"/csp-report/$")) as report:
        page.evaluate(
            """() => {
                const script = document.createElement("script");
                script.textContent = "window.injected = true";
                document.body.append(script);
            }"""
        )
    assert report.value.method == "POST"
    assert report.value.response().status == 204
    assert page.evaluate("window.injected") is None  # the script never ran
    assert [v for v in no_policy_violations if v.blocked == "inline" and "script-src" in v.text]
    logged = [r.getMessage() for r in caplog.records if r.name == "portal.csp"]
    assert "CSP violation: script-src-elem blocked inline on account_login" in logged[0]
    no_policy_violations.clear()  # expected here: the policy did its job
