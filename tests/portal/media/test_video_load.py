"""Video never ties up a web worker (issue 19): twenty people watch a training video at once
from a portal with 2 sync gunicorn workers, and the next person's page still answers while
they watch.

From a bucket (SeaweedFS) the portal answers each viewer with a redirect to a presigned address,
and the viewer then reads the video from the storage: both workers are free at once. The control
is the development way, where the portal sends the bytes itself (`portal.ranges`): each viewer
then holds a worker for as long as it watches, and the page waits behind the viewers.

A viewer asks as a player does (`Range: bytes=0-`), reads the first part of the video and then
keeps its connection open, unread, until the page has answered: a person watching a long video.
It gives up after HOLD seconds so that the control can end; that bound is never asserted on.
What is asserted is order: the page answered before any viewer had finished, or, in the control,
only after the viewers holding the workers had given up. The viewers' receive buffers are kept
small and the video is larger than the kernel's send buffer, so an unread stream really holds
the worker that sends it (the kernel would otherwise take a few MB off its hands).
"""

import hashlib
import http.client
import os
import shutil
import socket
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from portal.factories import StaffFactory, UserFactory
from tests.peers.web import WebServer
from training.models import Video

pytestmark = pytest.mark.postgres

VIEWERS = 20
WORKERS = 2
SIZE = 8 * 1024 * 1024  # over the 4 MB a loopback socket's send buffer grows to
CHUNK = 64 * 1024
RECEIVE_BUFFER = 64 * 1024
HOLD = 20.0  # seconds a viewer keeps its stream open waiting for the page, at most
TIMEOUT = 120.0  # per socket operation: only a hung server reaches it
VIDEO = os.urandom(SIZE)
VIDEO_SHA256 = hashlib.sha256(VIDEO).hexdigest()


class ViewerConnection(http.client.HTTPConnection):
    """A player's connection: a small receive buffer, so what it has not read stays with the
    sender (Linux would otherwise grow the buffer to tens of MB)."""

    def connect(self):
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RECEIVE_BUFFER)
        sock.settimeout(self.timeout)
        sock.connect((self.host, self.port))
        self.sock = sock


@dataclass
class Room:
    """What the viewers and the page share: how many have asked and are playing, and the order
    in which the page and each viewer finished."""

    changed: threading.Condition = field(default_factory=threading.Condition)
    asked: int = 0
    playing: int = 0
    failed: int = 0
    finished: list[str] = field(default_factory=list)
    go_on: threading.Event = field(default_factory=threading.Event)
    gave_up: bool = False

    def count(self, what: str) -> None:
        with self.changed:
            setattr(self, what, getattr(self, what) + 1)
            self.changed.notify_all()

    def finish(self, who: str) -> None:
        with self.changed:
            self.finished.append(who)

    def keep_watching(self) -> None:
        """Hold the stream open, unread, until the page has answered (or HOLD has passed)."""
        if not self.go_on.wait(HOLD):
            self.gave_up = True
            self.go_on.set()


@dataclass
class Viewing:
    statuses: list[int]
    size: int
    sha256: str


def watch(port: int, path: str, cookie: str, room: Room) -> Viewing:
    """One person playing the video through the portal, following a redirect as a browser does."""
    try:
        return _watch(port, path, cookie, room)
    except BaseException:
        room.count("failed")
        raise


def _watch(port: int, path: str, cookie: str, room: Room) -> Viewing:
    connection = ViewerConnection("127.0.0.1", port, timeout=TIMEOUT)
    connection.request("GET", path, headers={"Cookie": cookie, "Range": "bytes=0-"})
    room.count("asked")
    response = connection.getresponse()
    statuses = [response.status]
    if response.status == 302:
        response.read()
        connection.close()
        location = urlsplit(response.getheader("Location"))
        connection = ViewerConnection(location.hostname, location.port, timeout=TIMEOUT)
        connection.request(
            "GET", f"{location.path}?{location.query}", headers={"Range": "bytes=0-"}
        )
        response = connection.getresponse()
        statuses.append(response.status)
    try:
        digest = hashlib.sha256()
        chunk = response.read(CHUNK)
        received = len(chunk)
        digest.update(chunk)
        room.count("playing")
        room.keep_watching()
        while chunk := response.read(CHUNK):
            received += len(chunk)
            digest.update(chunk)
        room.finish("viewer")
        return Viewing(statuses, received, digest.hexdigest())
    finally:
        connection.close()


def get(port: int, path: str, cookie: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        connection.request("GET", path, headers={"Cookie": cookie})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def screening(server: WebServer, video: Video) -> tuple[Room, list[Viewing], int]:
    """VIEWERS people start the video at once; once every one of them has asked and the first
    ones are playing, someone else asks for the home page. Returns the room (the order things
    finished in), what each viewer received and the page's status."""
    user = UserFactory()
    StaffFactory(user=user, email=user.email)
    client = Client()
    client.force_login(user)  # a session in the database the server reads
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    for _ in range(2 * WORKERS):  # each worker loads the URLconf and templates first
        assert get(server.port, "/", cookie) == 200, server.log_tail()

    room = Room()
    path = reverse("training_video_file", args=[video.pk, "video"])
    with ThreadPoolExecutor(max_workers=VIEWERS) as pool:
        viewers = [pool.submit(watch, server.port, path, cookie, room) for _ in range(VIEWERS)]
        with room.changed:
            room.changed.wait_for(
                lambda: (room.asked == VIEWERS and room.playing >= WORKERS) or room.failed > 0,
                timeout=TIMEOUT,
            )
        if room.failed or room.playing < WORKERS:
            room.go_on.set()
            for viewer in viewers:
                viewer.result()  # the first viewer that failed says why
            pytest.fail(f"{room.asked} viewers asked, {room.playing} playing\n{server.log_tail()}")
        page = get(server.port, "/", cookie)
        room.finish("page")
        room.go_on.set()
        viewings = [viewer.result() for viewer in viewers]
    return room, viewings, page


@pytest.fixture
def video_in_bucket(transactional_db, s3_server):
    name = f"training/videos/load-{uuid.uuid4().hex[:8]}.mp4"
    s3_server.client().put_object(Bucket=s3_server.bucket, Key=name, Body=VIDEO)
    yield Video.objects.create(title="Load", file=name, duration=420, content_type="video/mp4")
    s3_server.client().delete_object(Bucket=s3_server.bucket, Key=name)


@pytest.fixture
def server_on_bucket(transactional_db, s3_server):
    server = WebServer(s3_server.environ(), workers=WORKERS)
    yield server
    server.stop()


def test_twenty_viewers_from_a_bucket_leave_the_workers_free(server_on_bucket, video_in_bucket):
    room, viewings, page = screening(server_on_bucket, video_in_bucket)

    assert page == 200
    assert room.finished[0] == "page", room.finished  # while all twenty still watched
    assert not room.gave_up
    assert room.finished.count("viewer") == VIEWERS
    for viewing in viewings:  # a redirect from the portal, the bytes from the bucket
        assert viewing.statuses == [302, 206]
        assert (viewing.size, viewing.sha256) == (SIZE, VIDEO_SHA256)


@pytest.fixture
def server_streaming(transactional_db):
    """The portal sending media itself: no bucket, no nginx to hand the file to."""
    server = WebServer({"MEDIA_ACCEL_REDIRECT": ""}, workers=WORKERS)
    yield server
    server.stop()
    shutil.rmtree(server.media, ignore_errors=True)  # the video written there


def test_control_viewers_streamed_by_the_portal_hold_the_page_back(server_streaming):
    """The same screening, with the portal streaming the video: shows the test above can fail."""
    name = "training/videos/load.mp4"
    (server_streaming.media / "training" / "videos").mkdir(parents=True)
    (server_streaming.media / name).write_bytes(VIDEO)
    video = Video.objects.create(title="Load", file=name, duration=420, content_type="video/mp4")

    room, viewings, page = screening(server_streaming, video)

    assert page == 200
    # The viewers holding both workers had to give up watching before the page could answer,
    # and it answered behind the rest: the page was asked for after every viewer, and a sync
    # worker takes connections in the order they came, so when one took the page at most one
    # viewer per worker was still receiving.
    assert room.gave_up
    assert room.finished.index("page") >= VIEWERS - WORKERS, room.finished
    for viewing in viewings:  # the bytes from the portal itself
        assert viewing.statuses == [206]
        assert (viewing.size, viewing.sha256) == (SIZE, VIDEO_SHA256)
