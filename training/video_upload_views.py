"""The editor's browser sends a training video straight to storage through these addresses.

Start (the file's name and size) -> part addresses -> a PUT per part -> finish; or abort. They
live in the Wagtail admin (`wagtail_hooks`), which already turns away whoever may not use it,
and answer JSON only to people who may add or change training videos (403 in words otherwise);
an upload belongs to whoever started it and is "not found" to anyone else. Every request
needs the CSRF token (the browser sends it as a header): a part PUT to the portal as well. A PUT
to the bucket goes to the bucket alone and carries no token, only its presigned address.

What the steps do, and why in this order, is in `services.video_uploads`.
"""

from django.http import Http404, JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST
from wagtail.permission_policies import ModelPermissionPolicy

from portal import bad_input

from .models import Video, VideoUpload
from .services import video_uploads
from .services.video_uploads import (
    StorageUnavailable,
    UploadGone,
    UploadIncomplete,
    UploadRefused,
)
from .video_upload_selectors import video_upload_of

URL_START = "training_video_upload_start"
MAX_BODY_BYTES = 4 * 1024  # a name and a size; part numbers, 20 at a time
MAX_FINISH_BYTES = 64 * 1024  # an ETag for each of up to 410 parts
NOT_AN_EDITOR = "Only people who may add or change training videos can upload them."
STATUS = {UploadRefused: 400, UploadGone: 409, UploadIncomplete: 409, StorageUnavailable: 503}


def may_upload_videos(user) -> bool:
    """Whoever may add or change a training video may send one."""
    return user.is_authenticated and ModelPermissionPolicy(Video).user_has_any_permission(
        user, ["add", "change"]
    )


def _refusal(sentence: str, status: int) -> JsonResponse:
    return JsonResponse({"error": sentence}, status=status)


def _for_editors(view):
    def checked(request, *args, **kwargs):
        if not may_upload_videos(request.user):
            return _refusal(NOT_AN_EDITOR, 403)
        try:
            return view(request, *args, **kwargs)
        except bad_input.BadInput as refusal:
            return _refusal(str(refusal), 400)
        except tuple(STATUS) as refusal:
            return _refusal(str(refusal), STATUS[type(refusal)])
        except Http404:
            return _refusal("There is no such upload of yours.", 404)

    checked.__name__ = view.__name__
    checked.__doc__ = view.__doc__
    return checked


def _own(request, upload_id) -> VideoUpload:
    upload = video_upload_of(user=request.user, upload_id=upload_id)
    if upload is None:
        raise Http404("There is no such upload of yours.")
    return upload


def _body(request, *, max_bytes: int = MAX_BODY_BYTES) -> dict:
    body = bad_input.json_body(request, max_bytes=max_bytes)
    if not isinstance(body, dict):
        raise UploadRefused("The data sent should be a JSON object.")
    return body


@require_POST
@_for_editors
def upload_start(request):
    """{"filename", "size"} -> the new upload: how to cut the file and where to send it."""
    body = _body(request)
    upload = video_uploads.video_upload_start(
        user=request.user, filename=body.get("filename"), size=body.get("size")
    )
    arguments = [upload.pk]
    return JsonResponse(
        {
            "id": str(upload.pk),
            "filename": upload.filename,
            "size": upload.size,
            "parts": upload.parts,
            "part_bytes": upload.part_bytes,
            # Parts to the portal go one after another (see the service).
            "parallel": video_uploads.PARALLEL_TO_BUCKET if upload.multipart_id else 1,
            "parts_url": reverse("training_video_upload_parts", args=arguments),
            "finish_url": reverse("training_video_upload_finish", args=arguments),
            "abort_url": reverse("training_video_upload_abort", args=arguments),
        },
        status=201,
    )


@require_POST
@_for_editors
def upload_parts(request, upload_id):
    """{"parts": [numbers]} -> {"urls": {number: address to PUT that part to}}."""
    upload = _own(request, upload_id)
    numbers = _body(request).get("parts")
    if upload.multipart_id:
        urls = video_uploads.video_upload_part_urls(upload=upload, numbers=numbers)
    else:
        video_uploads.video_upload_parts_check(upload=upload, numbers=numbers)
        urls = {
            number: reverse("training_video_upload_part", args=[upload.pk, number])
            for number in numbers
        }
    return JsonResponse({"urls": {str(number): url for number, url in urls.items()}})


@require_http_methods(["PUT"])
@_for_editors
def upload_part(request, upload_id, number: int):
    """One part's bytes, to the portal (the local-disk profile). The body is copied to disk as
    it is read, never parsed and never held whole: `bad_input`'s JSON parser is not for it."""
    upload = _own(request, upload_id)
    try:
        length = int(request.headers.get("Content-Length") or "")
    except ValueError:
        raise UploadRefused("A part must say its length (Content-Length).") from None
    video_uploads.video_upload_part_write(
        upload=upload, number=number, source=request, length=length
    )
    return JsonResponse({"part": number})


@require_POST
@_for_editors
def upload_finish(request, upload_id):
    """Every part sent ({"etags": {number: ETag}} from a bucket's answers) -> the file in place;
    the form then names the upload (its id)."""
    upload = _own(request, upload_id)
    etags = _body(request, max_bytes=MAX_FINISH_BYTES).get("etags")
    upload = video_uploads.video_upload_finish(upload=upload, etags=etags)
    return JsonResponse({"id": str(upload.pk), "filename": upload.filename, "size": upload.size})


@require_POST
@_for_editors
def upload_abort(request, upload_id):
    """Cancelled, or replaced by another file: nothing of it stays in storage."""
    video_uploads.video_upload_abort(upload=_own(request, upload_id))
    return JsonResponse({"aborted": True})
