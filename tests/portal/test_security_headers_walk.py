"""Every response of a crawl carries the browser policies, and our pages need nothing inline.

The walk opens every URL pattern (Wagtail's admin included) and a live page of each kind of the
demo data, signed out and as three roles, one link further, plus every script, stylesheet and
image those pages name; whatever each answers (200, a redirect, 403, 404, a static file), it must
carry the Content-Security-Policy and the Permissions-Policy (issue 20). It opens one address of
each kind of place (tests/walks.py: a view with the ids taken out, a page's class and blocks),
since the headers are set per response by one middleware and what a page has inline comes from
its view's or its page type's templates; every live page is checked the same way, as every role,
by the walk in tests/portal/test_seeded_pages.py, and every template is read for inline code by
test_security_headers.py. Outside the admin it must be the
site's policy (without `form-action` on the pages that start single sign-on), and each page's
HTML must keep to it: no `<script>` or `<style>` without the
request's nonce, no `on...=` handler, no `style=` attribute. A test-client walk cannot run
scripts; the browser journeys (tests/browser) fail on any violation the browser reports.

Its own module: the demo data is built once for it and stays until the module ends.
"""

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.test import Client
from django.urls import Resolver404, resolve

from portal.demo import DEMO_PASSWORD
from portal.settings.browser_policy import ADMIN_DIRECTIVES, SITE_DIRECTIVES, SSO_START_PAGES
from tests.html_forms import forms_and_links
from tests.portal.test_url_protection import _all_urls
from tests.walks import Places, one_page_of_each_kind

# Signing out ends the walk; PDFs take a second each to render and pass the same middleware.
NOT_WALKED = re.compile(r"logout|\.pdf$|[?&]export=pdf|/failwhale/")
ADMIN = "/admin/"


def policy(header: str) -> dict[str, list[str]]:
    """A Content-Security-Policy header as {directive: [sources]}."""
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


def expected(directives: dict) -> dict[str, list[str]]:
    """The header a policy from `portal.settings.browser_policy` should produce (no nonce)."""
    return policy(
        "; ".join(
            f"{name} {value if isinstance(value, str) else ' '.join(map(str, value))}"
            for name, value in directives.items()
        ).replace("csp.constants.NONCE", "")
    )


class _Inline(HTMLParser):
    """What a page has inline: scripts and styles (with their nonces), handlers, style attributes;
    and the files it names (scripts, stylesheets, images)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.files: list[str] = []
        self.nonces: set[str] = set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        handlers = [name for name in a if name.startswith("on")]
        if handlers:
            self.problems.append(f"<{tag} {handlers[0]}=...>")
        if "style" in a:
            self.problems.append(f"<{tag} style=...>")
        if tag == "script" and not a.get("src"):
            if a.get("type", "text/javascript") in {"application/json", "text/template"}:
                return  # data, never run
            self._needs_nonce(tag, a)
        elif tag == "style":
            self._needs_nonce(tag, a)
        for name in ("src", "href") if tag in {"script", "img", "link"} else ():
            if a.get(name):
                self.files.append(a[name])

    def _needs_nonce(self, tag, a):
        if a.get("nonce"):
            self.nonces.add(a["nonce"])
        else:
            self.problems.append(f"<{tag}> without a nonce")


def policy_problems(path: str, response, who: str) -> list[str]:
    """What is wrong with `response`'s browser policies, and with its page if it is one."""
    where = f"{path} ({who}, {response.status_code})"
    header = response.get("Content-Security-Policy")
    if not header:
        return [f"{where}: no Content-Security-Policy"]
    wrong = []
    if response.get("Permissions-Policy") != settings.PERMISSIONS_POLICY:
        wrong.append(f"{where}: Permissions-Policy is {response.get('Permissions-Policy')!r}")
    got = policy(header)
    nonce = [s for s in got.get("script-src", []) if s.startswith("'nonce-")]
    want = expected(ADMIN_DIRECTIVES if path.startswith(ADMIN) else SITE_DIRECTIVES)
    if path.startswith(ADMIN):
        if got != want:
            wrong.append(f"{where}: not the admin's policy: {header}")
        return wrong
    if _view_name(path) in SSO_START_PAGES:
        del want["form-action"]  # the identity provider's redirects are not ours to list
    if {k: [s for s in v if not s.startswith("'nonce-")] for k, v in got.items()} != want:
        wrong.append(f"{where}: not the site's policy: {header}")
    if "'unsafe-inline'" in got.get("script-src", []) or "'unsafe-eval'" in header:
        wrong.append(f"{where}: unsafe script sources: {header}")
    if "text/html" in response.get("Content-Type", "") and response.status_code == 200:
        page = _Inline()
        page.feed(response.content.decode())
        wrong += [f"{where}: {problem}" for problem in dict.fromkeys(page.problems)]
        if page.nonces - {n.removeprefix("'nonce-").rstrip("'") for n in nonce}:
            wrong.append(f"{where}: a nonce in the page is not the header's")
    return wrong


def _view_name(path: str) -> str:
    try:
        return resolve(path).view_name
    except Resolver404:
        return ""


def _walk(client: Client, who: str) -> tuple[Places, list[str]]:
    """Open the URL patterns and a live page of each kind, one link further (a place of each
    kind), and the files pages name; return the places checked and what was wrong."""
    urls, _ = _all_urls()
    queue = [(url, True, False) for url in [*urls, *one_page_of_each_kind()]]
    places, wrong = Places(), []
    while queue:
        url, follow, linked = queue.pop(0)
        if not places.wanted(url) or NOT_WALKED.search(url):
            continue
        response = client.get(url)
        places.opened(url, response.status_code, linked=linked)
        wrong += policy_problems(urlsplit(url).path, response, who)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        page = _Inline()
        page.feed(html)
        links = forms_and_links(html, url)[2] if follow else []
        for href in [*page.files, *links]:
            target = urlsplit(urljoin(url, href))
            if not target.netloc and target.path.startswith("/"):
                path = target.path + (f"?{target.query}" if target.query else "")
                queue.append((path, False, True))
    return places, wrong


def test_every_response_of_a_crawl_carries_the_browser_policies(seeded_once, db):
    """Signed out and as staff, a leader and a community manager, every response of the walk
    carries the CSP (the admin's under /admin/, else the site's, with no unsafe script source)
    and the Permissions-Policy, and no page of ours has inline script, handlers or styles."""
    wrong, opened = [], {}
    for account in (None, "staff", "leader", "editor"):
        client = Client(raise_request_exception=False)
        if account:
            assert client.login(username=account, password=DEMO_PASSWORD)
        places, problems = _walk(client, account or "signed out")
        opened[account] = places
        wrong += problems
    assert not wrong, "\n".join(wrong[:40]) + (
        f"\n... {len(wrong) - 40} more" if wrong[40:] else ""
    )
    # The walk reached the admin's screens, pages of every kind, static files and more.
    editor = opened["editor"]
    assert sum(url.startswith(ADMIN) for url in editor.asked) > 300, len(editor.asked)
    assert sum(url.startswith("/static/") for url in editor.asked) > 30
    assert {("page", *kind) for kind in editor.pages.values()} <= {
        place[:-1] for place in editor.answered
    }
    assert sum(len(places.asked) for places in opened.values()) > 1500
