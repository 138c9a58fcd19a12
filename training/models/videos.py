"""Self-hosted training videos. Nothing is fetched from the internet: files live in media storage
and are served to signed-in staff only (`training.views.video_file`).

The duration is read from the file itself when it is saved, never typed in, so the seven-minute
rule for the WIIFM video cannot be talked around. Captions are a WebVTT file; its cues are kept
parsed as the transcript shown beside the player.
"""

from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.search import index

from portal import stored_files

from .. import captions, media

MAX_VIDEO_BYTES = 2 * 1024**3
VIDEO_EXTENSIONS = ["mp4", "m4v", "webm"]


class Video(index.Indexed, models.Model):
    title = models.CharField(max_length=200)
    file = models.FileField(
        upload_to="training/videos/",
        validators=[FileExtensionValidator(VIDEO_EXTENSIONS)],
        help_text="An MP4 (H.264) or WebM file. Its length is read from the file.",
    )
    captions = models.FileField(
        upload_to="training/captions/",
        blank=True,
        validators=[FileExtensionValidator(["vtt"])],
        help_text="WebVTT captions (.vtt). Required before a page with this video is published; "
        "the transcript beside the player is made from them.",
    )
    captions_language = models.CharField(
        max_length=16, default="en", help_text='Language of the captions, e.g. "en" or "de".'
    )
    duration = models.FloatField(editable=False, default=0)
    content_type = models.CharField(max_length=40, editable=False, blank=True)
    transcript = models.JSONField(editable=False, default=list)  # [[start, end, text], ...]
    uploaded_at = models.DateTimeField(auto_now_add=True)

    panels = [
        FieldPanel("title"),
        FieldPanel("file"),
        FieldPanel("captions"),
        FieldPanel("captions_language"),
    ]

    search_fields = [index.SearchField("title"), index.AutocompleteField("title")]

    class Meta:
        ordering = ["title"]
        verbose_name = "training video"

    def __str__(self):
        return f"{self.title} ({self.length})" if self.duration else self.title

    @property
    def captions_state(self) -> str:
        """For the video library: missing captions are what stops a page from publishing."""
        return f"Yes ({self.captions_language})" if self.captions else "Missing"

    @property
    def length(self) -> str:
        from ..blocks import minutes_seconds

        return minutes_seconds(self.duration)

    def clean(self):
        """Read the duration and the captions from the files, or say in words what is wrong.

        A new upload is read before it is saved; a file already in storage that was never read
        (one uploaded straight to the bucket) is read where it lies, a few blocks of it
        (`portal.stored_files`), so the same checks hold however the file arrived. That includes
        a stored file that replaces this video's earlier one: the length kept is the old file's."""
        super().clean()
        errors = {}
        if self.file and (_unsaved(self.file) or not self.duration or self._file_replaced()):
            try:
                self._video_read()
            except FileNotFoundError:
                errors["file"] = "The video file could not be found in storage; upload it again."
            except media.MediaError as error:
                errors["file"] = str(error)
        if self.captions and (_unsaved(self.captions) or not self.transcript):
            try:
                with stored_files.field_file_reading(self.captions) as source:
                    cues = captions.captions_read(source)
            except FileNotFoundError:
                errors["captions"] = "The captions file could not be found; upload it again."
            except captions.CaptionsError as error:
                errors["captions"] = str(error)
            else:
                self.transcript = [[c.start, c.end, c.text] for c in cues]
        elif not self.captions:
            self.transcript = []
        if errors:
            raise ValidationError(errors)

    @classmethod
    def from_db(cls, db, field_names, values):
        video = super().from_db(db, field_names, values)
        video._file_loaded = video.__dict__.get("file")  # the name the duration was read from
        return video

    def _file_replaced(self) -> bool:
        """Another stored file than the one loaded from the database (`from_db`)."""
        loaded = getattr(self, "_file_loaded", None)
        return loaded is not None and self.file.name != loaded

    def _video_read(self):
        if self.file.size > MAX_VIDEO_BYTES:
            raise media.MediaError("The video is larger than 2 GB; export a smaller file.")
        with stored_files.field_file_reading(self.file) as source:
            self.duration = media.video_duration(source)
            self.content_type = media.video_content_type(source)


def _unsaved(field_file) -> bool:
    return not getattr(field_file, "_committed", True)
