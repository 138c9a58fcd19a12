"""Media on the local disk: in production behind nginx (`MEDIA_ACCEL_REDIRECT`) the portal
answers an empty X-Accel-Redirect and nginx sends the file; on the development server it sends
the bytes itself. Either way only to signed-in people, and only what pages link to."""

import io

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.urls import reverse
from PIL import Image as PillowImage
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.models import Collection, CollectionViewRestriction

from portal.factories import UserFactory
from training import factories as f

pytestmark = pytest.mark.django_db

ACCEL = "/protected-media/"


@pytest.fixture
def behind_nginx(settings):
    settings.DEBUG = False
    settings.MEDIA_ACCEL_REDIRECT = ACCEL


@pytest.fixture
def signed_in(client):
    client.force_login(UserFactory())
    return client


def png() -> ContentFile:
    data = io.BytesIO()
    PillowImage.new("RGB", (40, 30), (30, 200, 30)).save(data, "PNG")
    return ContentFile(data.getvalue(), name="green.png")


def body_of(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _handed_to_nginx(response, name: str, content_type: str):
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == ACCEL + name
    assert response["Content-Type"].startswith(content_type)
    assert body_of(response) == b""  # nginx sends the file; no worker streams it


def _sent_to_sign_in(response):
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not response.has_header("X-Accel-Redirect")
    assert body_of(response) == b""


def test_behind_nginx_videos_captions_documents_and_images_go_by_x_accel_redirect(
    behind_nginx, signed_in
):
    video = f.video_make()
    video_url = reverse("training_video_file", args=[video.pk, "video"])
    captions_url = reverse("training_video_file", args=[video.pk, "captions"])
    _handed_to_nginx(signed_in.get(video_url), video.file.name, "video/webm")
    _handed_to_nginx(
        signed_in.get(captions_url, HTTP_RANGE="bytes=0-9"), video.captions.name, "text/vtt"
    )

    document = Document.objects.create(
        title="Guide",
        file=ContentFile(b"the guide", name="guide.txt"),
        collection=Collection.get_first_root_node(),
    )
    response = signed_in.get(document.url)
    _handed_to_nginx(response, document.file.name, "text/plain")
    assert response["Content-Disposition"].startswith("attachment")

    image = Image.objects.create(title="Green", file=png(), collection=document.collection)
    rendition = image.get_rendition("width-20")
    assert rendition.url.startswith("/media/images/")
    for url in (rendition.url, image.file.url):
        response = signed_in.get(url)
        _handed_to_nginx(response, url.removeprefix("/media/"), "image/png")
        assert "private" in response["Cache-Control"]

    signed_in.logout()
    for url in (video_url, captions_url, document.url, rendition.url, image.file.url):
        _sent_to_sign_in(signed_in.get(url))


def test_under_media_no_document_and_nothing_outside_the_folder(behind_nginx, signed_in):
    video = f.video_make()
    # The admin's "Currently:" link to a video's file: as through the training view.
    _handed_to_nginx(signed_in.get(video.file.url), video.file.name, "video/webm")
    document = Document.objects.create(
        title="Private guide",
        file=ContentFile(b"for one team", name="team.txt"),
        collection=Collection.get_first_root_node(),
    )
    for name in (
        document.file.name,  # documents go through Wagtail's view: their collection may be private
        "training/" + document.file.name,
        "images/nothing-here.png",
        "images/../" + document.file.name,
        "images/%2e%2e/" + document.file.name,
        "original_images//etc/passwd",
    ):
        response = signed_in.get(f"/media/{name}")
        assert response.status_code == 404, name
        assert not response.has_header("X-Accel-Redirect")


def test_a_document_in_a_private_collection_is_not_handed_to_nginx_for_others(behind_nginx, client):
    user = UserFactory()
    client.force_login(user)
    team = Group.objects.create(name="Team with a secret")
    private = Collection.get_first_root_node().add_child(name="Team only")
    restriction = CollectionViewRestriction.objects.create(
        collection=private, restriction_type=CollectionViewRestriction.GROUPS
    )
    restriction.groups.add(team)
    document = Document.objects.create(
        title="Plans", file=ContentFile(b"team plans", name="plans.txt"), collection=private
    )
    response = client.get(document.url)
    assert response.status_code in (302, 403) and not response.has_header("X-Accel-Redirect")
    user.groups.add(team)
    _handed_to_nginx(client.get(document.url), document.file.name, "text/plain")


def test_a_record_whose_file_is_gone_answers_404_not_500(behind_nginx, signed_in):
    video = f.video_make()
    video.file.storage.delete(video.file.name)
    assert (
        signed_in.get(reverse("training_video_file", args=[video.pk, "video"])).status_code == 404
    )


def test_the_development_server_sends_images_itself(settings, signed_in):
    settings.MEDIA_ACCEL_REDIRECT = ACCEL
    settings.DEBUG = True  # the development server: no nginx in front
    image = Image.objects.create(
        title="Green", file=png(), collection=Collection.get_first_root_node()
    )
    response = signed_in.get(image.file.url)
    assert response.status_code == 200 and not response.has_header("X-Accel-Redirect")
    with image.file.open("rb") as handle:
        assert body_of(response) == handle.read()
    part = signed_in.get(image.file.url, HTTP_RANGE="bytes=0-7")
    assert part.status_code == 206 and body_of(part) == b"\x89PNG\r\n\x1a\n"
