"""Media in a private S3 bucket (SeaweedFS on loopback): uploads land in the bucket, signed-in
people are redirected to short-lived presigned addresses that answer byte ranges, signed-out
people are sent to sign in and learn nothing of the file, and the bucket refuses unsigned reads.
"""

import io
import urllib.error
import urllib.request
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from PIL import Image as PillowImage
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.models import Collection

from portal.factories import UserFactory
from training import factories as f

pytestmark = pytest.mark.django_db

DEMO = f.DEMO_MEDIA


def fetch(url: str, **headers) -> tuple[int, dict, bytes]:
    """GET an address as a browser would after a redirect: no cookies, no portal in between."""
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 (our loopback server)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def png(name="pixel.png") -> ContentFile:
    data = io.BytesIO()
    PillowImage.new("RGB", (40, 30), (200, 30, 30)).save(data, "PNG")
    return ContentFile(data.getvalue(), name=name)


@pytest.fixture
def signed_in(client):
    client.force_login(UserFactory())
    return client


def _presigned(response, bucket) -> str:
    """The address a redirect sends the browser to, checked to be the bucket's, signed, brief."""
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(f"{bucket.endpoint}/{bucket.bucket}/")
    query = parse_qs(urlsplit(location).query)
    assert "X-Amz-Signature" in query
    assert int(query["X-Amz-Expires"][0]) <= 6 * 3600
    # A 302 is kept only when told to be (ours say no-store): the next visit signs anew.
    assert "max-age" not in response.get("Cache-Control", "")
    return location


def _sent_to_sign_in(response, *secrets: bytes):
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "X-Amz" not in response["Location"]
    body = b"".join(response.streaming_content) if response.streaming else response.content
    for secret in secrets:
        assert secret not in body


def test_a_video_and_its_captions_are_stored_in_the_bucket_and_play_in_ranges(bucket, signed_in):
    video = f.video_make()
    clip = (DEMO / "wiifm.webm").read_bytes()
    vtt = (DEMO / "wiifm.vtt").read_bytes()
    keys = {o["Key"] for o in bucket.client().list_objects_v2(Bucket=bucket.bucket)["Contents"]}
    assert {video.file.name, video.captions.name} <= keys
    assert video.duration == pytest.approx(40, abs=1)  # the checks ran on the upload

    response = signed_in.get(reverse("training_video_file", args=[video.pk, "video"]))
    assert response["Cache-Control"] == "private, no-store"
    location = _presigned(response, bucket)
    # Long enough to watch the video through: the player keeps fetching ranges from it.
    assert int(parse_qs(urlsplit(location).query)["X-Amz-Expires"][0]) >= 600 + 3 * 40
    status, headers, body = fetch(location, Range="bytes=100-1123")
    assert status == 206
    assert body == clip[100:1124]
    assert headers["Content-Range"] == f"bytes 100-1123/{len(clip)}"
    assert headers["Content-Type"] == "video/webm"
    status, _, body = fetch(location)
    assert status == 200 and body == clip

    # Captions come from the portal's own address: a <track> loads only from the page's origin.
    captions = signed_in.get(reverse("training_video_file", args=[video.pk, "captions"]))
    assert captions.status_code == 200
    assert captions["Content-Type"] == "text/vtt; charset=utf-8"
    assert captions.content == vtt

    signed_in.logout()
    for kind, secret in (("video", clip[:64]), ("captions", vtt[:64])):
        _sent_to_sign_in(
            signed_in.get(reverse("training_video_file", args=[video.pk, kind])), secret
        )


def test_the_bucket_refuses_a_read_without_a_valid_signature(bucket, signed_in):
    video = f.video_make()
    location = _presigned(
        signed_in.get(reverse("training_video_file", args=[video.pk, "video"])), bucket
    )
    plain = f"{bucket.endpoint}/{bucket.bucket}/{video.file.name}"
    status, _, body = fetch(plain)
    assert status == 403 and b"WEBVTT" not in body and len(body) < 2000
    tampered = location.replace("X-Amz-Signature=", "X-Amz-Signature=0")
    assert fetch(tampered)[0] == 403
    # Another object's key under the same signature: the signature covers the key.
    other = location.replace(video.file.name, video.captions.name)
    assert fetch(other)[0] == 403


def test_two_uploads_of_one_name_keep_both_files(bucket):
    first = default_storage.save("training/captions/same.vtt", ContentFile(b"WEBVTT\n\none"))
    second = default_storage.save("training/captions/same.vtt", ContentFile(b"WEBVTT\n\ntwo"))
    assert first != second
    with default_storage.open(first) as handle:
        assert handle.read().endswith(b"one")


def test_a_document_reaches_signed_in_people_by_a_presigned_redirect(bucket, signed_in):
    content = b"%PDF-1.4 the programme guide"
    document = Document.objects.create(
        title="Programme guide",
        file=ContentFile(content, name="guide.pdf"),
        collection=Collection.get_first_root_node(),
    )
    assert default_storage.exists(document.file.name)
    url = document.url
    assert url == reverse("wagtaildocs_serve", args=[document.pk, document.filename])
    status, _, body = fetch(_presigned(signed_in.get(url), bucket))
    assert status == 200 and body == content
    signed_in.logout()
    _sent_to_sign_in(signed_in.get(url), content)


def test_an_image_and_its_renditions_are_presigned_and_signed_in_only(bucket, signed_in):
    image = Image.objects.create(
        title="Red", file=png(), collection=Collection.get_first_root_node()
    )
    rendition = image.get_rendition("width-20")
    # A page's <img> carries the storage's own address: presigned, and brief.
    for url in (rendition.url, image.file.url):
        assert url.startswith(f"{bucket.endpoint}/{bucket.bucket}/")
        status, headers, body = fetch(url)
        assert status == 200 and headers["Content-Type"] == "image/png"
        assert body.startswith(b"\x89PNG")
        assert fetch(url.split("?")[0])[0] == 403  # not without the signature
    # The portal's own /media/ address redirects the same way, and only for signed-in people.
    media = f"/media/{image.file.name}"
    status, _, body = fetch(_presigned(signed_in.get(media), bucket))
    assert status == 200 and body.startswith(b"\x89PNG")
    assert signed_in.get("/media/images/nothing-here.png").status_code == 404
    signed_in.logout()
    _sent_to_sign_in(signed_in.get(media), b"\x89PNG")
