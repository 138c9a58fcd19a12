"""Large training videos go straight to storage in parts, then the video form names the upload.

Each journey runs twice: into a real S3-compatible bucket (SeaweedFS on loopback; the parts go
to presigned addresses, as the browser sends them) and onto the local disk (the parts go to the
portal). The video is a real MP4 padded past two parts, and its length is read from what
storage holds. The browser's side is `tests/browser/test_video_upload_journey.py`.
"""

import urllib.request
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal.factories import UserFactory
from portal.settings import storage
from tests.peers import free_port
from training import factories as f
from training import media, tasks
from training.models import Video, VideoUpload
from training.models.videos import MAX_VIDEO_BYTES
from training.services import video_uploads
from training.services.video_uploads import PART_BYTES

from .clips import padded_mp4

pytestmark = pytest.mark.django_db

ADD = "/admin/snippets/training/video/add/"
START = "/admin/training/video-uploads/"


CLIP = padded_mp4()
CLIP_BYTES = len(CLIP)


@pytest.fixture(params=["bucket", "disk"])
def where(request, settings, tmp_path):
    """The storage the video goes to: the bucket (its server for inspecting it), or the disk."""
    if request.param == "bucket":
        return request.getfixturevalue("bucket")
    settings.MEDIA_ROOT = tmp_path
    return None


@pytest.fixture
def editor(community_manager):
    """A community manager's browser: CSRF checked as in production, token sent as a header."""
    return _browser(community_manager)


def _browser(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get(ADD)  # the form page sets the CSRF cookie
    client.etags = {}  # by upload: the ETag of each part a bucket took
    client.ajax = {  # what the page's script sends with each request
        "X-CSRFToken": client.cookies["csrftoken"].value,
        "X-Requested-With": "XMLHttpRequest",
    }
    return client


def _post(client, url, body=None):
    return client.post(url, body or {}, content_type="application/json", headers=client.ajax)


def _start(client, *, filename="Why it matters.mp4", size=CLIP_BYTES):
    return _post(client, START, {"filename": filename, "size": size})


def _part_put(client, url: str, data: bytes) -> tuple[int, str | None]:
    """PUT one part as the browser does: its status, and the ETag a bucket answers with."""
    if url.startswith("http"):  # a presigned address of the bucket: no cookie, no token
        request = urllib.request.Request(url, data=data, method="PUT")  # noqa: S310 (loopback)
        with urllib.request.urlopen(request) as answer:  # noqa: S310
            return answer.status, answer.headers["ETag"]
    response = client.put(url, data, content_type="application/octet-stream", headers=client.ajax)
    return response.status_code, None


def _parts_send(client, started: dict, numbers=None, data: bytes = CLIP) -> None:
    """Send these parts (all by default); the ETags are kept for `_finish`, as the page does."""
    numbers = numbers or list(range(1, started["parts"] + 1))
    urls = _post(client, started["parts_url"], {"parts": numbers}).json()["urls"]
    etags = client.etags.setdefault(started["id"], {})
    for number in numbers:
        start = (number - 1) * started["part_bytes"]
        chunk = data[start : start + started["part_bytes"]]
        status, etags[str(number)] = _part_put(client, urls[str(number)], chunk)
        assert status == 200


def _finish(client, started: dict, etags: dict | None = None):
    sent = client.etags.get(started["id"], {})
    return _post(client, started["finish_url"], {"etags": sent if etags is None else etags})


def _uploaded(client, data: bytes = CLIP, filename="Why it matters.mp4") -> dict:
    started = _start(client, filename=filename, size=len(data)).json()
    _parts_send(client, started, data=data)
    finished = _finish(client, started)
    assert finished.status_code == 200, finished.content
    return started


def _form(client, upload_id: str, *, url=ADD, title="Why it matters"):
    return client.post(
        url,
        {
            "title": title,
            "file-upload": upload_id,
            "file-upload-filename": "Why it matters.mp4",
            "captions_language": "en",
            "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
        },
    )


def _stored(name: str) -> bytes:
    with default_storage.open(name) as handle:
        return handle.read()


def _in_progress(where) -> list[str]:
    """Multipart uploads the bucket holds open (by key), or partial files on the disk."""
    if where is None:
        folder = Path(default_storage.path(video_uploads.PARTIAL_FOLDER))
        return sorted(p.name for p in folder.glob("*")) if folder.exists() else []
    listed = where.client().list_multipart_uploads(Bucket=where.bucket)
    return sorted(u["Key"] for u in listed.get("Uploads", []))


def _open(where, upload: VideoUpload) -> bool:
    """Whether parts of this upload wait in storage (the bucket is shared by the whole run)."""
    mine = f"{upload.pk}.part" if where is None else upload.name
    return mine in _in_progress(where)


def test_a_video_sent_in_parts_is_saved_with_its_length_read_from_storage(
    where, editor, community_manager
):
    started = _start(editor)
    assert started.status_code == 201
    started = started.json()
    assert started["parts"] == 3 and started["part_bytes"] == PART_BYTES
    upload = VideoUpload.objects.get(pk=started["id"])
    assert upload.user == community_manager
    assert upload.name.startswith("training/videos/Why_it_matters-") and upload.name.endswith(
        ".mp4"
    )
    if where is not None:  # the parts go to the bucket itself, a few at once
        assert started["parallel"] > 1
        assert all(u.startswith(where.endpoint) for u in _part_urls(editor, started).values())
    else:  # to the portal, one after another
        assert started["parallel"] == 1

    _parts_send(editor, started)
    finished = _finish(editor, started)
    assert finished.json() == {
        "id": started["id"],
        "filename": "Why it matters.mp4",
        "size": len(CLIP),
    }
    assert _stored(upload.name) == CLIP
    assert not _open(where, upload)

    response = _form(editor, started["id"])
    assert response.status_code == 302, response.context["form"].errors
    video = Video.objects.get(title="Why it matters")
    assert video.file.name == upload.name  # the stored file, not a copy
    assert video.duration == pytest.approx(10, abs=0.5)  # read from the stored object
    assert video.content_type == "video/mp4"


def _part_urls(client, started) -> dict:
    numbers = list(range(1, started["parts"] + 1))
    return _post(client, started["parts_url"], {"parts": numbers}).json()["urls"]


@pytest.mark.parametrize(
    ("filename", "size", "sentence"),
    [
        ("talk.mp4", MAX_VIDEO_BYTES + 1, "The video is larger than 2 GB; export a smaller file."),
        ("talk.mov", 1000, "Choose an MP4 (H.264) or WebM video; “talk.mov” is not one."),
        ("mp4", 1000, "Choose an MP4 (H.264) or WebM video; “mp4” is not one."),
        ("talk.mp4", 0, "The file is empty; choose the video again."),
        ("talk.mp4", "1000", "The upload needs the file's name and its size in bytes."),
        (None, 1000, "The upload needs the file's name and its size in bytes."),
    ],
)
def test_a_file_that_cannot_be_a_video_is_refused_at_the_start_in_words(
    where, editor, filename, size, sentence
):
    before = _in_progress(where)
    response = _start(editor, filename=filename, size=size)
    assert response.status_code == 400
    assert response.json() == {"error": sentence}
    assert not VideoUpload.objects.exists()
    assert _in_progress(where) == before


def test_the_largest_video_allowed_may_start(where, editor):
    response = _start(editor, size=MAX_VIDEO_BYTES)
    assert response.status_code == 201
    assert response.json()["parts"] == 410  # 2 GB in 5 MB parts, far under S3's 10,000
    _post(editor, response.json()["abort_url"])


def test_another_editors_upload_is_not_found_to_them_and_stays_usable_by_its_owner(where, editor):
    started = _start(editor).json()
    other = UserFactory()
    other.groups.add(*_managers())
    intruder = _browser(other)
    assert _post(intruder, started["parts_url"], {"parts": [1]}).status_code == 404
    assert _finish(intruder, started).status_code == 404
    assert _post(intruder, started["abort_url"]).status_code == 404
    if where is None:
        put = intruder.put(
            reverse("training_video_upload_part", args=[started["id"], 1]),
            CLIP[:PART_BYTES],
            content_type="application/octet-stream",
            headers=intruder.ajax,
        )
        assert put.status_code == 404

    _parts_send(editor, started)
    assert _finish(editor, started).status_code == 200
    # Naming someone else's finished upload in the form does not take their file.
    refused = _form(intruder, started["id"], title="Taken")
    assert refused.status_code == 200
    assert "That upload cannot be used" in str(refused.context["form"].errors["file"])
    assert not Video.objects.filter(title="Taken").exists()
    assert _form(editor, started["id"]).status_code == 302


def _managers():
    from django.contrib.auth.models import Group

    from portal import permissions

    return list(Group.objects.filter(name=permissions.COMMUNITY_MANAGERS))


def test_no_upload_starts_or_takes_a_part_without_the_csrf_token(where, editor):
    token_less = {"X-Requested-With": "XMLHttpRequest"}
    response = editor.post(
        START,
        {"filename": "talk.mp4", "size": 1000},
        content_type="application/json",
        headers=token_less,
    )
    assert response.status_code == 403
    assert not VideoUpload.objects.exists()
    started = _start(editor).json()
    for url in (started["parts_url"], started["finish_url"], started["abort_url"]):
        assert editor.post(url, {}, content_type="application/json").status_code == 403
    if where is None:
        put = editor.put(
            reverse("training_video_upload_part", args=[started["id"], 1]),
            CLIP[:PART_BYTES],
            content_type="application/octet-stream",
            headers=token_less,
        )
        assert put.status_code == 403
        assert not _in_progress(where)
    assert VideoUpload.objects.get().finished_at is None


@pytest.mark.parametrize("role", ["staff", "leader"])
def test_people_without_the_admin_are_refused(client, role_users, role):
    client.force_login(role_users[role])
    response = client.post(
        START,
        {"filename": "talk.mp4", "size": 1000},
        content_type="application/json",
        headers={"X-Requested-With": "XMLHttpRequest"},
    )
    assert response.status_code == 403
    assert not VideoUpload.objects.exists()


def test_an_admin_user_who_may_not_add_videos_is_refused_in_words(client):
    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    response = client.post(
        START,
        {"filename": "talk.mp4", "size": 1000},
        content_type="application/json",
        headers={"X-Requested-With": "XMLHttpRequest"},
    )
    assert response.status_code == 403
    assert response.json() == {
        "error": "Only people who may add or change training videos can upload them."
    }
    assert not VideoUpload.objects.exists()


def test_an_aborted_upload_leaves_nothing_in_storage(where, editor):
    started = _start(editor).json()
    _parts_send(editor, started, numbers=[1])
    upload = VideoUpload.objects.get()
    assert _open(where, upload)
    assert _post(editor, started["abort_url"]).json() == {"aborted": True}
    assert not VideoUpload.objects.exists()
    assert not _open(where, upload)
    assert not default_storage.exists(upload.name)
    # Its addresses answer no more.
    assert _finish(editor, started).status_code == 404


def test_a_finished_upload_never_saved_is_removed_when_aborted(where, editor):
    started = _uploaded(editor)
    name = VideoUpload.objects.get().name
    assert default_storage.exists(name)
    _post(editor, started["abort_url"])
    assert not default_storage.exists(name)


def test_finishing_before_every_part_arrived_is_refused_and_the_upload_stays_open(where, editor):
    started = _start(editor).json()
    _parts_send(editor, started, numbers=[1, 2])
    response = _finish(editor, started)
    assert response.status_code == 409
    assert response.json()["error"] in (
        "Part 3 of 3 has not been sent yet.",  # no ETag from the bucket for it
        "12,345 bytes of the video have not arrived yet.",  # the partial file on the disk
    )
    assert VideoUpload.objects.get().finished_at is None
    _parts_send(editor, started, numbers=[3])
    assert _finish(editor, started).status_code == 200
    assert _stored(VideoUpload.objects.get().name) == CLIP
    # Finishing twice (a second click) is harmless.
    assert _finish(editor, started).status_code == 200


def test_a_part_sent_again_to_the_bucket_is_finished_as_last_sent(bucket, editor):
    started = _start(editor).json()
    urls = _part_urls(editor, started)
    _part_put(editor, urls["1"], bytes(PART_BYTES))  # garbled, or its answer was lost
    _parts_send(editor, started)  # all again, at fresh addresses
    # SeaweedFS lists both versions of part 1 until the upload is finished (S3 keeps the last):
    # the ETag the browser got for the one it finished with says which.
    assert _finish(editor, started).status_code == 200
    assert _stored(VideoUpload.objects.get().name) == CLIP


def test_finishing_in_the_bucket_needs_an_etag_the_bucket_gave_for_every_part(bucket, editor):
    started = _start(editor).json()
    _parts_send(editor, started)
    etags = editor.etags[started["id"]]
    for sent, sentence in [
        ({}, "Part 1 of 3 has not been sent yet."),
        ({"1": etags["1"], "2": etags["2"]}, "Part 3 of 3 has not been sent yet."),
        ({**etags, "2": '"0123456789abcdef"'}, "Part 2 of 3 has not fully arrived; send it again."),
        ({**etags, "4": etags["3"]}, "This upload has parts 1 to 3."),
        ({**etags, "one": etags["1"]}, "Parts are numbered 1, 2, 3 and so on."),
        ([etags["1"]], "Finishing needs the ETag the bucket gave for each part."),
    ]:
        response = _finish(editor, started, sent)
        assert response.json() == {"error": sentence}
        assert VideoUpload.objects.get().finished_at is None
    assert _finish(editor, started).status_code == 200


def test_on_the_disk_parts_go_in_order_and_one_cut_short_is_taken_back(settings, tmp_path, editor):
    settings.MEDIA_ROOT = tmp_path
    started = _start(editor).json()
    urls = _part_urls(editor, started)
    put = editor.put(
        urls["2"],
        CLIP[PART_BYTES : 2 * PART_BYTES],
        "application/octet-stream",
        headers=editor.ajax,
    )
    assert put.status_code == 409
    assert put.json()["error"] == "Part 2 came before part 1 had arrived; send that first."
    wrong = editor.put(urls["1"], CLIP[:100], "application/octet-stream", headers=editor.ajax)
    assert wrong.status_code == 400
    assert wrong.json()["error"] == "Part 1 should be 5,242,880 bytes; 100 were sent."

    # A body that ends before its declared length (the connection dropped): nothing is kept.
    upload = VideoUpload.objects.get()
    short = _ShortBody(CLIP[:1000])
    with pytest.raises(video_uploads.UploadRefused, match="Part 1 was cut short"):
        video_uploads.video_upload_part_write(
            upload=upload, number=1, source=short, length=PART_BYTES
        )
    partial = tmp_path / video_uploads.PARTIAL_FOLDER / f"{upload.pk}.part"
    assert partial.stat().st_size == 0

    _parts_send(editor, started)
    _parts_send(editor, started, numbers=[2])  # sent twice (its answer was lost): same bytes
    assert partial.stat().st_size == len(CLIP)
    assert _finish(editor, started).status_code == 200
    assert not partial.exists()
    assert _stored(upload.name) == CLIP
    # The file is not under a folder /media/ serves until it is finished.
    assert not str(partial.relative_to(tmp_path)).startswith("training/")


class _ShortBody:
    def __init__(self, data: bytes):
        self.data = data

    def read(self, size: int) -> bytes:
        chunk, self.data = self.data[:size], self.data[size:]
        return chunk


def test_the_stored_file_is_checked_as_any_video_and_refused_in_words(where, editor):
    started = _uploaded(editor, data=b"this is no video" * 100)
    response = _form(editor, started["id"])
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [media.NOT_A_VIDEO]
    assert not Video.objects.exists()


def test_an_upload_replaces_an_edited_videos_file_and_its_length_is_read_again(where, editor):
    video = f.video_make(title="Why it matters", captions=False)
    assert video.duration == pytest.approx(40, abs=1)
    started = _uploaded(editor)
    url = f"/admin/snippets/training/video/edit/{video.pk}/"
    response = _form(editor, started["id"], url=url)
    assert response.status_code == 302, response.context["form"].errors
    video.refresh_from_db()
    assert video.file.name == VideoUpload.objects.get().name
    assert video.duration == pytest.approx(10, abs=0.5)


def test_one_upload_makes_one_video(where, editor):
    started = _uploaded(editor)
    assert _form(editor, started["id"]).status_code == 302
    again = _form(editor, started["id"], title="Same file again")
    assert again.status_code == 200
    assert "That upload cannot be used" in str(again.context["form"].errors["file"])


def test_the_form_still_takes_a_small_video_sent_with_it(where, editor):
    clip = Path(__file__).parent / "media" / "short_10s.webm"
    with clip.open("rb") as handle:
        response = editor.post(
            ADD,
            {
                "title": "Sent with the form",
                "file": handle,
                "captions_language": "en",
                "csrfmiddlewaretoken": editor.cookies["csrftoken"].value,
            },
        )
    assert response.status_code == 302
    video = Video.objects.get(title="Sent with the form")
    assert video.duration == pytest.approx(10, abs=0.5)
    assert not VideoUpload.objects.exists()


def test_the_add_form_carries_the_uploader(editor):
    html = editor.get(ADD).content.decode()
    assert 'data-start-url="/admin/training/video-uploads/"' in html
    assert 'name="file-upload"' in html
    assert 'role="status"' in html
    assert "training/video-upload.js" in html
    assert 'accept=".mp4,.m4v,.webm"' in html


def test_uploads_nobody_finished_or_used_are_swept_after_a_day(where, editor):
    used = _uploaded(editor, filename="used.mp4")
    assert _form(editor, used["id"], title="Used").status_code == 302
    unused = _uploaded(editor, filename="unused.mp4")
    unfinished = _start(editor, filename="unfinished.mp4").json()
    _parts_send(editor, unfinished, numbers=[1])
    fresh = _start(editor, filename="fresh.mp4").json()
    names = {u.filename: u.name for u in VideoUpload.objects.all()}
    VideoUpload.objects.exclude(pk=fresh["id"]).update(
        started_at=timezone.now() - timedelta(hours=25)
    )

    unfinished_row = VideoUpload.objects.get(pk=unfinished["id"])
    assert _open(where, unfinished_row)

    assert video_uploads.video_uploads_sweep() == 2  # the unused file and the unfinished parts
    assert set(VideoUpload.objects.values_list("pk", flat=True)) == {uuid.UUID(fresh["id"])}
    assert default_storage.exists(names["used.mp4"])  # a saved video's file stays
    assert Video.objects.get(title="Used").file.name == names["used.mp4"]
    assert not default_storage.exists(names["unused.mp4"])
    assert not _open(where, unfinished_row)
    assert _post(editor, unused["finish_url"]).status_code == 404
    assert tasks.video_uploads_sweep.delay().get() == 0  # beat's daily run: nothing left to do


def test_a_new_upload_never_takes_the_name_of_a_stored_file(where, editor, monkeypatch):
    taken = default_storage.save("training/videos/talk-aaaaaaaaaaaa.mp4", ContentFile(b"x"))
    names = iter(["aaaaaaaaaaaa", "bbbbbbbbbbbb"])
    monkeypatch.setattr(video_uploads.secrets, "token_hex", lambda n: next(names))
    started = _start(editor, filename="talk.mp4").json()
    assert VideoUpload.objects.get(pk=started["id"]).name == "training/videos/talk-bbbbbbbbbbbb.mp4"
    assert taken == "training/videos/talk-aaaaaaaaaaaa.mp4"


def test_a_bucket_that_does_not_answer_is_said_in_words_and_nothing_is_kept(
    s3_server, settings, editor
):
    """A real fault: the storage points at a port where nothing listens."""
    environ = {**s3_server.environ(), "AWS_S3_ENDPOINT_URL": f"http://127.0.0.1:{free_port()}"}
    settings.STORAGES = {**settings.STORAGES, "default": storage.default_storage(environ)}
    response = _start(editor)
    assert response.status_code == 503
    assert response.json() == {"error": video_uploads.STORAGE_DOWN}
    assert not VideoUpload.objects.exists()
