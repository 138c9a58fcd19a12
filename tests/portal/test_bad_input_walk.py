"""Every form, filter and link a person can reach refuses a NUL in words (issue 18).

The walk reads the pages instead of a hand list: it opens the URL resolver's addresses and a live
page of each kind of the demo data as three roles (forms differ by role), one link further (a
place of each kind: tests/walks.py), then sends each field of each form and each query parameter
of each link, in turn, holding a NUL, once per kind of place the form or link goes to. One
middleware refuses the NUL before any view runs; what can differ is the view's way in (a JSON
body, an htmx fragment), which is the same for every object a view shows. Each must
answer 400 with the sentence (a whole page, or a fragment for htmx), and the refusals together
must write nothing. On PostgreSQL, before `portal.bad_input`, `/champions/?focus=%00` and the
nomination search answered 500; on SQLite a NUL in a nomination's reason was stored.

Its own module: the demo data is built once for it and stays until the module ends.
"""

import re
from urllib.parse import parse_qsl, urlencode, urlsplit

from django.apps import apps
from django.test import Client

from portal.demo import DEMO_PASSWORD
from tests.html_forms import forms_and_links
from tests.portal.test_bad_input import HTMX, NUL, refused_in_words
from tests.portal.test_url_protection import _all_urls
from tests.walks import Places, one_page_of_each_kind, place

# Addresses the walk does not open: signing out ends the walk, files are not pages.
NOT_WALKED = re.compile(
    r"logout|\.(pdf|xlsx|csv|ics)$|/export|[?&]export=|training-videos/|^/documents/|/healthz"
    r"|/failwhale/"  # Wagtail's page that fails on purpose
)


def _stored() -> dict[str, int]:
    return {
        m._meta.label: m._default_manager.count()
        for m in apps.get_models()
        if m._meta.managed and not m._meta.proxy
    }


def _walk(client: Client, places: Places) -> list[tuple[str, str]]:
    """Open the seed addresses and, one link further, every kind of place not opened yet;
    return each page opened (200, HTML) with its HTML."""
    urls, _ = _all_urls()
    pages, queue = [], [(url, True) for url in [*urls, *one_page_of_each_kind()]]
    while queue:
        url, follow = queue.pop(0)
        if not places.wanted(url) or NOT_WALKED.search(url):
            continue
        response = client.get(url)
        places.opened(url, response.status_code, linked=not follow)
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
        places = Places()
        pages = _walk(client, places)
        before = _stored()
        for url, html in pages:
            forms, links, _ = forms_and_links(html, url)
            for form in forms:
                path, _, query = form.action.partition("?")
                headers = HTMX if form.htmx else {}
                for name, _default in form.fields:
                    key = (form.method, place(path, places.pages), name)
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
                    key = ("link", place(link.path, places.pages), name)
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
