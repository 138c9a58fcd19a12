"""Two web servers behind one address, as a load balancer would send a person to either
(issue 19): two gunicorn processes with media folders of their own, one bucket (SeaweedFS), one
Redis as the cache and one PostgreSQL database. A video and its captions uploaded through A play
through B (a range request to the presigned address); an HR import previewed on A is confirmed
on B; an FAQ entry published on A is found at once by B's search, whose cache was warm."""

import json
import re

import pytest
import requests
from django.test import Client

from faq.factories import FAQCategoryPageFactory, FAQIndexPageFactory
from portal.factories import UserFactory
from portal.models import HomePage, Staff
from tests.html_forms import forms_and_links
from tests.peers.redis_server import RedisServer
from tests.peers.web import WebServer
from tests.portal.people import csv_bytes
from training.models import Video

from .test_bucket import DEMO

pytestmark = pytest.mark.postgres


@pytest.fixture
def servers(transactional_db, s3_server):
    redis = RedisServer().start()
    env = {**s3_server.environ(), "PORTAL_TEST_CACHE_URL": redis.url}
    a = b = None
    try:
        a, b = WebServer(env), WebServer(env)
        yield a, b
    finally:
        for server in (a, b):
            if server is not None:
                server.stop()
        redis.stop()


def browser(user) -> requests.Session:
    """A person's browser: signed in (the session is in the shared database), one cookie jar
    for both servers, as behind a load balancer."""
    client = Client()
    client.force_login(user)
    session = requests.Session()
    session.cookies.set("sessionid", client.cookies["sessionid"].value)
    return session


def form_on(session, url: str, action: str):
    """The form on `url` that posts to an address containing `action`: its fields as a browser
    would send them (hidden management forms and the CSRF token included)."""
    page = session.get(url)
    assert page.status_code == 200, f"{url}: {page.status_code}"
    forms, _, _ = forms_and_links(page.text, url)
    (form,) = [f for f in forms if f.method == "post" and action in f.action]
    return form


def test_a_person_is_served_the_same_by_either_server(servers, s3_server):
    a, b = servers
    editor = UserFactory(is_superuser=True, is_staff=True)
    staff = UserFactory()
    Staff.objects.create(employee_id="E0", email=staff.email, display_name="Sam Staff", user=staff)
    admin = browser(editor)

    # A video and its captions, uploaded through A, go to the bucket, not to A's disk
    add = f"{a.url}/admin/snippets/training/video/add/"
    form = form_on(admin, add, "/add/")
    data = {**form.data(), "title": "Why it matters", "captions_language": "en"}
    video_bytes = (DEMO / "wiifm.webm").read_bytes()
    files = {
        "file": ("wiifm.webm", video_bytes, "video/webm"),
        "captions": ("wiifm.vtt", (DEMO / "wiifm.vtt").read_bytes(), "text/vtt"),
    }
    response = admin.post(add, data=data, files=files, allow_redirects=False)
    assert response.status_code == 302, response.text[-2000:]
    video = Video.objects.get(title="Why it matters")
    assert video.duration > 0  # read from the stored file
    stored = s3_server.client().get_object(Bucket=s3_server.bucket, Key=video.file.name)
    assert stored["Body"].read() == video_bytes
    assert not any(a.media.rglob("*.webm"))

    # ... and play through B: a redirect to the bucket, which answers byte ranges itself
    person = browser(staff)
    answer = person.get(f"{b.url}/training-videos/{video.pk}/video", allow_redirects=False)
    assert answer.status_code == 302
    assert answer.headers["Location"].startswith(s3_server.endpoint)
    part = requests.get(answer.headers["Location"], headers={"Range": "bytes=100-199"}, timeout=30)
    assert part.status_code == 206 and part.content == video_bytes[100:200]
    track = person.get(f"{b.url}/training-videos/{video.pk}/captions")
    assert track.status_code == 200 and track.text.startswith("WEBVTT")
    signed_out = requests.get(
        f"{b.url}/training-videos/{video.pk}/video", allow_redirects=False, timeout=30
    )
    assert signed_out.status_code == 302 and "login" in signed_out.headers["Location"]

    # An HR import previewed on A is confirmed on B
    upload = f"{a.url}/admin/staff-import/"
    form = form_on(admin, upload, "staff-import")
    csv = csv_bytes(
        "E1,boss@example.com,Bo Boss,Sales,Director,Leeds,,2019-05-01",
        "E2,ann@example.com,Ann Lee,Sales,Rep,Leeds,boss@example.com,",
    )
    preview = admin.post(
        upload,
        data={**form.data(), "mode": "update"},
        files={"file": ("staff.csv", csv, "text/csv")},
    )
    assert preview.status_code == 200 and "Import these changes" in preview.text
    (confirm,) = [
        f
        for f in forms_and_links(preview.text, upload)[0]
        if f.method == "post" and "confirm" in f.action
    ]
    done = admin.post(b.url + confirm.action, data=confirm.data())
    assert "Staff imported: 2 added" in done.text
    assert Staff.objects.get(employee_id="E2").manager.employee_id == "E1"

    # An FAQ entry published on A is found at once through B, whose search was warm
    index = FAQIndexPageFactory(parent=HomePage.objects.get(), title="FAQ guide")
    category = FAQCategoryPageFactory(parent=index, title="Getting started")
    search = f"{b.url}{index.url}search/"
    assert "Zanzibar" not in person.get(search, params={"q": "zanzibar ferries"}).text
    add = f"{a.url}/admin/pages/add/faq/faqentrypage/{category.pk}/"
    form = form_on(admin, add, "/add/")
    answer_text = "Yes: the Zanzibar ferries count as travel time."
    data = {
        **form.data(),
        "title": "Do the Zanzibar ferries count as travel?",
        "slug": "zanzibar-ferries",
        "answer": json.dumps(
            {
                "blocks": [
                    {
                        "key": "a1b2c",
                        "text": answer_text,
                        "type": "unstyled",
                        "depth": 0,
                        "inlineStyleRanges": [],
                        "entityRanges": [],
                        "data": {},
                    }
                ],
                "entityMap": {},
            }
        ),
        "action-publish": "action-publish",
    }
    published = admin.post(add, data=data, allow_redirects=False)
    assert published.status_code == 302, re.sub(r"\s+", " ", published.text)[-3000:]
    found = person.get(search, params={"q": "zanzibar ferries"})
    assert found.status_code == 200
    assert "1 answer for" in found.text
    assert 'href="/faq/getting-started/zanzibar-ferries/"' in found.text
