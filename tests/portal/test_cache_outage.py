"""A cache outage is a slow page, never an error page (issue 18).

The cache is pointed at a redis-server this test starts, configured by the function production's
settings use. Every kind of page a member of staff, a leader and an editor reach on the demo (the
links of each page they see, followed from the home page; in the admin, its home, its menu and
what the site links to) is loaded with Redis up; then the server is stopped and every one of
those pages is loaded again: each answers as it did, sessions hold (they are in the database),
and signing in with a password still works (allauth locks and counts its rate limits in the
cache). The log says the cache is down, without a line per failed call.

A kind of page (tests/walks.py) is a view with the ids in its address taken out, or a live
page's class and blocks: the cache is read by views and page types, not by the object they
show, and without it some pages take a second or more, so one of each kind is opened, not every
FAQ entry and every page in the admin.
"""

import logging
import re
import subprocess
from collections import deque
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import redis
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from portal.cache import LOGGER, OncePerMinute
from portal.demo import DEMO_PASSWORD
from portal.settings.cache import caches
from tests.examples import CI
from tests.peers import free_port, process_stop
from tests.walks import Places

REDIS_SERVER = Path("/usr/bin/redis-server")
ROLES = ("staff", "leader", "editor")
LINK = re.compile(r'href="([^"#]*)')
ADMIN_MENU = re.compile(r'(?:&quot;|")url(?:&quot;|"):\s*(?:&quot;|")(/admin/[^&"]*)')
# Files rather than pages (their pages read what they read), signing out, static files.
NOT_PAGES = re.compile(
    r"^/(static|media)/|^/accounts/logout/|[?&]format=|/(export|download)/"
    r"|\.(pdf|ics|csv|xlsx|png|jpe?g|svg|webp|vtt|mp4)$"
)


class RedisServer:
    """A private redis-server on a free port: no files written, gone at the end."""

    def __init__(self):
        self.url = f"redis://127.0.0.1:{free_port()}/0"
        port = urlsplit(self.url).port
        self.process = subprocess.Popen(  # noqa: S603
            [str(REDIS_SERVER), "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
            + ["--appendonly", "no", "--loglevel", "warning"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.client = redis.Redis.from_url(self.url, socket_connect_timeout=1)
        for _ in range(1000):
            try:
                self.client.ping()
                return
            except redis.ConnectionError:
                try:
                    self.process.wait(timeout=0.01)  # a pause that notices an early exit
                except subprocess.TimeoutExpired:
                    continue
                pytest.fail(f"redis-server exited:\n{self.process.stdout.read()}")
        pytest.fail("redis-server never answered")

    def stop(self):
        process_stop(self.process)


@pytest.fixture
def redis_server():
    if not REDIS_SERVER.exists():
        (pytest.fail if CI else pytest.skip)(f"needs {REDIS_SERVER} (Debian's redis-server)")
    server = RedisServer()
    yield server
    server.stop()


def reachable(client: Client) -> dict[str, int]:
    """A page of each kind reachable from the home page by its links, with the status it
    answered."""
    statuses: dict[str, int] = {}
    queue = deque(["/"])
    seen = {"/"}
    places = Places()
    while queue:
        url = queue.popleft()
        if not places.wanted(url):
            continue
        response = client.get(url)
        places.opened(url, response.status_code, linked=True)
        statuses[url] = response.status_code
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        if url == "/admin/":
            links = LINK.findall(html) + ADMIN_MENU.findall(html)
        elif url.startswith("/admin/"):
            continue  # a page per object from here on; one of each kind is enough
        else:
            links = LINK.findall(html)
        for link in links:
            parts = urlsplit(urljoin(url, link.replace("&amp;", "&")))
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            if parts.netloc in ("", "testserver") and path not in seen:
                seen.add(path)
                if not NOT_PAGES.search(path):
                    queue.append(path)
    return statuses


def test_with_redis_stopped_every_page_answers_and_sign_in_works(
    seeded_once, db, redis_server, settings, caplog
):
    settings.CACHES = caches(redis_server.url)
    clients, answered = {}, {}
    for role in ROLES:
        clients[role] = Client()
        clients[role].force_login(seeded_once[role])
        answered[role] = reachable(clients[role])
        assert {url: s for url, s in answered[role].items() if s >= 400} == {}, role
    assert len(answered["editor"]) > len(answered["staff"]) > 20  # the crawl found the site
    assert any(url.startswith("/admin/snippets/") for url in answered["editor"])
    assert redis_server.client.dbsize() > 0  # and the pages used this Redis

    redis_server.stop()
    caplog.clear()
    for role in ROLES:
        again = {url: clients[role].get(url).status_code for url in answered[role]}
        assert again == answered[role], role

    assert cache.get("anything", "missed") == "missed"
    assert cache.set("anything", 1) is None  # skipped, not raised
    assert cache.add("a-lock", 1) is True  # a lock nobody can hold is ours

    # Signing in with a password: allauth's rate-limit lock and counts are in the cache.
    visitor = Client()
    login = reverse("account_login")
    wrong = visitor.post(login, {"login": "staff", "password": "not-the-password"})
    assert wrong.status_code == 200
    assert "not correct" in wrong.content.decode()
    signed_in = visitor.post(login, {"login": "staff", "password": DEMO_PASSWORD})
    assert signed_in.status_code == 302
    assert visitor.get("/").wsgi_request.user.username == "staff"

    outage = [r for r in caplog.records if r.name == LOGGER]
    pages = sum(len(statuses) for statuses in answered.values())
    assert outage, "the outage was not logged"
    assert "could not be reached" in outage[0].getMessage()
    assert len(outage) < pages / 10  # hundreds of failed calls, a line a minute


def test_a_repeated_error_is_logged_once_a_minute_with_how_many_were_left_out():
    now = [0.0]
    once = OncePerMinute(clock=lambda: now[0])

    def passes(at):
        now[0] = at
        record = logging.LogRecord(
            LOGGER, logging.ERROR, __file__, 1, "Exception ignored", (), None
        )
        return record.getMessage() if once.filter(record) else None

    assert passes(0) == "The cache could not be reached; carrying on without it (Exception ignored)"
    assert [passes(t) for t in (1, 30, 59.9)] == [None, None, None]
    assert passes(60).endswith("(Exception ignored); 3 more since the last report")
    assert passes(61) is None
    assert passes(200).endswith("; 1 more since the last report")
