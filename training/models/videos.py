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

from .. import captions, media

MAX_VIDEO_BYTES = 2 * 1024**3


class Video(index.Indexed, models.Model):
    title = models.CharField(max_length=200)
    file = models.FileField(
        upload_to="training/videos/",
        validators=[FileExtensionValidator(["mp4", "m4v", "webm"])],
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
        """Read the duration and the captions from the files, or say in words what is wrong."""
        super().clean()
        errors = {}
        if self.file and not getattr(self.file, "_committed", True):  # a new upload
            if self.file.size > MAX_VIDEO_BYTES:
                errors["file"] = "The video is larger than 2 GB; export a smaller file."
            else:
                try:
                    self.duration = media.video_duration(self.file)
                    self.content_type = media.video_content_type(self.file)
                except media.MediaError as error:
                    errors["file"] = str(error)
        if self.captions and not getattr(self.captions, "_committed", True):
            try:
                cues = captions.captions_read(self.captions)
            except captions.CaptionsError as error:
                errors["captions"] = str(error)
            else:
                self.transcript = [[c.start, c.end, c.text] for c in cues]
        elif not self.captions:
            self.transcript = []
        if errors:
            raise ValidationError(errors)
