"""Input the portal cannot store or parse is refused at the door, with a sentence (issue 18).

Why one place: PostgreSQL refuses a NUL character in any text it is given, including a value
that is only compared in a `WHERE`, so `?focus=%00` on a filter, a NUL in a form field or in a
webhook's username was a 500 wherever a view forgot to strip it (SQLite stores it quietly, so
only the PostgreSQL profile showed it). Django's form `CharField` refuses NUL, but query-string
filters, hand-read `POST` values and JSON bodies do not. Checking every request here, before any
view or the session is read, means a new view cannot forget; nothing is stripped and carried
on, so what was sent is refused whole and nothing already stored changes.

- `BadInputMiddleware`: the path, query string, form fields (names and values), cookies and
  headers (Django drops unprintable characters from uploaded file names itself). A browser
  gets the 400 page, an htmx request its sentence as a fragment, a JSON client
  `{"error": "..."}`.
- `json_parse` / `json_body`: every JSON body a view reads, capped in size by the caller and in
  nesting depth here (a 5,000-deep array was a RecursionError), with the same text check on
  every key and string, since JSON can also carry lone surrogates (`"\\ud800"`) that neither
  database can encode.
"""

import json
import re

from django.contrib.auth.models import AnonymousUser
from django.http import JsonResponse
from django.template.response import TemplateResponse

# NUL, which PostgreSQL cannot store, and UTF-16 surrogates, which are not characters at all
# and which no database driver can encode (they only arrive through JSON's \\uXXXX escapes:
# Django decodes forms and query strings with replacement characters).
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
MAX_JSON_DEPTH = 20  # a Discourse delivery nests 4 deep, a video progress report 3

WHERE = {
    "path": "The address",
    "query": "The address",
    "form": "Something sent with the form",
    "cookie": "A cookie your browser sent",
    "header": "A header of the request",
    "json": "The data sent",
}
UNSTORABLE_SENTENCE = (
    "{where} contains a character the portal cannot store (a null character, or half of a "
    "two-part character). Remove it and try again."
)


class BadInput(ValueError):
    """A refusal whose text is the sentence to show."""


class NotJson(BadInput):
    """The body is not JSON at all (a webhook names this in its own words)."""


class TooLarge(BadInput):
    """The body is larger than the caller allows (SCIM answers this one with a 413)."""


def unstorable(text: str) -> bool:
    return UNSTORABLE.search(text) is not None


def unstorable_sentence(where: str) -> str:
    return UNSTORABLE_SENTENCE.format(where=WHERE[where])


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def json_parse(body: bytes | str, *, max_depth: int = MAX_JSON_DEPTH):
    """The JSON value in `body`, or `BadInput` with a sentence: not JSON (NaN and Infinity are
    not), nested deeper than `max_depth`, or carrying text no database can store."""
    try:
        value = json.loads(body, parse_constant=_refuse_constant)
    except RecursionError:
        raise BadInput(_too_deep(max_depth)) from None
    except (UnicodeDecodeError, ValueError):
        raise NotJson("The data sent is not valid JSON.") from None
    # Walked with a stack, not recursion: the depth is what is being checked.
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if unstorable(item):
                raise BadInput(unstorable_sentence("json"))
        elif isinstance(item, dict | list):
            if depth > max_depth:
                raise BadInput(_too_deep(max_depth))
            if isinstance(item, dict):
                stack.extend((key, depth) for key in item)
                item = item.values()
            stack.extend((child, depth + 1) for child in item)
    return value


def json_body(request, *, max_bytes: int, max_depth: int = MAX_JSON_DEPTH):
    """The request's JSON body, read no further than `max_bytes` (whatever Content-Length
    claims), or `BadInput` with a sentence."""
    try:
        declared = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        declared = 0
    body = b"" if declared > max_bytes else request.read(max_bytes + 1)
    if declared > max_bytes or len(body) > max_bytes:
        raise TooLarge(f"The data sent is larger than {max_bytes // 1024} KB.")
    return json_parse(body, max_depth=max_depth)


def _too_deep(max_depth: int) -> str:
    return f"The data sent is nested more than {max_depth} levels deep."


def request_refusal(request) -> str:
    """The sentence refusing this request's unstorable text, or "" when there is none."""
    if unstorable(request.path_info):
        return unstorable_sentence("path")
    for where, values in (
        ("header", ((k, v) for k, v in request.META.items() if k.startswith("HTTP_"))),
        ("cookie", request.COOKIES.items()),
        ("query", request.GET.lists()),
        ("form", request.POST.lists() if request.method == "POST" else ()),
    ):
        for key, value in values:
            texts = value if isinstance(value, list) else [value]
            if unstorable(key) or any(unstorable(str(text)) for text in texts):
                return unstorable_sentence(where)
    return ""


class BadInputMiddleware:
    """Refuses a request carrying text no database can store, before any view reads it.

    Placed after the authentication middleware so the 400 page shows the person's menu, and
    before anything loads their session: a session cookie with a NUL in it (`"\\000"` in a
    quoted cookie gets past the web server) would otherwise fail the session lookup. For that
    case the person is shown as signed out, since their session cannot be read.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        sentence = request_refusal(request)
        if not sentence:
            return self.get_response(request)
        if any(unstorable(value) for value in request.COOKIES.values()):
            request.user = AnonymousUser()
        return bad_request(request, sentence)


def bad_request(request, sentence: str):
    """400 with `sentence`: a SCIM error to a SCIM client, JSON for a JSON client, a fragment
    for htmx, else the page."""
    if request.path_info.startswith("/scim/"):
        return JsonResponse(
            {
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"],
                "status": "400",
                "scimType": "invalidValue",
                "detail": sentence,
            },
            status=400,
            content_type="application/scim+json",
        )
    accepts = request.headers.get("Accept", "")
    if request.content_type == "application/json" or (
        "application/json" in accepts and "text/html" not in accepts
    ):
        return JsonResponse({"error": sentence}, status=400)
    template = "400.html#sentence" if request.headers.get("HX-Request") == "true" else "400.html"
    return TemplateResponse(request, template, {"sentence": sentence}, status=400).render()
