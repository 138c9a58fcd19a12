"""Reading a person's own video uploads (the upload views and the video form's field)."""

import uuid

from django.utils import timezone

from .models import Video, VideoUpload
from .models.uploads import MAX_AGE as UPLOAD_MAX_AGE


def video_upload_of(*, user, upload_id, finished: bool = False) -> VideoUpload | None:
    """`user`'s own upload by its id (a string from a request), while it is young enough to be
    kept; with `finished`, only one whose file is in place and that no saved video uses yet.
    None for anyone else's, an old one, or an id that is not one."""
    try:
        upload_id = uuid.UUID(str(upload_id))
    except ValueError:
        return None
    if user is None or not user.is_authenticated:
        return None
    uploads = VideoUpload.objects.filter(
        pk=upload_id, user=user, started_at__gte=timezone.now() - UPLOAD_MAX_AGE
    )
    if finished:
        uploads = uploads.filter(finished_at__isnull=False).exclude(
            name__in=Video.objects.values("file")
        )
    return uploads.first()
