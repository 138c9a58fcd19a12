"""What a page offers to send: its forms (fields and default values) and its links' query
strings, read from the HTML as a browser would, so a test can feed bad input to every field a
person can reach instead of to a hand-kept list."""

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

SKIPPED_TYPES = {"submit", "button", "image", "reset", "file"}


@dataclass
class Form:
    method: str  # "get" or "post"
    action: str  # absolute path, query string included
    htmx: bool
    fields: list[tuple[str, str]] = field(default_factory=list)  # (name, default value)

    def data(self) -> dict[str, list[str]]:
        values: dict[str, list[str]] = {}
        for name, value in self.fields:
            values.setdefault(name, []).append(value)
        return values


@dataclass
class Link:
    path: str
    params: list[tuple[str, str]]


class _Reader(HTMLParser):
    def __init__(self, page_url: str):
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[Form] = []
        self.links: list[Link] = []
        self.hrefs: list[str] = []
        self._form: Form | None = None
        self._select: tuple[str, list[str], str | None] | None = None  # name, options, chosen
        self._textarea: tuple[str, list[str]] | None = None
        self._select_attrs: dict = {}
        self._textarea_attrs: dict = {}

    def _url(self, value: str | None) -> str:
        url = urlsplit(urljoin(self.page_url, value or self.page_url))
        return url.path + (f"?{url.query}" if url.query else "")

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            hx = a.get("hx-post") or a.get("hx-get")
            method = "post" if a.get("hx-post") else (a.get("method") or "get").lower()
            if a.get("hx-get"):
                method = "get"
            self._form = Form(method, self._url(hx or a.get("action")), htmx=bool(hx))
            self.forms.append(self._form)
        elif tag == "a" and a.get("href"):
            self.hrefs.append(a["href"])
            url = urlsplit(urljoin(self.page_url, a["href"]))
            if url.query and url.netloc in ("", "testserver"):
                self.links.append(Link(url.path, parse_qsl(url.query, keep_blank_values=True)))
        elif tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind in SKIPPED_TYPES or (kind in {"checkbox", "radio"} and "checked" not in a):
                return
            self._field(a["name"], a.get("value") or ("on" if kind == "checkbox" else ""), a)
        elif tag == "select" and a.get("name"):
            self._select = (a["name"], [], None)
            self._select_attrs = a
        elif tag == "option" and self._select is not None:
            name, options, chosen = self._select
            options.append(a.get("value", ""))
            if "selected" in a:
                chosen = a.get("value", "")
            self._select = (name, options, chosen)
        elif tag == "textarea" and a.get("name"):
            self._textarea = (a["name"], [])
            self._textarea_attrs = a

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1].append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None:
            name, options, chosen = self._select
            default = chosen if chosen is not None else (options or [""])[0]
            self._field(name, default, self._select_attrs)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self._field(self._textarea[0], "".join(self._textarea[1]), self._textarea_attrs)
            self._textarea = None

    def _field(self, name: str, value: str, attrs: dict):
        if self._form is not None:
            self._form.fields.append((name, value))
        elif attrs.get("hx-get") or attrs.get("hx-post"):
            # A live field outside a form (a search box): htmx sends its own value.
            hx = attrs.get("hx-post") or attrs.get("hx-get")
            method = "post" if attrs.get("hx-post") else "get"
            self.forms.append(Form(method, self._url(hx), htmx=True, fields=[(name, value)]))


def forms_and_links(html: str, page_url: str) -> tuple[list[Form], list[Link], list[str]]:
    """The page's forms, its links that carry a query string, and every href on it."""
    reader = _Reader(page_url)
    reader.feed(html)
    return reader.forms, reader.links, reader.hrefs
