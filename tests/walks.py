"""One place of each kind: what the test-client walks of the site (browser policies, bad input,
the cache outage) and the axe crawl open, instead of every address.

A live page's kind is its class and the set of blocks in its body, so every template and every
block that changes the markup is opened once, not every page of the same shape (the cheap walk
in tests/portal/test_seeded_pages.py still opens every page, as every role). Any other address's
kind is its view, its address with the numbers taken out and the names of its query's
parameters (`/champions/review/7/` and `/champions/review/12/` are one place, and so are
`?status=open` and `?status=done`; `?status=open&q=x` is another). A kind is done once one of
its addresses answered 200, or once an address a page links to answered at all: the walks start
from addresses built from URL patterns with sample ids (mostly 404), and the real object a page
links to later must still be opened.
"""

import re
from urllib.parse import parse_qsl, urlsplit

from django.urls import Resolver404, resolve
from wagtail.fields import StreamField
from wagtail.models import Page

NUMBER = re.compile(r"\d+")


def page_kind(page: Page) -> tuple[str, ...]:
    """A page's class and the block types in its body (every StreamField)."""
    blocks = {
        block.block_type
        for field in page._meta.get_fields()
        if isinstance(field, StreamField)
        for block in getattr(page, field.name)
    }
    return (type(page).__name__, *sorted(blocks))


def live_page_kinds() -> dict[str, tuple[str, ...]]:
    """Every live page's address (below the root) and its kind, in tree order."""
    pages = Page.objects.live().filter(depth__gt=1).specific().order_by("path")
    return {page.url: page_kind(page) for page in pages}


def one_page_of_each_kind() -> list[str]:
    """The first live page (in tree order) of each kind."""
    chosen: dict[tuple, str] = {}
    for url, kind in live_page_kinds().items():
        chosen.setdefault(kind, url)
    return list(chosen.values())


def place(url: str, pages: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    """The kind of place `url` (a path, with its query string) is: see the module's docstring.
    `pages` is `live_page_kinds()`."""
    path, _, query = url.partition("?")
    parameters = " ".join(sorted({name for name, _ in parse_qsl(query, keep_blank_values=True)}))
    if path in pages:
        return ("page", *pages[path], parameters)
    try:
        name = resolve(urlsplit(path).path).view_name
    except Resolver404:
        return ("address", url)
    if name == "wagtail_serve":  # not a live page: a draft, a 404, a redirect
        return ("address", url)
    return ("view", name, NUMBER.sub("N", path), parameters)


class Places:
    """The kinds of place a walk has opened: `wanted(url)` until the kind is done (see the
    module's docstring); `opened(url, status, linked=...)` after asking for it."""

    def __init__(self):
        self.pages = live_page_kinds()
        self.done: set[tuple[str, ...]] = set()
        self.answered: set[tuple[str, ...]] = set()  # those of them that answered 200
        self.asked: set[str] = set()

    def wanted(self, url: str) -> bool:
        return url not in self.asked and place(url, self.pages) not in self.done

    def opened(self, url: str, status: int, *, linked: bool) -> None:
        """`linked`: a page linked to `url` (else it was built from a URL pattern)."""
        self.asked.add(url)
        if status == 200 or linked:
            self.done.add(place(url, self.pages))
        if status == 200:
            self.answered.add(place(url, self.pages))
