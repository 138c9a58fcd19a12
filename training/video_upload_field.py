"""The video file in the admin's video form: sent straight to storage, or with the form.

With JavaScript (`training/video-upload.js`), choosing a file starts sending it to storage in
parts at once, with a progress bar, and the form then carries only the finished upload's id in
a hidden field; the file input is emptied, so the form never carries the video itself. Without
JavaScript the file goes with the form as before (fine for a short clip; a long one would meet
the web server's time limit, which is why the script exists).

The field takes either. An id names a `VideoUpload` that the editor finished themselves and no
saved video uses yet, or the form says in words that it cannot be used; the video then gets the
stored name, and `Video.clean` reads its length from storage as for any stored file.
"""

from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from wagtail.admin.forms import WagtailAdminModelForm

from .models import Video
from .models.videos import VIDEO_EXTENSIONS
from .video_upload_selectors import video_upload_of
from .video_upload_views import URL_START

UNUSABLE = (
    "That upload cannot be used: it was cancelled, it is more than a day old, another video "
    "uses it already, or it was not yours. Choose the video file again."
)


@dataclass(frozen=True)
class StoredUpload:
    """What the form sent for a video that went straight to storage: the upload's id, and the
    file's name to show again if the form comes back with an error (display only)."""

    id: str
    filename: str = ""


class VideoFileInput(forms.ClearableFileInput):
    """The file input, a hidden field for a finished upload, a progress bar with its text and a
    live region; the script does the sending."""

    around_template = "training/admin/video_file_input.html"  # around Django's own input

    class Media:
        js = ["training/video-upload.js"]
        css = {"all": ["training/video-upload.css"]}

    def upload_field_name(self, name: str) -> str:
        return f"{name}-upload"

    def value_from_datadict(self, data, files, name):
        sent = super().value_from_datadict(data, files, name)
        upload_id = data.get(self.upload_field_name(name), "").strip()
        if sent or not upload_id:
            return sent
        return StoredUpload(upload_id, data.get(f"{self.upload_field_name(name)}-filename", ""))

    def render(self, name, value, attrs=None, renderer=None):
        # The project's templates (the form renderer looks only in apps' and Django's own).
        stored = value if isinstance(value, StoredUpload) else None
        file_input = super().render(name, None if stored else value, attrs, renderer)
        context = {
            "file_input": mark_safe(file_input),  # noqa: S308 (Django's own widget, escaped)
            "name": name,
            "id": (attrs or {}).get("id", f"id_{name}"),
            "upload_name": self.upload_field_name(name),
            "stored": stored,
            "start_url": reverse(URL_START),
        }
        return render_to_string(self.around_template, context)


class VideoFileField(forms.FileField):
    widget = VideoFileInput

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = None  # set by the form: an upload is usable only by whoever sent it

    def clean(self, data, initial=None):
        if not isinstance(data, StoredUpload):
            return super().clean(data, initial)
        upload = video_upload_of(user=self.user, upload_id=data.id, finished=True)
        if upload is None:
            raise ValidationError(UNUSABLE, code="upload_unusable")
        return upload.name  # the model field stores the name as it is

    def bound_data(self, data, initial):
        return data if isinstance(data, StoredUpload) else super().bound_data(data, initial)

    def has_changed(self, initial, data):
        return isinstance(data, StoredUpload) or super().has_changed(initial, data)


class VideoAdminForm(WagtailAdminModelForm):
    """The video snippet's form, with the file field that takes a finished upload."""

    file = VideoFileField(
        label="File",
        max_length=Video._meta.get_field("file").max_length,
        help_text=Video._meta.get_field("file").help_text + " Up to 2 GB.",
        widget=VideoFileInput(
            attrs={"accept": ",".join(f".{extension}" for extension in VIDEO_EXTENSIONS)}
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].user = self.for_user
