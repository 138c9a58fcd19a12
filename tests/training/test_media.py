"""The duration and type of uploaded videos, read from the containers themselves.

Real files made by ffmpeg (tests/training/media, see its README) pin down what encoders write;
files assembled here byte by byte cover what the fixtures do not (64-bit sizes, version 1
movie headers, unknown-size Matroska elements, broken values); Hypothesis checks that no
input, however mangled, escapes as anything but MediaError.
"""

import io
import math
import os
import struct
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.examples import examples
from training import media
from training.media import MediaError, video_content_type, video_duration

FIXTURES = Path(__file__).parent / "media"
DEMO = Path(__file__).resolve().parents[2] / "training" / "demo_media"

FIXTURE_DURATIONS = {
    "long_7m30s.webm": 450.0,
    "long_7m30s.mp4": 450.0,
    "exactly_7m.webm": 420.0,
    "short_10s.mp4": 10.0,
    "short_10s_faststart.mp4": 10.0,
    "short_10s.webm": 10.0,
}
ALL_FIXTURES = sorted([*FIXTURE_DURATIONS, "no_duration.webm"])


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def duration_of(data: bytes) -> float:
    return video_duration(io.BytesIO(data))


def content_type_of(data: bytes) -> str:
    return video_content_type(io.BytesIO(data))


def top_level_boxes(data: bytes) -> list[bytes]:
    """The types of an ISO file's top-level boxes, to check what a fixture is made of."""
    kinds, position = [], 0
    while position < len(data):
        size, kind = struct.unpack(">I4s", data[position : position + 8])
        kinds.append(kind)
        position += size
    return kinds


# Building ISO files (ISO/IEC 14496-12).


def box(kind: bytes, body: bytes = b"") -> bytes:
    return struct.pack(">I4s", 8 + len(body), kind) + body


def large_box(kind: bytes, body: bytes = b"") -> bytes:
    """A box with a 64-bit ``largesize``, as writers use for media data over 4 GB."""
    return struct.pack(">I4sQ", 1, kind, 16 + len(body)) + body


def ftyp(brand: bytes = b"isom") -> bytes:
    return box(b"ftyp", brand + b"\0\0\2\0" + b"isomiso2mp41")


def mvhd(timescale: int, duration: int, version: int = 0) -> bytes:
    if version == 0:
        fields = struct.pack(">B3xIIII", 0, 0, 0, timescale, duration)
    else:
        fields = struct.pack(">B3xQQIQ", 1, 0, 0, timescale, duration)
    return box(b"mvhd", fields + bytes(80))  # rate, volume, matrix...: not read


def moov(*children: bytes) -> bytes:
    return box(b"moov", b"".join(children))


def mp4(*boxes: bytes) -> bytes:
    return ftyp() + b"".join(boxes)


MDAT = box(b"mdat", bytes(64))


# Building Matroska files (RFC 8794, RFC 9559).

UNKNOWN_SIZE = b"\x01\xff\xff\xff\xff\xff\xff\xff"


def element(element_id: int, body: bytes = b"", *, unknown_size: bool = False) -> bytes:
    id_bytes = element_id.to_bytes((element_id.bit_length() + 7) // 8, "big")
    if unknown_size:
        return id_bytes + UNKNOWN_SIZE
    return id_bytes + (0x0100000000000000 | len(body)).to_bytes(8, "big") + body


def ebml_header(doc_type: bytes = b"webm") -> bytes:
    return element(0x1A45DFA3, element(0x4286, b"\x01") + element(0x4282, doc_type))


def info(duration: bytes | None = struct.pack(">d", 5000.0), scale: int | None = None) -> bytes:
    children = b""
    if scale is not None:
        children += element(0x2AD7B1, scale.to_bytes(4, "big"))
    if duration is not None:
        children += element(0x4489, duration)
    children += element(0x4D80, b"test")  # MuxingApp: an element the reader skips
    return element(0x1549A966, children)


def cluster(blocks: int = 3, *, unknown_size: bool = False) -> bytes:
    body = element(0xE7, b"\x00") + b"".join(
        element(0xA3, b"\x81\x00\x00\x80" + bytes(40)) for _ in range(blocks)
    )
    if unknown_size:
        return element(0x1F43B675, unknown_size=True) + body
    return element(0x1F43B675, body)


def webm(*children: bytes, unknown_size: bool = False, doc_type: bytes = b"webm") -> bytes:
    body = b"".join(children)
    segment = (
        element(0x18538067, unknown_size=True) + body if unknown_size else element(0x18538067, body)
    )
    return ebml_header(doc_type) + segment


TRACKS = element(0x1654AE6B, element(0xAE, element(0xD7, b"\x01")))


class SparseFile(io.RawIOBase):
    """A huge file that exists only as a few stretches of bytes, zeros elsewhere, and counts
    what is read from it: proof that the reader seeks past media data instead of reading it."""

    def __init__(self, size: int, stretches: dict[int, bytes]) -> None:
        self.size, self.stretches, self.position, self.bytes_read = size, stretches, 0, 0

    def seekable(self) -> bool:
        return True

    def readable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self.position, os.SEEK_END: self.size}[whence]
        self.position = base + offset
        return self.position

    def tell(self) -> int:
        return self.position

    def read(self, size: int = -1) -> bytes:
        end = self.size if size < 0 else min(self.size, self.position + size)
        data = bytearray(max(0, end - self.position))
        for start, stretch in self.stretches.items():
            low, high = max(start, self.position), min(start + len(stretch), end)
            if low < high:
                data[low - self.position : high - self.position] = stretch[
                    low - start : high - start
                ]
        self.bytes_read += len(data)
        self.position = end
        return bytes(data)


# The real fixtures.


@pytest.mark.parametrize(("name", "seconds"), FIXTURE_DURATIONS.items())
def test_fixture_duration(name, seconds):
    with (FIXTURES / name).open("rb") as file:
        assert video_duration(file) == pytest.approx(seconds, abs=0.1)


@pytest.mark.parametrize("name", ALL_FIXTURES)
def test_fixture_content_type(name):
    expected = "video/mp4" if name.endswith(".mp4") else "video/webm"
    with (FIXTURES / name).open("rb") as file:
        assert video_content_type(file) == expected


def test_the_mp4_fixtures_have_the_movie_box_where_their_names_say():
    """Otherwise the two MP4 duration tests would test the same thing twice."""
    assert top_level_boxes(fixture_bytes("short_10s.mp4"))[-1] == b"moov"
    assert top_level_boxes(fixture_bytes("short_10s_faststart.mp4"))[1] == b"moov"


def test_a_recording_without_a_duration_is_refused_in_words():
    with (FIXTURES / "no_duration.webm").open("rb") as file, pytest.raises(MediaError) as error:
        video_duration(file)
    assert str(error.value) == media.NO_DURATION
    assert "duration is missing" in str(error.value)


@pytest.mark.parametrize(
    ("name", "seconds"), [("wiifm.webm", 40.0), ("recorded_session.webm", 180.0)]
)
def test_demo_clip_duration(name, seconds):
    with (DEMO / name).open("rb") as file:
        assert video_content_type(file) == "video/webm"
        assert video_duration(file) == pytest.approx(seconds, abs=0.1)


def test_django_uploads_are_read_and_left_at_the_start():
    data = fixture_bytes("long_7m30s.mp4")
    upload = SimpleUploadedFile("talk.mp4", data, content_type="application/octet-stream")
    upload.seek(100)
    assert video_duration(upload) == pytest.approx(450.0, abs=0.1)
    assert upload.tell() == 0
    assert video_content_type(upload) == "video/mp4"
    assert upload.read() == data


def test_large_uploads_on_disk_are_read():
    upload = TemporaryUploadedFile("talk.webm", "video/webm", 0, None)
    try:
        upload.write(fixture_bytes("long_7m30s.webm"))
        upload.flush()
        assert video_duration(upload) == pytest.approx(450.0, abs=0.1)
    finally:
        upload.close()


# Truncated and garbled files.


@pytest.mark.parametrize("name", [*FIXTURE_DURATIONS])
def test_every_truncation_of_a_short_or_long_fixture_is_refused(name):
    """Cut anywhere short of its end, a real file is refused, never given a wrong duration.

    Each of the 10-second files is tried at every length; the long ones at every 7th.
    """
    data = fixture_bytes(name)
    step = 1 if len(data) < 4000 else 7
    for length in range(0, len(data), step):
        with pytest.raises(MediaError):
            duration_of(data[:length])


def test_a_cut_file_says_it_is_incomplete():
    data = fixture_bytes("short_10s_faststart.mp4")
    with pytest.raises(MediaError) as error:
        duration_of(data[: len(data) // 2])
    assert str(error.value) == media.INCOMPLETE
    data = fixture_bytes("short_10s.webm")
    with pytest.raises(MediaError) as error:
        duration_of(data[: len(data) - 10])
    assert str(error.value) == media.INCOMPLETE


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"hello",
        b"WEBVTT\n\n00:00.000 --> 00:01.000\nHi\n",
        b"\x89PNG\r\n\x1a\n" + bytes(100),
        b"%PDF-1.7\n" + bytes(100),
        b"\x1a\x45\xdf\xa3",
        bytes(1000),
    ],
    ids=["empty", "text", "captions", "png", "pdf", "ebml-magic-only", "zeros"],
)
def test_garbage_is_refused(data):
    with pytest.raises(MediaError) as error:
        duration_of(data)
    assert str(error.value) in {media.NOT_A_VIDEO, media.INCOMPLETE}
    with pytest.raises(MediaError):
        content_type_of(data)


def test_garbage_says_it_is_not_a_video():
    with pytest.raises(MediaError, match=r"^This file is not an MP4 or WebM video\.$"):
        duration_of(b"GIF89a" + bytes(100))


# ISO files: what the fixtures do not cover.


def test_movie_header_version_1_with_a_64_bit_duration():
    ten_hours = 90_000 * 36_000  # over 2**32 ticks
    assert duration_of(mp4(moov(mvhd(90_000, ten_hours, version=1)), MDAT)) == 36_000.0


def test_movie_header_version_0():
    assert duration_of(mp4(MDAT, moov(mvhd(600, 600 * 95 + 300)))) == 95.5


def test_quicktime_file_without_ftyp():
    data = moov(mvhd(600, 1200)) + MDAT
    assert duration_of(data) == 2.0
    assert content_type_of(data) == "video/mp4"


def test_media_data_with_a_64_bit_size_is_skipped_not_read():
    """A 5 GB upload: ftyp, an mdat with a largesize, then the movie box at the very end."""
    head = ftyp() + struct.pack(">I4sQ", 1, b"mdat", 16 + 5 * 2**30)
    movie = moov(mvhd(1000, 1_800_000))
    size = len(head) + 5 * 2**30 + len(movie)
    file = SparseFile(size, {0: head, size - len(movie): movie})
    assert video_duration(file) == 1800.0
    assert file.bytes_read < 1024
    assert file.tell() == 0


def test_large_box_sizes_within_a_small_file():
    assert (
        duration_of(ftyp() + large_box(b"free", bytes(8)) + large_box(b"moov", mvhd(10, 50)) + MDAT)
        == 5.0
    )


def test_size_zero_runs_to_the_end_of_the_file():
    open_ended_mdat = struct.pack(">I4s", 0, b"mdat") + bytes(500)
    assert duration_of(mp4(moov(mvhd(1000, 2500)), open_ended_mdat)) == 2.5
    # A movie box after an mdat that takes the rest of the file is never found.
    with pytest.raises(MediaError):
        duration_of(mp4(open_ended_mdat, moov(mvhd(1000, 2500))))


def test_fragmented_mp4_takes_its_length_from_the_movie_extends_header():
    mehd = box(b"mehd", struct.pack(">B3xI", 0, 12_000))
    fragment = box(b"moof", bytes(16)) + MDAT
    assert duration_of(mp4(moov(mvhd(1000, 0), box(b"mvex", mehd)), fragment)) == 12.0


def test_fragmented_mp4_without_a_length_is_missing_its_duration():
    fragment = box(b"moof", bytes(16)) + MDAT
    with pytest.raises(MediaError) as error:
        duration_of(mp4(moov(mvhd(1000, 0)), fragment))
    assert str(error.value) == media.NO_DURATION


@pytest.mark.parametrize(
    "data",
    [
        mp4(moov(mvhd(0, 5000)), MDAT),  # zero timescale
        mp4(moov(box(b"trak", bytes(8))), MDAT),  # no movie header
        mp4(moov(box(b"mvhd", b"\x02" + bytes(30))), MDAT),  # unknown version
        mp4(moov(box(b"mvhd", bytes(10))), MDAT),  # too short
        mp4(MDAT),  # no movie at all
        mp4(moov(mvhd(1000, 1)), moov(mvhd(1000, 2)), MDAT),  # two movies
        ftyp() + struct.pack(">I4s", 4, b"moov") + bytes(8),  # size smaller than its header
        mp4(box(b"moov", struct.pack(">I4s", 999, b"mvhd") + bytes(20)), MDAT),  # overflows moov
    ],
    ids=[
        "zero-timescale",
        "no-mvhd",
        "mvhd-v2",
        "short-mvhd",
        "no-moov",
        "two-moov",
        "tiny-size",
        "child-overflow",
    ],
)
def test_broken_iso_files_are_refused(data):
    with pytest.raises(MediaError):
        duration_of(data)


def test_a_movie_without_media_data_is_incomplete():
    with pytest.raises(MediaError) as error:
        duration_of(mp4(moov(mvhd(1000, 5000))))
    assert str(error.value) == media.INCOMPLETE


def test_an_unknown_duration_is_missing():
    with pytest.raises(MediaError) as error:
        duration_of(mp4(moov(mvhd(1000, 0xFFFFFFFF)), MDAT))
    assert str(error.value) == media.NO_DURATION


def test_a_box_claiming_more_than_the_file_holds_means_an_incomplete_upload():
    huge = struct.pack(">I4sQ", 1, b"mdat", 2**63)
    with pytest.raises(MediaError) as error:
        duration_of(mp4(moov(mvhd(1000, 5000)), huge))
    assert str(error.value) == media.INCOMPLETE


@pytest.mark.parametrize(
    ("brand", "message"),
    [(b"heic", media.NOT_A_VIDEO), (b"avif", media.NOT_A_VIDEO), (b"M4A ", media.AUDIO_ONLY)],
)
def test_pictures_and_sound_in_iso_files_are_not_videos(brand, message):
    data = ftyp(brand) + moov(mvhd(1000, 5000)) + MDAT
    for read in (content_type_of, duration_of):
        with pytest.raises(MediaError) as error:
            read(data)
        assert str(error.value) == message


def test_quicktime_brand_is_mp4():
    assert content_type_of(ftyp(b"qt  ") + moov(mvhd(600, 600)) + MDAT) == "video/mp4"


# Matroska and WebM: what the fixtures do not cover.


def test_webm_with_a_double_duration_and_the_default_timestamp_scale():
    data = webm(info(struct.pack(">d", 12_345.0)), TRACKS, cluster())
    assert duration_of(data) == pytest.approx(12.345)
    assert content_type_of(data) == "video/webm"


def test_webm_with_a_4_byte_float_and_its_own_timestamp_scale():
    # TimestampScale 1000 ns: Duration counts microseconds.
    data = webm(info(struct.pack(">f", 2_500_000.0), scale=1000), cluster())
    assert duration_of(data) == pytest.approx(2.5)


def test_unknown_size_segment_and_clusters_before_the_info():
    """Info is found even after Clusters whose end is only known when the next one starts."""
    data = webm(
        TRACKS,
        cluster(unknown_size=True),
        cluster(blocks=5, unknown_size=True),
        info(struct.pack(">d", 7000.0)),
        unknown_size=True,
    )
    assert duration_of(data) == 7.0


def test_unknown_size_segment_without_duration_is_missing_it():
    data = webm(info(duration=None), TRACKS, cluster(unknown_size=True), unknown_size=True)
    with pytest.raises(MediaError) as error:
        duration_of(data)
    assert str(error.value) == media.NO_DURATION


def test_matroska_clusters_are_skipped_not_read():
    """A 5 GB Cluster before the Info is stepped over with one seek."""
    head = ebml_header() + element(0x18538067, unknown_size=True)
    cluster_head = b"\x1f\x43\xb6\x75" + (0x0100000000000000 | 5 * 2**30).to_bytes(8, "big")
    tail = info(struct.pack(">d", 3_600_000.0))
    start = len(head) + len(cluster_head) + 5 * 2**30
    file = SparseFile(start + len(tail), {0: head + cluster_head, start: tail})
    assert video_duration(file) == 3600.0
    assert file.bytes_read < 1024


def test_matroska_doc_type_has_a_duration_but_is_not_accepted_for_playback():
    data = webm(info(), cluster(), doc_type=b"matroska")
    assert duration_of(data) == 5.0
    with pytest.raises(MediaError) as error:
        content_type_of(data)
    assert str(error.value) == media.MKV


def test_other_ebml_documents_are_not_videos():
    with pytest.raises(MediaError) as error:
        duration_of(webm(info(), doc_type=b"other"))
    assert str(error.value) == media.NOT_A_VIDEO


@pytest.mark.parametrize(
    "data",
    [
        webm(info(struct.pack(">d", -5.0)), cluster()),
        webm(info(struct.pack(">d", 0.0)), cluster()),
        webm(info(struct.pack(">d", math.nan)), cluster()),
        webm(info(struct.pack(">d", math.inf)), cluster()),
        webm(info(struct.pack(">f", -math.inf)), cluster()),
        webm(info(struct.pack(">d", 1e308), scale=2**31), cluster()),  # overflows to inf
        webm(info(scale=0), cluster()),
        webm(info(b"\x00\x00"), cluster()),  # a 2-byte float does not exist
        webm(TRACKS, cluster()),  # no Info at all
        webm(element(0x1549A966, unknown_size=True)),  # Info of unknown size
        ebml_header() + element(0xEC, bytes(4)),  # no Segment
    ],
    ids=[
        "negative",
        "zero",
        "nan",
        "inf",
        "minus-inf-float",
        "overflow",
        "zero-scale",
        "2-byte-float",
        "no-info",
        "unknown-size-info",
        "no-segment",
    ],
)
def test_broken_matroska_files_are_refused(data):
    with pytest.raises(MediaError):
        duration_of(data)


def test_a_segment_longer_than_the_file_is_incomplete():
    data = webm(info(), cluster())
    with pytest.raises(MediaError) as error:
        duration_of(data[:-5])
    assert str(error.value) == media.INCOMPLETE


def test_a_text_mode_file_is_a_programming_error():
    with (FIXTURES / "short_10s.webm").open(encoding="latin-1") as file, pytest.raises(TypeError):
        video_duration(file)  # type: ignore[arg-type]


# Only MediaError, whatever the bytes.

PREFIXES = st.sampled_from(
    [
        b"",
        b"\x1a\x45\xdf\xa3",
        ebml_header(),
        ebml_header() + b"\x18\x53\x80\x67",
        ftyp(),
        b"\x00\x00\x00\x00moov",
        b"\x00\x00\x00\x01mdat",
    ]
)


def only_media_errors(read, data: bytes) -> None:
    """``read(data)`` gives a usable value or MediaError; anything else fails the test."""
    try:
        value = read(io.BytesIO(data))
    except MediaError as error:
        assert str(error).endswith(".") and "\n" not in str(error)
    else:
        if read is video_duration:
            assert math.isfinite(value) and value > 0
        else:
            assert value in {"video/mp4", "video/webm"}


@settings(max_examples=examples(400), deadline=None)
@given(prefix=PREFIXES, rest=st.binary(max_size=600))
def test_arbitrary_bytes_only_raise_media_error(prefix, rest):
    only_media_errors(video_duration, prefix + rest)
    only_media_errors(video_content_type, prefix + rest)


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.sampled_from(ALL_FIXTURES),
    cut=st.floats(min_value=0, max_value=1),
    changes=st.lists(
        st.tuples(st.floats(min_value=0, max_value=1), st.integers(0, 255)), max_size=4
    ),
)
def test_truncated_and_corrupted_fixtures_only_raise_media_error(name, cut, changes):
    data = bytearray(fixture_bytes(name))
    for where, value in changes:
        data[min(int(where * len(data)), len(data) - 1)] = value
    data = bytes(data[: int(cut * len(data))])
    only_media_errors(video_duration, data)
    only_media_errors(video_content_type, data)
