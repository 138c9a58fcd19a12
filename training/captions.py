"""WebVTT captions: checking an uploaded file, and reading its cues as plain text.

Every training video must come with captions, so people who cannot hear it (or are in an open
office without headphones) can follow, and so its words can be searched and shown as a
transcript. Browsers silently drop what they cannot parse in a captions file; a community
manager would only find out when a viewer complains. So the file is checked on upload, and
each mistake is reported with its line number, in words, while the upload form is still open.

The parser follows the W3C WebVTT specification where it matters for that: the signature, cue
blocks with optional identifiers, timings, NOTE/STYLE/REGION blocks, and a timing line inside a
cue starting the next cue (as browsers do when a blank line is missing). Cue settings and
styling are ignored: only when, and what is said, is kept.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import IO, Final, Protocol

__all__ = ["CaptionsError", "Cue", "captions_parse", "captions_read"]

MAX_BYTES: Final = 2 * 1024 * 1024


@dataclass(frozen=True)
class Cue:
    """One caption: shown from ``start`` to ``end`` (seconds), saying ``text`` (plain text)."""

    start: float
    end: float
    text: str


class CaptionsError(ValueError):
    """A captions file the portal cannot use; the message says why, with the line number."""


class BinaryFile(Protocol):
    """What is needed of the upload: Django's ``File``/``UploadedFile`` and ``open(p, "rb")``."""

    def read(self, size: int = -1, /) -> bytes: ...


# hh:mm:ss.ttt or mm:ss.ttt. Hours may have any number of digits, as browsers accept.
_TIMESTAMP: Final = r"(?:(\d+):)?([0-5]\d):([0-5]\d)\.(\d{3})"
_TIMING: Final = re.compile(
    rf"[ \t]*(?P<start>{_TIMESTAMP})[ \t]*-->[ \t]*(?P<end>{_TIMESTAMP})(?:[ \t].*)?"
)
# What a mistyped timing line starts with ("00:01.000 -> ..."), told apart from an identifier
# only when no timing follows it.
_LOOKS_LIKE_TIMING: Final = re.compile(r"[ \t]*\d+:\d")
_SIGNATURE: Final = re.compile(r"WEBVTT(?:[ \t].*)?")
# A block that starts with one of these words (alone, or followed by a space or tab) is a
# comment, a style sheet or a region definition, none of which holds words to show.
_SKIPPED_BLOCK: Final = re.compile(r"(?:NOTE|STYLE|REGION)(?:[ \t].*)?")
_VOICE: Final = re.compile(r"<v(?:\.[^ \t>]*)?[ \t]+([^>]*)>")
_TAG: Final = re.compile(r"<[^>]*>")
_SPACES: Final = re.compile(r"[ \t]+")


def captions_read(file: BinaryFile | IO[bytes]) -> list[Cue]:
    """Read an uploaded captions file (UTF-8, at most 2 MB) and parse it.

    The size limit keeps a mistaken upload (a video picked instead of its captions) from being
    read whole; captions for a 3-hour video are well under 1 MB. WebVTT is UTF-8 by definition,
    and guessing another encoding would show viewers garbled words, so anything else is refused
    with the line where it goes wrong.
    """
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise CaptionsError("The captions file is over 2 MB, too big to be a captions file.")
    if isinstance(data, str):
        # Already decoded by whoever opened it in text mode.
        return captions_parse(data)
    try:
        text = bytes(data).decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise CaptionsError(
            f"Line {line}: the captions file is not saved as UTF-8 text; "
            "save it again as UTF-8 and upload it."
        ) from None
    return captions_parse(text)


def captions_parse(text: str) -> list[Cue]:
    """The cues of a WebVTT file, in order, with their text as plain text.

    Raises :class:`CaptionsError` for a missing ``WEBVTT`` signature, a malformed timing, a
    cue that ends before it starts or starts before the cue above it, a block that is neither
    a cue nor a NOTE/STYLE/REGION, and a file with no cues at all.
    """
    lines = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if not _SIGNATURE.fullmatch(lines[0]):
        raise CaptionsError("Line 1: a captions file must start with the word WEBVTT.")

    cues: list[Cue] = []
    index = 1
    # The header: anything after the signature up to the first blank line (or cue timing).
    while index < len(lines) and lines[index] and "-->" not in lines[index]:
        index += 1
    while index < len(lines):
        if not lines[index].strip():
            index += 1
            continue
        if _SKIPPED_BLOCK.fullmatch(lines[index]):
            while index < len(lines) and lines[index].strip():
                index += 1
            continue
        cue, timing_line, index = _cue_block(lines, index)
        if cues and cue.start < cues[-1].start:
            raise CaptionsError(
                f"Line {timing_line}: this cue starts at {_clock(cue.start)}, "
                f"before the cue above it ({_clock(cues[-1].start)}); put cues in order."
            )
        cues.append(cue)
    if not cues:
        raise CaptionsError("The captions file has no cues.")
    return cues


def _cue_block(lines: list[str], index: int) -> tuple[Cue, int, int]:
    """Parse the cue starting at ``lines[index]``: the Cue, the line number of its timing
    (for messages) and the index of the line after it."""
    if "-->" not in lines[index]:
        # An identifier: the timing must be on the very next line.
        index += 1
        if index >= len(lines) or not lines[index].strip():
            raise CaptionsError(
                f"Line {index}: {_quote(lines[index - 1])} is not followed by a cue timing "
                "such as '00:00:01.000 --> 00:00:04.000'."
            )
        if "-->" not in lines[index]:
            if _LOOKS_LIKE_TIMING.match(lines[index - 1]):
                # Not an identifier after all, but a timing with a broken arrow: say so.
                _timing(lines[index - 1], index)
            raise CaptionsError(
                f"Line {index + 1}: {_quote(lines[index])} should be a cue timing "
                "such as '00:00:01.000 --> 00:00:04.000'."
            )
    timing_line = index + 1
    start, end = _timing(lines[index], timing_line)
    index += 1
    text_lines: list[str] = []
    while index < len(lines) and lines[index].strip() and "-->" not in lines[index]:
        text_lines.append(lines[index])
        index += 1
    return Cue(start=start, end=end, text=_plain(text_lines)), timing_line, index


def _timing(line: str, number: int) -> tuple[float, float]:
    """(start, end) in seconds of a cue timing line; ``number`` is its line, for errors."""
    match = _TIMING.fullmatch(line)
    if match is None:
        raise CaptionsError(f"Line {number}: {_quote(line)} is not a valid cue timing.")
    hours, minutes, seconds, millis = (int(group or 0) for group in match.group(2, 3, 4, 5))
    start = hours * 3600 + minutes * 60 + seconds + millis / 1000
    hours, minutes, seconds, millis = (int(group or 0) for group in match.group(7, 8, 9, 10))
    end = hours * 3600 + minutes * 60 + seconds + millis / 1000
    if end <= start:
        raise CaptionsError(
            f"Line {number}: the cue ends at {match['end']}, "
            f"which is not after its start at {match['start']}."
        )
    return start, end


def _plain(lines: list[str]) -> str:
    """Cue text without markup: voices become "Name: ", other tags go, entities are decoded.

    Tags are removed before entities are decoded, so an escaped ``&lt;i&gt;`` stays as the
    visible text "<i>" the author meant.
    """
    parts = []
    for line in lines:
        plain = _TAG.sub("", _VOICE.sub(_speaker, line))
        plain = _SPACES.sub(" ", plain).strip()
        if plain:
            parts.append(html.unescape(plain))
    return " ".join(parts)


def _speaker(voice: re.Match[str]) -> str:
    """The "Name: " that stands for a ``<v Name>`` tag in plain text ("" without a name)."""
    name = voice[1].strip()
    return f"{name}: " if name else ""


def _clock(seconds: float) -> str:
    """``seconds`` as a WebVTT timestamp, hh:mm:ss.ttt, for messages."""
    millis = round(seconds * 1000)
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    return f"{hours:02d}:{minutes:02d}:{millis // 1000:02d}.{millis % 1000:03d}"


def _quote(line: str) -> str:
    """A line of the file, quoted and shortened, to show in a message."""
    line = line.strip()
    return "'" + (line if len(line) <= 60 else line[:57] + "...") + "'"
