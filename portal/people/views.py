"""The staff import screen in the Wagtail admin: upload, preview, confirm.

Why two steps: an HR file touches everyone's record, so the person first sees what it would do
(the counts, and every bad row with its line) and only then applies it. Between the two steps
the upload waits in the database (`importing.pending`: any server can take the confirmation),
under a random token that works only for the person who uploaded it; confirming checks the file
again against the directory as it is at that moment and applies it all or nothing. The rules
live in `portal.people.importing`; this module moves bytes and renders.
"""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.views.decorators.http import require_http_methods, require_POST

from portal.permissions import can_run_programme, require

from . import importing
from .importing import pending
from .models import DirectoryImport

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
LEAVERS_SHOWN = 200  # names listed on the page; the rest are counted
TEMPLATE = "portal/people/staff_import.html"


class UploadForm(forms.Form):
    mode = forms.ChoiceField(
        label="What the file is",
        choices=DirectoryImport.MODES,
        initial=DirectoryImport.UPDATE,
        widget=forms.RadioSelect,
        help_text="Only a full export of everyone marks people missing from it inactive.",
    )
    file = forms.FileField(
        label="HR export (CSV)",
        help_text="UTF-8, UTF-16 or Windows (cp1252) text, with commas or semicolons between "
        "values.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


@require(can_run_programme)
@require_http_methods(["GET", "POST"])
def staff_import_upload(request):
    """GET: the upload form. POST: check the uploaded file and show what it would change.

    The size cap is checked on the parsed upload: every form is read before any view by the
    bad-input check (`portal.bad_input`), so a view can no longer put an upload handler of its
    own in front of the parser. Django keeps a large upload in a temporary file it deletes at
    the end of the request; the web server's body limit bounds it."""
    if request.method == "GET":
        return _render(request, form=UploadForm())
    form = UploadForm(request.POST, request.FILES)
    uploaded = request.FILES.get("file")
    if uploaded is not None and uploaded.size > MAX_UPLOAD_BYTES:
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
    upload, mode = form.cleaned_data["file"], form.cleaned_data["mode"]
    data = upload.read()
    pending.pending_import_discard(user=request.user)  # a new upload replaces any earlier one
    result = importing.staff_import(data=data, dry_run=True, deactivate_missing=mode == "full")
    token = (
        pending.pending_import_save(user=request.user, data=data, mode=mode) if result.ok else ""
    )
    return _render(
        request,
        form=UploadForm(initial={"mode": mode}),
        result=result,
        token=token,
        file_name=upload.name,
        full=mode == DirectoryImport.FULL,
    )


@require(can_run_programme)
@require_POST
def staff_import_confirm(request):
    """Apply the upload this person previewed (on this server or another), if still clean."""
    token = request.POST.get("token", "")
    typed = request.POST.get("departures", "").strip()
    try:
        result, mode = pending.pending_import_confirm(
            user=request.user,
            token=token,
            departures_confirmed=int(typed) if typed.isdecimal() and len(typed) < 10 else None,
        )
    except pending.PendingRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("portal_staff_import")
    if result.refused:  # the confirmation was not typed right: the preview stays, as it was
        return _render(
            request,
            form=UploadForm(initial={"mode": mode}),
            result=result,
            token=token,
            full=mode == DirectoryImport.FULL,
            status=400,
        )
    if not result.ok:  # the directory changed since the preview
        messages.error(request, "Nothing was imported: the file no longer checks out.")
        return _render(
            request,
            form=UploadForm(),
            result=result,
            full=mode == DirectoryImport.FULL,
            status=409,
        )
    messages.success(
        request,
        f"Staff imported: {result.created} added, {result.updated} updated, "
        f"{result.unchanged} unchanged, {result.deactivated} marked inactive. You can undo "
        f"this import for {importing.UNDO_HOURS} hours, until something else changes the "
        "directory.",
    )
    return redirect("portal_staff_import")


@require(can_run_programme)
@require_POST
def staff_import_undo(request):
    """Put the directory back as it was before the last import."""
    try:
        import_id = int(request.POST.get("import", ""))
        record = importing.staff_import_undo(import_id=import_id, by=request.user)
    except (ValueError, importing.UndoRefused) as refusal:
        reason = str(refusal) if isinstance(refusal, importing.UndoRefused) else ""
        messages.error(request, reason or "Choose the import to undo from this page.")
        return _render(request, form=UploadForm(), status=409 if reason else 400)
    applied_at = date_format(timezone.localtime(record.applied_at), "j M Y, H:i")
    messages.success(
        request,
        f"The import of {applied_at} was undone: {record.created} "
        f"people it added are inactive again, {record.updated} are as they were, and "
        f"{record.deactivated} it marked inactive are active again.",
    )
    return redirect("portal_staff_import")


def _render(request, *, form, result=None, token="", file_name="", full=False, status=200):
    context = {
        "page_title": "Staff import",
        "header_title": "Staff import",
        "header_icon": "group",
        "form": form,
        "result": result,
        "token": token,
        "file_name": file_name,
        "full": full,
        "columns": importing.COLUMNS,
        "max_size": _size(MAX_UPLOAD_BYTES),
        "undoable": importing.import_undoable(),
        "undo_hours": importing.UNDO_HOURS,
        "leavers_shown": LEAVERS_SHOWN,
        "leavers_more": max(0, len(result.leavers) - LEAVERS_SHOWN) if result else 0,
    }
    return render(request, TEMPLATE, context, status=status)


def _size(count: int) -> str:
    megabytes = count / (1024 * 1024)
    return f"{megabytes:g} MB" if megabytes >= 1 else f"{count} bytes"
