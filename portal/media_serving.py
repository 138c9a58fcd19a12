"""How a stored file reaches a person: only a signed-in one, and never through Python in production.

Every address that leads to media needs a signed-in person (`portal.permissions` denies by
default): `/media/` for images, the training video and captions addresses, Wagtail's document
serve view. This module decides how the bytes then leave, the same way for all of them:

- **From a bucket** (`AWS_STORAGE_BUCKET_NAME`): a redirect to a presigned URL that soon expires.
  The browser then asks the storage itself, byte ranges included, and no worker waits on it.
- **From the local disk behind nginx** (`MEDIA_ACCEL_REDIRECT`, e.g. "/protected-media/"): an
  empty answer with `X-Accel-Redirect` to that internal location; nginx sends the file, ranges
  and all, and the worker is free at once.
- **Otherwise** (the development server, `DEBUG`, a one-process install): the portal sends the
  bytes itself, with byte ranges (`portal.ranges`), as it always did.

Wagtail's document view reaches the second and third ways through `sendfile` below, its
`SENDFILE_BACKEND`; from a bucket it redirects by itself (`WAGTAILDOCS_SERVE_METHOD`).
"""

import mimetypes
import os
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files import File
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.views.decorators.http import require_GET
from wagtail.utils import sendfile_streaming_backend

from .ranges import ranged_file_response

# What is linked to under MEDIA_URL: Wagtail's images, their renditions, people's avatars, and
# (from the admin's "Currently:" link) a training video or captions file, which any signed-in
# person may fetch through the training view as well. Documents are reached only through
# Wagtail's view, which checks more than sign-in (a document's collection may be private).
LINKED_FOLDERS = ("images/", "original_images/", "avatar_images/", "training/")

# A video's presigned address must outlive the viewing: the player keeps fetching ranges from it
# while it plays, and an expired one stops the video. Three times the length covers pauses and
# re-watching; the cap keeps a copied address from working for the rest of the day.
PLAYING_EXPIRY_CAP = 6 * 3600


def local_path(storage, name: str) -> str | None:
    """The file's path on this machine's disk, or None when the storage is a bucket."""
    try:
        return storage.path(name)
    except NotImplementedError:
        return None


def stored_file_response(
    request, storage, name: str, *, content_type: str, expire: int | None = None
) -> HttpResponse:
    """The answer for a stored file the caller may see: a presigned redirect, an
    X-Accel-Redirect, or (development) the bytes with ranges. 404 if there is no such file."""
    try:
        path = local_path(storage, name)
    except SuspiciousFileOperation:
        raise Http404("No such file.") from None
    if path is None:
        parameters = {"ResponseContentType": content_type} if content_type else {}
        response = HttpResponseRedirect(storage.url(name, parameters=parameters, expire=expire))
        # The address expires: a browser must ask again next time, not reuse a stale one.
        response["Cache-Control"] = "private, no-store"
        return response
    if not os.path.isfile(path):
        raise Http404("No such file.")
    if _accel_prefix():
        return _accel_response(path, content_type=content_type)
    handle = open(path, "rb")  # noqa: SIM115 (the response closes it)
    return ranged_file_response(request, File(handle), content_type=content_type)


def small_file_response(request, storage, name: str, *, content_type: str, max_bytes: int):
    """Like `stored_file_response`, but from a bucket the portal reads the file and answers it
    from its own address. For captions: a `<track>` loads only from the page's own origin (or
    with CORS set up on the bucket, which is easy to get wrong and then silently drops the
    captions), and a captions file is small (`max_bytes`, checked at upload)."""
    if local_path(storage, name) is not None:
        return stored_file_response(request, storage, name, content_type=content_type)
    try:
        with storage.open(name, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except FileNotFoundError:
        raise Http404("No such file.") from None
    if len(data) > max_bytes:
        raise Http404("No such file.")  # not what was checked at upload
    response = HttpResponse(data, content_type=content_type)
    response["Cache-Control"] = "private, max-age=300"
    return response


def playing_expiry(storage, seconds: float) -> int | None:
    """How long a presigned address for a video of `seconds` should last (None: the default)."""
    default = getattr(storage, "querystring_expire", None)
    if default is None:
        return None
    return int(min(PLAYING_EXPIRY_CAP, max(default, default + 3 * seconds)))


@require_GET
def media_file(request, name: str):
    """An image, rendition, avatar or training file under MEDIA_URL, to signed-in people (the
    middleware sees to that); anything else there answers 404, as does a name that tries to
    leave its folder."""
    if not name.startswith(LINKED_FOLDERS) or not _plain_name(name):
        raise Http404("No such file.")
    try:
        exists = default_storage.exists(name)
    except SuspiciousFileOperation:
        exists = False
    if not exists:
        raise Http404("No such file.")
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = stored_file_response(request, default_storage, name, content_type=content_type)
    if response.status_code == 200 or response.has_header("X-Accel-Redirect"):
        # Renditions and uploads never change under their name; a person's browser keeps them.
        response["Cache-Control"] = "private, max-age=86400"
    return response


def sendfile(request, filename, mimetype=None, **kwargs):
    """Wagtail's `SENDFILE_BACKEND` (documents on the local disk): nginx sends the file when
    `MEDIA_ACCEL_REDIRECT` is set, else Wagtail's own streaming answer (development)."""
    if _accel_prefix():
        return _accel_response(filename, content_type=mimetype)
    return sendfile_streaming_backend.sendfile(request, filename, **kwargs)


def _accel_prefix() -> str:
    """The internal nginx location, or "" for the development server (DEBUG or none set)."""
    prefix = getattr(settings, "MEDIA_ACCEL_REDIRECT", "")
    return "" if settings.DEBUG or not prefix else prefix


def _accel_response(path: str, *, content_type: str | None) -> HttpResponse:
    """An empty answer that tells nginx to send `path` (under MEDIA_ROOT) itself."""
    try:
        relative = Path(path).resolve().relative_to(Path(settings.MEDIA_ROOT).resolve())
    except ValueError:
        raise Http404("No such file.") from None
    response = HttpResponse(content_type=content_type or "application/octet-stream")
    response["X-Accel-Redirect"] = _accel_prefix().rstrip("/") + "/" + quote(relative.as_posix())
    return response


def _plain_name(name: str) -> bool:
    """A relative name with no `.`/`..` or empty segments, backslashes or NUL."""
    if "\\" in name or "\x00" in name or name.startswith("/"):
        return False
    return all(segment not in ("", ".", "..") for segment in name.split("/"))
