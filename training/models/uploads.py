"""A training video on its way straight to storage, between the editor's first part and the form.

A video of up to 2 GB does not fit through one web request (gunicorn cuts a worker off after 60
seconds, and the worker is lost to everyone else meanwhile), so the editor's browser sends it
in parts: to the bucket itself by presigned addresses (an S3 multipart upload), or to the
portal in chunks on the local-disk profile. This row is what any server needs to carry on an
upload another server started: who started it (nobody else may add parts, finish, abort it or
use the file), under which name it will be stored, how big it is and how it is cut.

It is finished when every part has arrived and the file is in place; the video form then
names it instead of sending the file. An upload nobody finished or used is cleaned up after a
day (`services.video_uploads.video_uploads_sweep`).
"""

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

# An upload nobody finished, or finished and never saved with a video, is removed after this.
MAX_AGE = timedelta(hours=24)


class VideoUpload(models.Model):
    # Random, so an upload's addresses cannot be guessed; still checked against its owner.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The storage name the video gets (`Video.file.name`): unique, so no upload replaces another.
    name = models.CharField(max_length=100, unique=True)
    filename = models.CharField(max_length=255)  # as the editor's computer called it
    size = models.BigIntegerField()
    part_bytes = models.PositiveIntegerField()
    # The bucket's id for its multipart upload; empty on the local disk.
    multipart_id = models.CharField(max_length=1024, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(size__gt=0, part_bytes__gt=0), name="video_upload_not_empty"
            )
        ]

    def __str__(self):
        return self.filename

    @property
    def parts(self) -> int:
        return -(-self.size // self.part_bytes)

    def part_range(self, number: int) -> tuple[int, int]:
        """The first byte of part `number` (from 1) and its length."""
        start = (number - 1) * self.part_bytes
        return start, min(self.part_bytes, self.size - start)
