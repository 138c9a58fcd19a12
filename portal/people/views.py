"""The staff import screen in the Wagtail admin: upload, preview, confirm.

Why two steps: an HR file touches everyone's record, so the person first sees what it would do
(the counts, and every bad row with its line) and only then applies it. Between the two steps
the upload waits in a private temporary file named by a random token that only this person's
session knows; confirming checks the file again against the directory as it is at that moment
and applies it all or nothing. The rules live in `portal.people.importing`; this module moves
bytes and renders.
"""

import hashlib
import os
import secrets
import stat
import tempfile
import time
from pathlib import Path

from django import forms
from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST

from portal.permissions import can_run_programme, require

from . import importing

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
PENDING_DIR = Path(tempfile.gettempdir()) / "portal-staff-imports"
PENDING_MAX_AGE = 24 * 60 * 60  # seconds an upload may wait for its confirmation
SESSION_KEY = "portal_staff_import"
TEMPLATE = "portal/people/staff_import.html"


class UploadForm(forms.Form):
    file = forms.FileField(
        label="HR export (CSV)",
        help_text="UTF-8, UTF-16 or Windows (cp1252) text, with commas or semicolons between "
        "values.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


class _CappedUpload(FileUploadHandler):
    """Stops reading an upload once it passes the cap, so an oversized file never lands on disk."""

    too_big = False

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > MAX_UPLOAD_BYTES:
            self.too_big = True
            raise StopUpload(connection_reset=False)  # read and drop the rest, then answer
        return raw_data

    def file_complete(self, file_size):
        return None


@csrf_exempt  # CSRF is checked in `_upload_preview`, once the size cap is in place
@require(can_run_programme)
@require_http_methods(["GET", "POST"])
def staff_import_upload(request):
    """GET: the upload form. POST: check the uploaded file and show what it would change."""
    if request.method == "GET":
        return _render(request, form=UploadForm())
    cap = _CappedUpload(request)
    request.upload_handlers.insert(0, cap)
    return _upload_preview(request, cap)


@csrf_protect
def _upload_preview(request, cap: _CappedUpload):
    form = UploadForm(request.POST, request.FILES)
    if cap.too_big:  # the file was dropped unread, so the form sees none: say why instead
        form.is_valid()
        form.errors["file"] = form.error_class(
            [
                f"That file is larger than {_size(MAX_UPLOAD_BYTES)}, the most this screen "
                "takes. Remove columns the import does not use, or run the import_staff "
                "command on the server."
            ]
        )
    if not form.is_valid():
        return _render(request, form=form)
    upload = form.cleaned_data["file"]
    data = upload.read()
    _pending_discard(request)  # a new upload replaces any earlier preview, good or bad
    result = importing.staff_import(data=data, dry_run=True)
    token = _pending_save(request, data) if result.ok else ""
    return _render(request, form=UploadForm(), result=result, token=token, file_name=upload.name)


@require(can_run_programme)
@require_POST
def staff_import_confirm(request):
    """Apply the upload previewed in this session, if it is still clean."""
    token = request.POST.get("token", "")
    data = _pending_load(request, token)
    if data is None:
        messages.error(
            request,
            "That upload is no longer waiting to be imported: it was imported already, "
            "replaced by a newer upload, or it expired. Upload the file again.",
        )
        return redirect("portal_staff_import")
    result = importing.staff_import(data=data, dry_run=False)
    _pending_discard(request)
    if not result.ok:  # the directory changed since the preview
        messages.error(request, "Nothing was imported: the file no longer checks out.")
        return _render(request, form=UploadForm(), result=result, status=409)
    messages.success(
        request,
        f"Staff imported: {result.created} added, {result.updated} updated, "
        f"{result.unchanged} unchanged, {result.deactivated} marked inactive.",
    )
    return redirect("portal_staff_import")


def _render(request, *, form, result=None, token="", file_name="", status=200):
    return render(
        request,
        TEMPLATE,
        {
            "page_title": "Staff import",
            "header_title": "Staff import",
            "header_icon": "group",
            "form": form,
            "result": result,
            "token": token,
            "file_name": file_name,
            "columns": importing.COLUMNS,
            "max_size": _size(MAX_UPLOAD_BYTES),
        },
        status=status,
    )


def _size(count: int) -> str:
    megabytes = count / (1024 * 1024)
    return f"{megabytes:g} MB" if megabytes >= 1 else f"{count} bytes"


# Keeping an upload between preview and confirm -----------------------------------------------


def _pending_save(request, data: bytes) -> str:
    """Store `data` under a fresh random token known only to this session; return the token."""
    _pending_dir_check()
    _pending_sweep()
    token = secrets.token_urlsafe(32)
    descriptor = os.open(PENDING_DIR / token, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as pending:
        pending.write(data)
    request.session[SESSION_KEY] = {
        "token": token,
        "user": request.user.pk,
        "sha256": hashlib.sha256(data).hexdigest(),
    }
    return token


def _pending_load(request, token: str) -> bytes | None:
    """The bytes previewed in this session under `token`, unchanged; None if there are none."""
    pending = request.session.get(SESSION_KEY)
    if (
        not pending
        or not token
        or not secrets.compare_digest(pending["token"], token)
        or pending["user"] != request.user.pk
    ):
        return None
    try:
        data = (PENDING_DIR / pending["token"]).read_bytes()
    except OSError:
        return None
    return data if hashlib.sha256(data).hexdigest() == pending["sha256"] else None


def _pending_discard(request) -> None:
    pending = request.session.pop(SESSION_KEY, None)
    if pending:
        (PENDING_DIR / pending["token"]).unlink(missing_ok=True)


def _pending_dir_check() -> None:
    """The directory is ours alone: not a link, not readable by others (it sits in /tmp)."""
    PENDING_DIR.mkdir(mode=0o700, exist_ok=True)
    info = PENDING_DIR.lstat()
    if (
        not stat.S_ISDIR(info.st_mode)
        or info.st_uid != os.getuid()
        or stat.S_IMODE(info.st_mode) & 0o077
    ):
        raise ImproperlyConfigured(f"{PENDING_DIR} must be a directory only this user can open.")


def _pending_sweep() -> None:
    """Forget uploads nobody confirmed within a day."""
    cutoff = time.time() - PENDING_MAX_AGE
    for path in PENDING_DIR.iterdir():
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
        except OSError:
            continue
