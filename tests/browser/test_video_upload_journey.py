"""An editor adds a long training video in the admin: Chromium sends it straight to storage in
parts, the page shows how far it has got, and the video is saved with its length read from what
storage holds. A file that cannot be a video is refused before anything is sent, and an upload
cancelled on the way is gone.

Twice: into a real S3-compatible bucket (SeaweedFS on loopback, with the CORS rule the bucket
needs for a browser's PUT from the portal's origin), and to the portal itself on the local
disk. The parts travel for real; the test only holds the last part back until it has seen the
progress (so the assertions follow the order of events, never the clock), and drops the second
part's first attempt, which the page sends again.
"""

import re
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from tests.training.clips import padded_mp4
from training.models import Video, VideoUpload

from .test_training_journey import WAGTAIL_EDITOR

ADD = "/admin/snippets/training/video/add/"
FILENAME = "why-it-matters.mp4"
CLIP = padded_mp4()


@pytest.fixture(params=["bucket", "disk"])
def storage_for_browser(request, live_server):
    """Where the parts go: the bucket, which lets the portal's origin PUT and read the ETag, or
    the portal. Returns the pattern of the parts' addresses."""
    if request.param == "disk":
        yield "**/admin/training/video-uploads/*/parts/*"
        return
    server = request.getfixturevalue("bucket")
    client = server.client()
    client.put_bucket_cors(
        Bucket=server.bucket,
        CORSConfiguration={
            "CORSRules": [
                {
                    "AllowedOrigins": [live_server.url],
                    "AllowedMethods": ["PUT"],
                    "AllowedHeaders": ["*"],
                    "ExposeHeaders": ["ETag"],
                    "MaxAgeSeconds": 3600,
                }
            ]
        },
    )
    yield f"{server.endpoint}/**"
    client.delete_bucket_cors(Bucket=server.bucket)


def _last_part_held(route):
    """Every part but the last goes on; the last waits for ever (until it is cancelled)."""
    if route.request.method != "PUT" or _part_number(route.request.url) != 3:
        route.continue_()


def _part_number(url: str) -> int:
    query = parse_qs(urlparse(url).query)
    return int(query["partNumber"][0]) if "partNumber" in query else int(url.rsplit("/", 1)[1])


def test_an_editor_uploads_a_long_video_straight_to_storage_and_sees_its_progress(
    sign_in_as, community_manager, server_lock, storage_for_browser, tmp_path
):
    portal = sign_in_as(community_manager)
    page = portal.page
    clip = tmp_path / FILENAME
    clip.write_bytes(CLIP)
    held, dropped, sent = [], [], []

    def parts(route):
        request = route.request
        if request.method != "PUT":
            route.continue_()
            return
        number = _part_number(request.url)
        sent.append(number)
        if number == 3 and not held:
            held.append(route)  # let go once the test has seen the progress
        elif number == 2 and not dropped:
            dropped.append(number)
            route.abort("connectionreset")  # the network drops it; the page sends it again
        else:
            route.continue_()

    portal.goto(ADD)
    portal.check_a11y(upstream=WAGTAIL_EDITOR)
    status = page.get_by_role("status").filter(has_text=re.compile(r"\S"))
    file_input = page.locator("input[type=file][name=file]")

    # A file that cannot be a video is refused in words before anything is sent.
    wrong = tmp_path / "talk.mov"
    wrong.write_bytes(b"not a video")
    file_input.set_input_files(wrong)
    expect(status).to_have_text(
        "The video was not uploaded: Choose an MP4 (H.264) or WebM video; “talk.mov” is not one."
    )
    with server_lock:
        assert not VideoUpload.objects.exists()

    # Cancelled on the way: the upload and what arrived of it are gone.
    page.route(storage_for_browser, _last_part_held)
    file_input.set_input_files(clip)
    bar = page.get_by_role("progressbar", name="Video upload")
    expect(bar).to_be_visible()
    expect(page.locator("[data-upload-percent]")).to_have_text("99 % (10.5 MB of 10.5 MB)")
    with page.expect_response(re.compile(r"/abort/$")) as aborted:
        page.get_by_role("button", name="Cancel upload").click()
    assert aborted.value.ok
    expect(status).to_have_text("Upload cancelled.")
    expect(bar).to_be_hidden()
    with server_lock:
        assert not VideoUpload.objects.exists()
    page.unroute(storage_for_browser)

    page.route(storage_for_browser, parts)
    page.get_by_role("textbox", name="Title*").fill("Why it matters, full talk")
    file_input.set_input_files(clip)
    expect(bar).to_be_visible()
    # The last part is held back: the others arrive (the second after one retry: the page's
    # word for it is soon replaced by the progress), and saving now waits for the video.
    expect(page.locator("[data-upload-percent]")).to_have_text("99 % (10.5 MB of 10.5 MB)")
    expect(status).to_have_text("Uploading “why-it-matters.mp4”: 90 % sent.")
    page.get_by_role("button", name="Save").click()
    expect(status).to_have_text("The form will be saved as soon as the video has arrived.")
    portal.check_a11y(upstream=WAGTAIL_EDITOR)
    portal.screenshot("training-video-upload-progress")
    with server_lock:
        assert not Video.objects.exists()

    held.pop().continue_()
    page.wait_for_url(re.compile(r"/admin/snippets/training/video/$"))
    portal.check_a11y(upstream=WAGTAIL_EDITOR)
    row = page.get_by_role("row").filter(has_text="Why it matters, full talk")
    expect(row).to_contain_text("0:10")
    portal.screenshot("training-video-upload-saved")

    with server_lock:
        video = Video.objects.get()
        upload = VideoUpload.objects.get()
        assert video.file.name == upload.name  # the stored parts, not a second upload
        assert upload.filename == FILENAME
        assert round(video.duration) == 10
        with video.file.open("rb") as stored:
            assert stored.read() == CLIP
    assert sorted(sent) == [1, 2, 2, 3]  # each part once, the dropped one twice
