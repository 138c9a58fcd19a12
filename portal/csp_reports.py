"""Where browsers report what the Content-Security-Policy blocked: one log line per violation.

Why it looks like this: a violation on a real page means either an attack that the policy
stopped or a page of ours that the policy broke (an inline script someone added); either way an
operator should see it, so each one becomes a `portal.csp` warning. Browsers send reports with
no session and no CSRF token, from the sign-in page too, so the address is public and exempt
from CSRF; that makes it something anyone can post to, hence:

- **Rate-limited per address** (the client address as sign-in throttling reads it, behind
  `TRUSTED_PROXY_COUNT` proxies): `PER_ADDRESS` reports a minute are logged, the rest answered
  429 and dropped, so nobody can flood the log. The counts live in the cache; with the cache
  down every report is logged.
- **Junk answers 400**, never 500: the body is read through `portal.bad_input` (64 KB at most,
  JSON, nothing unstorable) and must be a CSP report, in either shape browsers send: `report-uri`'s
  `{"csp-report": {...}}` or the Reporting API's `[{"type": "csp-violation", "body": {...}}]`.
- **No secrets or personal data in the log**: the page is named by its URL name (an address can
  hold a sign-in link's token), a blocked or source address by its origin only (static files by
  their path), and the report's sample of the blocked code is dropped.
"""

import logging
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import bad_input

logger = logging.getLogger("portal.csp")

MAX_BODY_BYTES = 64 * 1024
PER_ADDRESS = 30  # reports logged per address per minute; a broken page sends a few per view
WINDOW_SECONDS = 60
MAX_PER_BODY = 20  # the Reporting API batches several reports in one body
CONTENT_TYPES = {"application/csp-report", "application/reports+json", "application/json"}
# blocked-uri keywords browsers use instead of an address
KEYWORDS = {"inline", "eval", "wasm-eval", "data", "blob", "self", "trusted-types-policy"}
UNPRINTABLE = re.compile(r"[^\x20-\x7e]")


@dataclass(frozen=True)
class Violation:
    directive: str
    blocked: str
    page: str
    source: str
    disposition: str

    def log_line(self) -> str:
        return (
            f"CSP violation: {self.directive} blocked {self.blocked} on {self.page}"
            f" (from {self.source}, {self.disposition})"
        )


@csrf_exempt  # browsers send reports without a token; nothing here acts for anyone
@require_POST
@never_cache
def csp_report(request):
    if not _within_limit(request):
        return HttpResponse("too many reports", status=429, content_type="text/plain")
    if request.content_type not in CONTENT_TYPES:
        return _refuse("not a CSP report")
    try:
        payload = bad_input.json_body(request, max_bytes=MAX_BODY_BYTES)
    except bad_input.BadInput as refusal:
        return _refuse(str(refusal))
    found = violations(payload)
    if not found:
        return _refuse("not a CSP report")
    for violation in found[:MAX_PER_BODY]:
        logger.warning(violation.log_line())
    return HttpResponse(status=204)


def violations(payload) -> list[Violation]:
    """The violations in a report body of either shape; [] for anything else."""
    if isinstance(payload, dict) and isinstance(payload.get("csp-report"), dict):
        report = payload["csp-report"]
        return [
            _violation(
                directive=report.get("effective-directive") or report.get("violated-directive"),
                blocked=report.get("blocked-uri"),
                page=report.get("document-uri"),
                source=report.get("source-file"),
                disposition=report.get("disposition"),
            )
        ]
    if isinstance(payload, list):
        return [
            _violation(
                directive=body.get("effectiveDirective"),
                blocked=body.get("blockedURL"),
                page=body.get("documentURL"),
                source=body.get("sourceFile"),
                disposition=body.get("disposition"),
            )
            for item in payload
            if isinstance(item, dict)
            and item.get("type") == "csp-violation"
            and isinstance(body := item.get("body"), dict)
        ]
    return []


def _violation(*, directive, blocked, page, source, disposition) -> Violation:
    return Violation(
        directive=_word(directive) or "unknown directive",
        blocked=_address(blocked) or "nothing named",
        page=_page(page),
        source=_address(source) or "the page",
        disposition=_word(disposition) or "enforce",
    )


def _word(value) -> str:
    return UNPRINTABLE.sub("", str(value))[:60] if isinstance(value, str) else ""


def _address(value) -> str:
    """A keyword as it is; a static file by its path; any other address by its origin."""
    if not isinstance(value, str) or not value:
        return ""
    if value in KEYWORDS:
        return value
    parts = urlsplit(value)
    if parts.scheme in {"data", "blob"}:
        return parts.scheme
    if parts.path.startswith(settings.STATIC_URL) and not parts.query:
        return UNPRINTABLE.sub("", parts.path)[:200]
    origin = f"{parts.scheme}://{parts.netloc}" if parts.netloc else parts.scheme
    return UNPRINTABLE.sub("", origin)[:200] or "an address"


def _page(value) -> str:
    """The page by the name of its URL pattern (a page of the site tree by its path, which
    is its title's slugs), never an address that could hold a token."""
    if not isinstance(value, str):
        return "an unnamed page"
    path = urlsplit(value).path or "/"
    try:
        match = resolve(path)
    except Resolver404:
        return "an unknown page"
    if match.view_name == "wagtail_serve":
        return UNPRINTABLE.sub("", path)[:200]
    return match.view_name


def _within_limit(request) -> bool:
    try:
        address = get_adapter(request).get_client_ip(request)
    except (PermissionDenied, ImproperlyConfigured):  # no address, or a forged proxy header
        address = "unknown"
    key = f"csp-report:{address}"
    cache.add(key, 0, timeout=WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr: a new window
        cache.add(key, 1, timeout=WINDOW_SECONDS)
        return True
    return count is None or count <= PER_ADDRESS


def _refuse(reason: str) -> HttpResponse:
    return HttpResponse(reason, status=400, content_type="text/plain")
