"""Every form, filter and link a person can reach refuses a NUL in words (issue 18).

The walk reads the pages instead of a hand list: it opens the URL resolver's addresses and every
live page of the demo data as three roles (forms differ by role), one link further, then sends
each field of each form and each query parameter of each link, in turn, holding a NUL. Each must
answer 400 with the sentence (a whole page, or a fragment for htmx), and the refusals together
must write nothing. On PostgreSQL, before `portal.bad_input`, `/champions/?focus=%00` and the
nomination search answered 500; on SQLite a NUL in a nomination's reason was stored.

Its own module: the demo data is built once for it and stays until the module ends.
"""

import re
from urllib.parse import parse_qsl, urlencode, urlsplit

from django.apps import apps
from django.test import Client
from django.urls import Resolver404, resolve
from wagtail.models import Page

from portal.demo import DEMO_PASSWORD
from tests.html_forms import forms_and_links
from tests.portal.test_bad_input import HTMX, NUL, refused_in_words
from tests.portal.test_url_protection import _all_urls

# Addresses the walk does not open: signing out ends the walk, files are not pages.
NOT_WALKED = re.compile(
    r"logout|\.(pdf|xlsx|csv|ics)$|/export|[?&]export=|training-videos/|^/documents/|/healthz"
    r"|/failwhale/"  # Wagtail's page that fails on purpose
)


def _route(path: str) -> str:
    """One key per view and page: numbers in an address do not make a new place."""
    try:
        name = resolve(urlsplit(path).path).view_name
    except Resolver404:
        return path
    return path if name == "wagtail_serve" else re.sub(r"\d+", "N", f"{name} {path}")


def _stored() -> dict[str, int]:
    return {
        m._meta.label: m._default_manager.count()
        for m in apps.get_models()
        if m._meta.managed and not m._meta.proxy
    }


def _walk(client: Client, seen: set[str]) -> list[tuple[str, str]]:
    """Open the seed addresses and, one link further, every place not seen yet; return each
    page opened (200, HTML) with its HTML."""
    urls, _ = _all_urls()
    seeds = [*urls, *(p.url for p in Page.objects.live().filter(depth__gt=1).specific())]
    pages, queue = [], [(url, True) for url in seeds]
    while queue:
        url, follow = queue.pop(0)
        route = _route(url)
        if route in seen or NOT_WALKED.search(url):
            continue
        seen.add(route)
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        pages.append((url, html))
        if follow:
            for href in forms_and_links(html, url)[2]:
                target = urlsplit(href)
                if not target.netloc and target.path.startswith("/"):
                    queue.append((target.path + (f"?{target.query}" if target.query else ""), 0))
    return pages


def test_every_field_filter_and_link_refuses_a_nul_in_words(seeded_once, db):
    """As each demo role (forms differ by role), every field of every form and every query
    parameter of every link, each in turn holding a NUL, answers 400 with the sentence, and the
    refusals write nothing at all."""
    sent: set[tuple] = set()
    failures, fields = [], set()
    for account in ("editor", "manager", "staff"):
        client = Client(raise_request_exception=False)
        assert client.login(username=account, password=DEMO_PASSWORD)
        pages = _walk(client, set())
        before = _stored()
        for url, html in pages:
            forms, links, _ = forms_and_links(html, url)
            for form in forms:
                path, _, query = form.action.partition("?")
                headers = HTMX if form.htmx else {}
                for name, _default in form.fields:
                    key = (form.method, _route(path), name)
                    if name == "csrfmiddlewaretoken" or key in sent:
                        continue
                    sent.add(key)
                    fields.add(name)
                    data = {**dict(parse_qsl(query)), **form.data(), name: NUL}
                    if form.method == "post":
                        response = client.post(form.action, data, headers=headers)
                    else:
                        query_string = urlencode(data, doseq=True)
                        response = client.get(f"{path}?{query_string}", headers=headers)
                    if wrong := refused_in_words(response, htmx=form.htmx):
                        failures.append(f"{form.method} {form.action} {name}: {wrong} ({account})")
            for link in links:
                for name, _value in link.params:
                    key = ("link", _route(link.path), name)
                    if key in sent:
                        continue
                    sent.add(key)
                    fields.add(name)
                    params = [(k, NUL if k == name else v) for k, v in link.params]
                    response = client.get(f"{link.path}?{urlencode(params)}")
                    if wrong := refused_in_words(response):
                        failures.append(f"link {link.path}?{name}: {wrong} ({account})")
        wrote = {label for label, count in _stored().items() if count != before[label]}
        if wrote:
            failures.append(f"the refusals wrote to {sorted(wrote)} ({account})")
    assert not failures, "\n".join(failures)
    # The walk reached the places the issue names, and a good many more.
    assert {"focus", "search", "reason", "q", "department"} <= fields
    assert len(sent) > 150, len(sent)
