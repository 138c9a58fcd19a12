"""The length and captions checks on a file already in storage (an upload that went straight to
the bucket): read where it lies, a few small byte ranges of it, never downloaded whole."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from portal import stored_files
from training import factories as f
from training import media
from training.models import Video

pytestmark = pytest.mark.django_db

DEMO = f.DEMO_MEDIA


@pytest.fixture
def ranges_asked(bucket):
    """The byte ranges the storage's S3 client asks for, as the requests leave it."""
    asked = []

    def record(params, **_):
        asked.append(params.get("Range", "whole object"))

    client = default_storage.connection.meta.client
    client.meta.events.register("before-parameter-build.s3.GetObject", record)
    yield asked
    client.meta.events.unregister("before-parameter-build.s3.GetObject", record)


def _stored(name: str, data: bytes) -> str:
    return default_storage.save(name, ContentFile(data))


def test_a_video_in_the_bucket_is_checked_by_reading_a_few_ranges(bucket, ranges_asked):
    clip = (DEMO / "recorded_session.webm").read_bytes()
    vtt = (DEMO / "recorded_session.vtt").read_bytes()
    video = Video(
        title="Recorded session",
        file=_stored("training/videos/session.webm", clip),
        captions=_stored("training/captions/session.vtt", vtt),
    )
    ranges_asked.clear()
    video.full_clean()
    assert video.duration == pytest.approx(180, abs=1)
    assert video.content_type == "video/webm"
    assert video.transcript and video.transcript[0][2]
    assert "whole object" not in ranges_asked
    fetched = sum(int(b) - int(a) + 1 for a, b in (r[6:].split("-") for r in ranges_asked))
    # The video's headers and the (small) captions file, not the video.
    assert len(clip) > 350_000 and fetched <= 4 * stored_files.BLOCK + len(vtt)


def test_a_cut_short_video_in_the_bucket_is_refused_in_words(bucket):
    video = Video(title="Cut", file=_stored("training/videos/cut.mp4", _cut_mp4()))
    with pytest.raises(ValidationError) as refusal:
        video.full_clean()
    assert refusal.value.message_dict["file"] == [media.INCOMPLETE]


def test_a_video_missing_from_storage_is_refused_in_words(bucket):
    video = Video(title="Gone", file="training/videos/never-uploaded.webm")
    with pytest.raises(ValidationError) as refusal:
        video.full_clean()
    assert "could not be found" in refusal.value.message_dict["file"][0]


def test_on_the_local_disk_a_stored_video_is_read_in_place(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    clip = (DEMO / "wiifm.webm").read_bytes()
    video = Video(title="Local", file=_stored("training/videos/local.webm", clip))
    video.full_clean()
    assert video.duration == pytest.approx(40, abs=1)
    with stored_files.stored_file_open(default_storage, video.file.name) as handle:
        handle.seek(-10, 2)
        assert handle.read() == clip[-10:]


def _cut_mp4() -> bytes:
    """An MP4 whose movie header promises media that never came: `ftyp`, `moov`, and an `mdat`
    box that says 1 MB but holds 10 bytes (an upload cut short)."""
    ftyp = _box(b"ftyp", b"isom\x00\x00\x02\x00isomiso2mp41")
    mvhd = _box(
        b"mvhd", bytes(4) + bytes(8) + (1000).to_bytes(4, "big") + (5000).to_bytes(4, "big")
    )
    moov = _box(b"moov", mvhd + bytes(80))
    mdat = (1_000_000).to_bytes(4, "big") + b"mdat" + bytes(10)
    return ftyp + moov + mdat


def _box(kind: bytes, body: bytes) -> bytes:
    return (8 + len(body)).to_bytes(4, "big") + kind + body
