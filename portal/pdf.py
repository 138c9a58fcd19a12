"""The one way the portal renders PDFs: WeasyPrint, with no network at render time.

DESIGN rule: "No network at render time. PDFs render through a URL fetcher that allows only
local static files and data: URLs." WeasyPrint's default fetcher follows every URL in the HTML
and CSS (images, stylesheets, `@import`, fonts, SVG references) with urllib. It will fetch
http(s), ftp and file:// URLs. Templates can contain text that people typed, so a rendered PDF
could reach internal hosts, leak who opened it, hang on a slow server, or embed
`file:///etc/passwd`. Here every resource goes through `LocalOnlyURLFetcher`, which opens no
socket and reads no file outside the static files.

Templates link assets with `{% static %}` as usual. The HTML renders against a fixed base URL
on a reserved domain (`SENTINEL_BASE_URL`), so `/static/portal/css/portal.css` becomes
`https://portal.invalid/static/portal/css/portal.css`. The fetcher maps that back to a file
by its path, never through the network. A refused resource is left out with a warning and
the PDF is still produced.
"""

import base64
import logging
import mimetypes
import re
from pathlib import Path
from typing import NoReturn
from urllib.parse import unquote, unquote_to_bytes, urlsplit

import weasyprint
from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

# `.invalid` is reserved (RFC 2606) and never resolves. So even a fetcher that went to the
# network could not reach this host. Relative and root-relative URLs in the HTML resolve
# against it, and the fetcher serves the static part of it from local files.
SENTINEL_BASE_URL = "https://portal.invalid/"
_SENTINEL_HOST = urlsplit(SENTINEL_BASE_URL).netloc

_SCHEME = re.compile(r"^\s*([a-zA-Z][a-zA-Z0-9+.-]*):")


class FetchRefused(ValueError):
    """A resource a PDF may not load: not a data: URL and not one of the portal's static files.

    WeasyPrint catches this, logs it and leaves the resource out. The message never contains
    the URL, because URLs in templates can carry personal data in their path or query.
    """


class LocalOnlyURLFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that serves only `data:` URLs and the portal's static files.

    Everything else is refused before any socket or file is opened. That covers http(s) to
    any host, file://, ftp, media uploads, and paths that escape the static files. Static URLs
    are matched by path on the sentinel host, or on `STATIC_URL`'s host if that is absolute,
    and then read from disk: the staticfiles finders first (development and tests, no
    collectstatic needed), then `STATIC_ROOT` (deployments, hashed names).
    """

    def __init__(self):
        # No protocols for the inherited urllib machinery. It is never used, and this keeps it
        # shut if something reaches it anyway. The parent also sets the attributes WeasyPrint
        # reads (`_fail_on_errors`).
        super().__init__(allowed_protocols=(), fail_on_errors=False)

    def fetch(self, url, headers=None):
        """The resource at `url`, or `FetchRefused` if it is not local (see the class)."""
        scheme = _scheme(url)
        if scheme == "data":
            content_type, body = _data_url(url)
            return URLFetcherResponse(url, body=body, headers={"Content-Type": content_type})
        if scheme not in ("http", "https"):
            _refuse(url, "only data: URLs and static files are allowed")
        try:
            parts = urlsplit(url)
        except ValueError:
            _refuse(url, "unreadable URL")
        static_url = urlsplit(settings.STATIC_URL or "")
        hosts = {_SENTINEL_HOST, static_url.netloc.lower()} - {""}
        if parts.netloc.lower() not in hosts:
            _refuse(url, "only data: URLs and static files are allowed")
        name = _static_name(unquote(parts.path), prefix=static_url.path)
        if name is None:
            _refuse(url, "not under STATIC_URL, or not a plain relative path")
        path = _static_file(name)
        if path is None:
            _refuse(url, "no such static file")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if content_type.startswith("text/"):
            content_type += "; charset=utf-8"  # as the static files are served to browsers
        return URLFetcherResponse(
            url, body=path.read_bytes(), headers={"Content-Type": content_type}
        )


def pdf_render(*, html: str) -> bytes:
    """The PDF for `html`. Resources come only from static files and data: URLs.

    Root-relative URLs such as `{% static %}` output resolve against `SENTINEL_BASE_URL`.
    Anything the fetcher refuses is left out with a warning; the rest of the PDF is produced.
    """
    document = weasyprint.HTML(
        string=html, base_url=SENTINEL_BASE_URL, url_fetcher=LocalOnlyURLFetcher()
    )
    return document.write_pdf()


def pdf_from_template(*, template_name: str, context: dict, request=None) -> bytes:
    """Render a Django template and turn the result into a PDF with `pdf_render`.

    Link images, stylesheets and fonts with `{% static %}` or inline them as data: URLs.
    Absolute URLs are refused, including `request.build_absolute_uri()` ones and media
    uploads.
    """
    return pdf_render(html=render_to_string(template_name, context, request=request))


def _scheme(url: str) -> str:
    match = _SCHEME.match(url)
    return match[1].lower() if match else ""


def _data_url(url: str) -> tuple[str, bytes]:
    """The media type and bytes of a `data:` URL (RFC 2397), decoded in memory.

    Malformed URLs raise `ValueError` (or `binascii.Error`, also a `ValueError`), and
    WeasyPrint leaves the resource out.
    """
    header, comma, payload = url.strip()[len("data:") :].partition(",")
    if not comma:
        raise ValueError("malformed data: URL")
    body = unquote_to_bytes(payload)
    if header.lower().endswith(";base64"):
        header = header[: -len(";base64")]
        body = base64.b64decode(body)
    return header or "text/plain;charset=US-ASCII", body


def _refuse(url: str, reason: str) -> NoReturn:
    """Log and raise for a refused URL, naming only its scheme and host (no path or query)."""
    scheme = _scheme(url) or "schemeless"
    try:
        host = urlsplit(url).hostname or "-"
    except ValueError:
        host = "?"
    logger.warning("PDF render refused a %s URL on host %s: %s", scheme, host, reason)
    raise FetchRefused(f"{reason} ({scheme} URL on host {host})")


def _static_name(path: str, *, prefix: str) -> str | None:
    """The static file name in a URL path: `prefix` removed, then a plain relative path.

    Refuses (returns None for) empty names and directories, absolute paths, `.` and `..`
    segments, backslashes and NUL bytes. The finders and storage refuse escapes as well; this
    check makes the rule explicit and runs before either of them.
    """
    if not prefix.startswith("/") or not path.startswith(prefix):
        return None
    name = path[len(prefix) :]
    if "\\" in name or "\x00" in name:
        return None
    if any(segment in ("", ".", "..") for segment in name.split("/")):
        return None
    return name


def _static_file(name: str) -> Path | None:
    """The file for a static name: found by the finders, else collected in `STATIC_ROOT`."""
    found = finders.find(name)
    if not found and settings.STATIC_ROOT:
        try:
            found = staticfiles_storage.path(name)
        except (NotImplementedError, SuspiciousFileOperation):
            found = None  # a remote storage has no local path; or the name escaped the root
    if found and Path(found).is_file():
        return Path(found)
    return None
