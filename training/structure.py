"""Finding the parts of a lesson that are tracked per person: its videos and its checks.

Blocks are addressed by their StreamField id (a UUID that survives edits and reordering), so
progress stays attached to the same video or check when an editor moves things around.
"""

from dataclasses import dataclass

from .blocks import CHECK_TYPE, VIDEO_TYPES

WATCHED_SHARE = 0.9  # a video counts as watched once this share of it has been played


@dataclass(frozen=True)
class TrackedBlock:
    id: str
    type: str  # a block type name: wiifm_video, recorded_session, knowledge_check
    value: object  # the block's StructValue

    @property
    def is_video(self) -> bool:
        return self.type in VIDEO_TYPES

    @property
    def is_wiifm(self) -> bool:
        return self.type == "wiifm_video"


def tracked_blocks(lesson) -> list[TrackedBlock]:
    """The lesson's videos and checks, in page order. Reads the page's own field only."""
    return [
        TrackedBlock(id=block.id, type=block.block_type, value=block.value)
        for block in lesson.body
        if block.block_type in VIDEO_TYPES or block.block_type == CHECK_TYPE
    ]


def tracked_block(lesson, block_id: str, *, video: bool) -> TrackedBlock | None:
    """The video (or check) block with this id in the lesson, or None."""
    for block in tracked_blocks(lesson):
        if block.id == block_id and block.is_video == video:
            return block
    return None


@dataclass(frozen=True)
class TrackedRef:
    """A tracked block as stored: its video's id rather than the video. Reading these for a
    whole module costs no query per lesson (resolving the videos would cost one each)."""

    id: str
    type: str
    video_id: int | None  # a video block's video
    heading: str  # a check's heading
    attempt_limit: int | None = None  # a check's

    @property
    def is_video(self) -> bool:
        return self.type in VIDEO_TYPES


def tracked_refs(lesson) -> list[TrackedRef]:
    """The lesson's videos and checks, in page order, from the page's stored data."""
    refs = []
    for raw in lesson.body.raw_data:
        kind, value = raw.get("type"), raw.get("value") or {}
        if kind in VIDEO_TYPES:
            refs.append(TrackedRef(raw.get("id") or "", kind, value.get("video"), ""))
        elif kind == CHECK_TYPE:
            refs.append(
                TrackedRef(
                    raw.get("id") or "",
                    kind,
                    None,
                    value.get("heading") or "",
                    value.get("attempt_limit") or None,
                )
            )
    return refs
