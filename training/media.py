"""Reading what an uploaded video really is, and how long it really lasts.

Community managers upload the WIIFM video and recorded training sessions. The portal needs their
real length (a "30-minute training" must not be a 7-minute one, and watch progress is measured
against it), and must refuse files the browser cannot play before anyone is asked to watch them.
Trusting the length typed into a form, or the extension and browser-supplied content type of the
upload, would let both mistakes through.

This module reads the containers themselves, in pure Python and without new dependencies (the
product must not shell out to ffmpeg): ISO base media files (MP4, MOV, M4V) and Matroska/WebM.
It reads only headers and seeks past the media data, so a 2 GB upload costs a few kilobytes of
reads, whether the file sits in memory or in a temporary file.

Every problem with the bytes themselves comes out as :class:`MediaError`, whose message is one
plain sentence a community manager can act on, so a form can show it as it is. Errors of the
file object itself (``OSError`` from a failing disk) are not about the upload and propagate.
"""

from __future__ import annotations

import math
import os
import struct
from collections.abc import Iterator
from typing import IO, Final, Protocol

__all__ = ["MediaError", "video_content_type", "video_duration"]

MP4: Final = "video/mp4"
WEBM: Final = "video/webm"

NOT_A_VIDEO: Final = "This file is not an MP4 or WebM video."
MKV: Final = "This file is an MKV video; export it again as MP4 or WebM."
AUDIO_ONLY: Final = "This file holds only sound; upload an MP4 or WebM video."
INCOMPLETE: Final = "The file seems to be incomplete; upload it again."
UNREADABLE: Final = "The video's duration could not be read; export it again with a video editor."
NO_DURATION: Final = (
    "The video's duration is missing, as in many screen and browser recordings; "
    "export it again with a video editor."
)


class MediaError(ValueError):
    """An uploaded file is not a video the portal can use; the message says why, in words."""


class BinaryFile(Protocol):
    """What is needed of the upload: Django's ``File``/``UploadedFile`` and ``open(p, "rb")``."""

    def read(self, size: int = -1, /) -> bytes: ...

    def seek(self, offset: int, whence: int = 0, /) -> int: ...

    def tell(self) -> int: ...


def video_content_type(file: BinaryFile | IO[bytes]) -> str:
    """``"video/mp4"`` or ``"video/webm"``, from the file's first bytes, not its name.

    The browser-supplied content type and the extension are whatever the uploader's computer
    guessed; the container decides whether a ``<video>`` element can play the file. Photos in
    ISO containers (HEIC, AVIF), sound-only MP4s and MKV files are refused here because they
    would be stored and then fail in every viewer's browser.
    """
    reader = _Reader(file)
    try:
        kind = _container(reader)
        if kind == "matroska":
            raise MediaError(MKV)
        return WEBM if kind == "webm" else MP4
    finally:
        reader.rewind()


def video_duration(file: BinaryFile | IO[bytes]) -> float:
    """The video's length in seconds, as its container declares it for the whole presentation.

    Reads only box and element headers, seeking past the media data (``mdat`` boxes,
    Matroska Clusters), so memory use does not grow with the file. The file is left at
    position 0 so the caller can go on to save it.

    Raises :class:`MediaError` for anything other than an MP4/MOV or WebM/Matroska file
    whose header gives a positive, finite duration, including files cut short and recordings
    that were never given a duration (MediaRecorder output, ffmpeg writing to a pipe).
    """
    reader = _Reader(file)
    try:
        if _container(reader) == "iso":
            return _iso_duration(reader)
        return _matroska_duration(reader)
    finally:
        reader.rewind()


def _container(reader: _Reader) -> str:
    """Which container the first bytes announce: "iso", "webm" or "matroska" (else MediaError)."""
    head = reader.read_upto(0, 16)
    if head.startswith(_EBML_MAGIC):
        doc_type = _ebml_doc_type(reader)
        if doc_type in {"webm", "matroska"}:
            return doc_type
        raise MediaError(NOT_A_VIDEO)
    if len(head) >= 8 and head[4:8] in _ISO_FIRST_BOXES:
        if head[4:8] == b"ftyp":
            _check_iso_brands(head)
        return "iso"
    raise MediaError(NOT_A_VIDEO)


class _Reader:
    """Positioned reads on a seekable binary file, with every short read turned into
    :class:`MediaError`, so the parsers below can trust what they get and never loop."""

    def __init__(self, file: BinaryFile | IO[bytes]) -> None:
        self._file = file
        file.seek(0, os.SEEK_END)
        self.size = file.tell()
        file.seek(0)

    def read_upto(self, position: int, count: int) -> bytes:
        """At most ``count`` bytes from ``position``; fewer at the end of the file."""
        if position < 0 or position >= self.size or count <= 0:
            return b""
        self._file.seek(position)
        data = self._file.read(min(count, self.size - position))
        if not isinstance(data, bytes | bytearray):
            # A programming error, not a bad upload: say so loudly rather than blame the file.
            raise TypeError("video files must be opened in binary mode")
        return bytes(data)

    def read(self, position: int, count: int) -> bytes:
        """Exactly ``count`` bytes from ``position``, or the file is incomplete."""
        data = self.read_upto(position, count)
        if len(data) != count:
            raise MediaError(INCOMPLETE)
        return data

    def rewind(self) -> None:
        self._file.seek(0)


# ISO base media (MP4, MOV, M4V): ISO/IEC 14496-12 boxes.

# The box types a real ISO file starts with. Old QuickTime files have no "ftyp" box and start
# straight with the movie, the media data or padding; anything else is not one of these files.
_ISO_FIRST_BOXES: Final = frozenset({b"ftyp", b"moov", b"mdat", b"free", b"skip", b"wide"})
# Major brands of still pictures and sound-only files, which share the container.
_IMAGE_BRANDS: Final = frozenset(
    {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1", b"avif", b"avis"}
)
_AUDIO_BRANDS: Final = frozenset({b"M4A ", b"M4B ", b"M4P ", b"F4A ", b"F4B "})


def _check_iso_brands(head: bytes) -> None:
    """Refuse ISO files whose major brand says they are pictures or sound, not video."""
    if len(head) < 12:
        raise MediaError(INCOMPLETE)
    brand = head[8:12]
    if brand in _IMAGE_BRANDS:
        raise MediaError(NOT_A_VIDEO)
    if brand in _AUDIO_BRANDS:
        raise MediaError(AUDIO_ONLY)


def _iso_boxes(
    reader: _Reader, start: int, end: int, *, top_level: bool = False
) -> Iterator[tuple[bytes, int, int]]:
    """(type, body start, body end) of each box between ``start`` and ``end``.

    Handles 64-bit sizes (size 1, then a ``largesize``) and size 0 ("to the end of the
    enclosing space", i.e. the file at the top level). A top-level box that runs past the end
    of the file means the upload was cut short; a box that overflows its parent, that the file
    is damaged.
    """
    position = start
    while position < end:
        size, kind = struct.unpack(">I4s", reader.read(position, 8))
        body = position + 8
        if size == 1:
            (size,) = struct.unpack(">Q", reader.read(body, 8))
            body += 8
        elif size == 0:
            size = end - position
        if size < body - position:
            raise MediaError(UNREADABLE)
        box_end = position + size
        if box_end > end:
            raise MediaError(INCOMPLETE if top_level else UNREADABLE)
        yield kind, body, box_end
        position = box_end


def _iso_duration(reader: _Reader) -> float:
    """Duration from ``moov/mvhd``, or ``moov/mvex/mehd`` for fragmented files.

    Every top-level box header is walked, even after the movie box is found, because a movie
    box at the start followed by a cut-short (or missing) ``mdat`` is the typical half-finished
    upload: it declares a duration, and plays nothing.
    """
    duration: float | None = None
    seen_moov = seen_mdat = False
    for kind, body, end in _iso_boxes(reader, 0, reader.size, top_level=True):
        if kind == b"moov":
            if seen_moov:
                raise MediaError(UNREADABLE)
            seen_moov = True
            duration = _iso_movie_duration(reader, body, end)
        seen_mdat = seen_mdat or kind == b"mdat"
    if not seen_moov:
        raise MediaError(UNREADABLE)
    if not seen_mdat:
        raise MediaError(INCOMPLETE)
    if duration is None:
        raise MediaError(NO_DURATION)
    return duration


def _iso_movie_duration(reader: _Reader, start: int, end: int) -> float | None:
    """Seconds from the movie header inside one ``moov`` box; None if it declares none."""
    timescale: int | None = None
    movie: int | None = None
    fragments: int | None = None
    for kind, body, box_end in _iso_boxes(reader, start, end):
        if kind == b"mvhd":
            timescale, movie = _iso_mvhd(reader, body, box_end)
        elif kind == b"mvex":
            for inner, inner_body, inner_end in _iso_boxes(reader, body, box_end):
                if inner == b"mehd":
                    fragments = _iso_mehd(reader, inner_body, inner_end)
    if timescale is None:
        raise MediaError(UNREADABLE)
    # Fragmented MP4 (browser and streaming recordings) leaves the movie header at zero and
    # may give the whole length in the "movie extends" header instead.
    ticks = movie or fragments
    if not ticks:
        return None
    return _seconds(ticks / timescale)


def _iso_mvhd(reader: _Reader, body: int, end: int) -> tuple[int, int | None]:
    """(timescale, duration) of a movie header box, version 0 (32-bit) or 1 (64-bit)."""
    version = reader.read(body, 1)[0]
    if version == 0:
        layout, length = ">4x4x4xII", 4 + 16
    elif version == 1:
        layout, length = ">4x8x8xIQ", 4 + 28
    else:
        raise MediaError(UNREADABLE)
    if body + length > end:
        raise MediaError(UNREADABLE)
    timescale, duration = struct.unpack(layout, reader.read(body, length))
    if timescale == 0:
        raise MediaError(UNREADABLE)
    # All ones is the format's way of saying "unknown".
    unknown = 0xFFFFFFFF if version == 0 else 0xFFFFFFFFFFFFFFFF
    return timescale, (None if duration == unknown else duration)


def _iso_mehd(reader: _Reader, body: int, end: int) -> int | None:
    """The fragment duration of a movie extends header: 32-bit (version 0) or 64-bit."""
    width = 8 if reader.read(body, 1)[0] == 1 else 4
    if body + 4 + width > end:
        raise MediaError(UNREADABLE)
    value = int.from_bytes(reader.read(body + 4, width), "big")
    return None if value == (1 << (8 * width)) - 1 else value


# Matroska and WebM: EBML elements (RFC 8794) with the Matroska schema (RFC 9559).

_EBML_MAGIC: Final = b"\x1a\x45\xdf\xa3"
_EBML: Final = 0x1A45DFA3
_DOC_TYPE: Final = 0x4282
_SEGMENT: Final = 0x18538067
_INFO: Final = 0x1549A966
_CLUSTER: Final = 0x1F43B675
_TIMESTAMP_SCALE: Final = 0x2AD7B1
_DURATION: Final = 0x4489
# Elements that may follow an unknown-size Cluster inside the Segment: their appearance is
# what ends the Cluster (RFC 8794, section 6.2).
_SEGMENT_CHILDREN: Final = frozenset(
    {
        0x114D9B74,  # SeekHead
        _INFO,
        0x1654AE6B,  # Tracks
        _CLUSTER,
        0x1C53BB6B,  # Cues
        0x1941A469,  # Attachments
        0x1043A770,  # Chapters
        0x1254C367,  # Tags
    }
)
_DEFAULT_TIMESTAMP_SCALE: Final = 1_000_000  # nanoseconds per tick: milliseconds
_UNKNOWN: Final = -1


def _ebml_number(reader: _Reader, position: int, *, is_id: bool) -> tuple[int, int]:
    """(value, length) of a variable-length integer: an element ID (marker kept, at most 4
    bytes) or an element size (marker removed, at most 8 bytes; all ones means "unknown")."""
    first = reader.read(position, 1)[0]
    length = 9 - first.bit_length() if first else 9
    if length > (4 if is_id else 8):
        raise MediaError(UNREADABLE)
    value = int.from_bytes(reader.read(position, length), "big")
    if is_id:
        return value, length
    all_ones = (1 << (7 * length)) - 1
    value &= all_ones
    return (_UNKNOWN if value == all_ones else value), length


def _ebml_element(reader: _Reader, position: int, end: int) -> tuple[int, int, int]:
    """(ID, data start, size) of the element at ``position``; size may be ``_UNKNOWN``.

    A declared size that runs past ``end`` means the file was cut short (or lies about its
    sizes, which for an upload comes to the same).
    """
    element, id_length = _ebml_number(reader, position, is_id=True)
    size, size_length = _ebml_number(reader, position + id_length, is_id=False)
    data = position + id_length + size_length
    if data > end or (size != _UNKNOWN and data + size > end):
        raise MediaError(INCOMPLETE)
    return element, data, size


def _ebml_children(reader: _Reader, start: int, end: int) -> Iterator[tuple[int, int, int]]:
    """(ID, data start, data end) of each element of known size between ``start`` and ``end``.

    Only the Segment and Clusters may have an unknown size, and they are walked separately.
    """
    position = start
    while position < end:
        element, data, size = _ebml_element(reader, position, end)
        if size == _UNKNOWN:
            raise MediaError(UNREADABLE)
        yield element, data, data + size
        position = data + size


def _ebml_doc_type(reader: _Reader) -> str:
    """The EBML header's DocType, "matroska" when absent (the specification's default)."""
    element, data, size = _ebml_element(reader, 0, reader.size)
    if element != _EBML or size == _UNKNOWN:
        raise MediaError(NOT_A_VIDEO)
    for child, child_data, child_end in _ebml_children(reader, data, data + size):
        if child == _DOC_TYPE:
            if child_end - child_data > 32:
                return ""
            raw = reader.read(child_data, child_end - child_data)
            return raw.rstrip(b"\x00").decode("ascii", errors="replace")
    return "matroska"


def _matroska_duration(reader: _Reader) -> float:
    """Seconds from Segment -> Info -> Duration, scaled by Info's TimestampScale.

    The Segment is normally the only element after the EBML header; anything else at the top
    level (Void padding) is stepped over.
    """
    _, data, size = _ebml_element(reader, 0, reader.size)
    position = data + size
    while position < reader.size:
        element, data, size = _ebml_element(reader, position, reader.size)
        if element == _SEGMENT:
            return _segment_duration(reader, data, reader.size if size == _UNKNOWN else data + size)
        if size == _UNKNOWN:
            break
        position = data + size
    raise MediaError(UNREADABLE)


def _segment_duration(reader: _Reader, start: int, end: int) -> float:
    """Walk the Segment's children to its Info, stepping over Clusters of either kind of size.

    Info comes before the Clusters in practice, so this is usually a handful of reads; a muxer
    that puts it later still works, at the cost of one read per block of any unknown-size
    Cluster before it.
    """
    position = start
    while position < end:
        element, data, size = _ebml_element(reader, position, end)
        if size == _UNKNOWN:
            if element != _CLUSTER:
                raise MediaError(UNREADABLE)
            position = _unknown_cluster_end(reader, data, end)
            continue
        if element == _INFO:
            return _info_duration(reader, data, data + size)
        position = data + size
    raise MediaError(UNREADABLE)


def _unknown_cluster_end(reader: _Reader, start: int, end: int) -> int:
    """Where a Cluster of unknown size ends: at the next Segment child, or the Segment's end
    (RFC 8794, section 6.2)."""
    position = start
    while position < end:
        element, data, size = _ebml_element(reader, position, end)
        if element in _SEGMENT_CHILDREN:
            return position
        if size == _UNKNOWN:
            raise MediaError(UNREADABLE)
        position = data + size
    return end


def _info_duration(reader: _Reader, start: int, end: int) -> float:
    """Seconds from one Info element's Duration and TimestampScale."""
    scale = _DEFAULT_TIMESTAMP_SCALE
    duration: float | None = None
    for element, data, data_end in _ebml_children(reader, start, end):
        length = data_end - data
        if element == _TIMESTAMP_SCALE:
            if not 1 <= length <= 8:
                raise MediaError(UNREADABLE)
            scale = int.from_bytes(reader.read(data, length), "big")
        elif element == _DURATION:
            if length not in (4, 8):
                raise MediaError(UNREADABLE)
            (duration,) = struct.unpack(">f" if length == 4 else ">d", reader.read(data, length))
    if duration is None:
        raise MediaError(NO_DURATION)
    if scale == 0:
        raise MediaError(UNREADABLE)
    return _seconds(duration * scale / 1e9)


def _seconds(value: float) -> float:
    """``value`` if it can be a video's length: positive and finite."""
    if not math.isfinite(value) or value <= 0:
        raise MediaError(UNREADABLE)
    return value
