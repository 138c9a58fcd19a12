"""A real video big enough to travel in several parts, without a big file in the repository."""

from pathlib import Path

from training.services.video_uploads import PART_BYTES

MEDIA = Path(__file__).parent / "media"


def padded_mp4() -> bytes:
    """A real 10-second H.264 MP4 (its `moov` box at the end, so the length is read from the
    end of the stored file), with a `free` box after it that makes the whole two full parts and
    a bit: three parts, and a file the players and the length reader both accept."""
    mp4 = (MEDIA / "short_10s.mp4").read_bytes()
    padding = 2 * PART_BYTES + 12_345 - len(mp4)
    return mp4 + padding.to_bytes(4, "big") + b"free" + bytes(padding - 8)
