"""Watch tracking: merge the segments a person actually played; 90 % of the video is watched.

The player reports the browser's `played` ranges, which grow only while the video plays: seeking
adds nothing, so dragging the scrubber to the end does not count. The server keeps the union of
everything reported, never trusts a position for completion, and records `video_watched` (and
`wiifm_watched` for the WIIFM video) once, when the union first reaches 90 % of the duration.
"""

import math
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from portal.people.models import Staff
from portal.tiers.services import engagement_record

from .. import structure
from ..models import LessonPage, Video, VideoProgress
from ..structure import WATCHED_SHARE
from . import NotInLesson, lessons

MAX_SEGMENTS = 500  # a report with more is cut here: nobody plays a video in 500 pieces


def segments_merge(segments: list[list[float]]) -> list[list[float]]:
    """The union of [start, end] intervals, sorted, touching ones joined."""
    merged: list[list[float]] = []
    for start, end in sorted(segments):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return merged


def segments_clean(raw, *, duration: float) -> list[list[float]]:
    """Well-formed [start, end] pairs inside the video; anything else is dropped, not an error:
    a player may send a zero-length range at a seek, and a stale tab an odd one."""
    if not isinstance(raw, list):
        return []
    clean = []
    for pair in raw[:MAX_SEGMENTS]:
        if not (isinstance(pair, list | tuple) and len(pair) == 2):
            continue
        start, end = pair
        if not all(isinstance(x, int | float) and not isinstance(x, bool) for x in pair):
            continue
        if not (math.isfinite(start) and math.isfinite(end)):
            continue
        start, end = max(0.0, float(start)), min(duration, float(end))
        if end > start:
            clean.append([round(start, 2), round(end, 2)])
    return segments_merge(clean)


def video_progress_record(
    *,
    staff: Staff,
    lesson: LessonPage,
    block_id: str,
    played: list,
    position: float,
    now: datetime | None = None,
) -> VideoProgress:
    """Add what was played to the person's progress on the lesson's video. Idempotent: sending
    the same ranges again changes nothing but the position."""
    now = now or timezone.now()
    block = structure.tracked_block(lesson, block_id, video=True)
    if block is None:
        raise NotInLesson("This video is not part of the lesson.")
    lessons.lesson_open_check(staff=staff, lesson=lesson)
    video = block.value["video"]
    duration = video.duration
    reported = segments_clean(played, duration=duration)
    with transaction.atomic():
        progress = _progress_locked(staff, video, now)
        progress.segments = segments_merge(progress.segments + reported)
        progress.played_seconds = round(sum(end - start for start, end in progress.segments), 2)
        if isinstance(position, int | float) and math.isfinite(position):
            progress.position = round(min(max(0.0, float(position)), duration), 2)
        progress.reported_at = now
        newly_watched = (
            progress.watched_at is None
            and duration > 0
            and progress.played_seconds >= WATCHED_SHARE * duration
        )
        if newly_watched:
            progress.watched_at = now
        progress.save()
        if newly_watched:
            _watched_record(staff, video, block, lesson, now)
            lessons.lesson_complete_if_done(staff=staff, lesson=lesson, now=now)
    return progress


def _progress_locked(staff: Staff, video, now: datetime) -> VideoProgress:
    """The person's row for the video, created if new, locked for this transaction."""
    try:
        with transaction.atomic():
            VideoProgress.objects.get_or_create(
                staff=staff, video=video, defaults={"reported_at": now}
            )
    except IntegrityError:
        pass  # another tab created it a moment ago
    return VideoProgress.objects.select_for_update().get(staff=staff, video=video)


def _watched_record(staff, video, block, lesson, now) -> None:
    metadata = {"lesson": lesson.pk, "duration": video.duration}
    kinds = ["video_watched", "wiifm_watched"] if block.is_wiifm else ["video_watched"]
    for kind in kinds:
        engagement_record(
            staff=staff,
            kind=kind,
            subject=str(video.pk),
            source="web",
            occurred_at=now,
            metadata=metadata,
            idempotency_key=f"{kind}:{staff.pk}:{video.pk}",
        )


def video_create(*, title: str, file, captions=None, captions_language: str = "en") -> Video:
    """A video from files (demo seeding, imports): validated exactly as the admin form does."""
    video = Video(title=title, file=file, captions=captions, captions_language=captions_language)
    video.full_clean()
    video.save()
    return video
