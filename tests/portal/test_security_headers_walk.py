"""Every response of a crawl carries the browser policies, and our pages need nothing inline.

The walk opens every URL pattern (Wagtail's admin included) and every live page of the demo data,
signed out and as three roles, one link further, plus every script, stylesheet and image those
pages name; whatever each answers (200, a redirect, 403, 404, a static file), it must carry the
Content-Security-Policy and the Permissions-Policy (issue 20). Outside the admin it must be the
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
from wagtail.models import Page

from portal.demo import DEMO_PASSWORD
from portal.settings.browser_policy import ADMIN_DIRECTIVES, SITE_DIRECTIVES, SSO_START_PAGES
from tests.html_forms import forms_and_links
from tests.portal.test_url_protection import _all_urls

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


def _check(path: str, response, who: str) -> list[str]:
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


def _walk(client: Client, who: str) -> tuple[int, list[str]]:
    """Open the URL patterns and live pages, one link further, and the files pages name;
    return how many responses were checked and what was wrong with them."""
    urls, _ = _all_urls()
    seeds = [*urls, *(p.url for p in Page.objects.live().filter(depth__gt=1).specific())]
    queue, seen, wrong, checked = [(url, True) for url in seeds], set(), [], 0
    while queue:
        url, follow = queue.pop(0)
        if url in seen or NOT_WALKED.search(url):
            continue
        seen.add(url)
        response = client.get(url)
        checked += 1
        wrong += _check(urlsplit(url).path, response, who)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        page = _Inline()
        page.feed(html)
        links = forms_and_links(html, url)[2] if follow else []
        for href in [*page.files, *links]:
            target = urlsplit(urljoin(url, href))
            if not target.netloc and target.path.startswith("/"):
                queue.append((target.path + (f"?{target.query}" if target.query else ""), False))
    return checked, wrong


def test_every_response_of_a_crawl_carries_the_browser_policies(seeded_once, db):
    """Signed out and as staff, a leader and a community manager, every response of the walk
    carries the CSP (the admin's under /admin/, else the site's, with no unsafe script source)
    and the Permissions-Policy, and no page of ours has inline script, handlers or styles."""
    wrong, total = [], 0
    for account in (None, "staff", "leader", "editor"):
        client = Client(raise_request_exception=False)
        if account:
            assert client.login(username=account, password=DEMO_PASSWORD)
        checked, problems = _walk(client, account or "signed out")
        total += checked
        wrong += problems
    assert not wrong, "\n".join(wrong[:40]) + (
        f"\n... {len(wrong) - 40} more" if wrong[40:] else ""
    )
    assert total > 600, total  # the walk reached the admin, pages, static files and more
