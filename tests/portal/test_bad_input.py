"""Bad input is a 400 with a sentence, never a 500, and changes nothing stored (issue 18).

On PostgreSQL a NUL character that reached a query was a 500 (`/champions/?focus=%00`, the
nomination search, a signed webhook's username or email, a quoted session cookie); a 5,000-deep
JSON body was a RecursionError on either database. These are the places the issue names, each
in the answer its caller reads, and every view that parses a JSON body; `test_bad_input_walk`
sends a NUL to every field the pages offer. Run both on SQLite and on PostgreSQL.
"""

import hashlib
import hmac
import json
import re
from pathlib import Path

import pytest
from django.utils.html import escape

from champions.models import NominationReason, UnmatchedActivity, WebhookDelivery
from champions.services.nominations import nomination_create
from portal import bad_input
from portal.factories import StaffFactory, UserFactory
from portal.tiers.models import EngagementEvent
from training import factories as training_factories
from training.models import VideoProgress
from training.views import MAX_PROGRESS_BYTES

ROOT = Path(__file__).resolve().parents[2]
NUL = "a\x00b"
REFUSED = "contains a character the portal cannot store"
HTMX = {"HX-Request": "true"}


def refused_in_words(response, *, htmx=False) -> str:
    """'' when `response` is the 400 with the sentence, else what was wrong."""
    body = response.content.decode(errors="replace")
    if response.status_code != 400:
        return f"answered {response.status_code}"
    if response["Content-Type"].startswith("application/json"):
        return "" if REFUSED in response.json()["error"] else "JSON without the sentence"
    if REFUSED not in body:
        return "no sentence"
    if htmx and "<html" in body:
        return "a whole page for an htmx swap"
    return ""


# The places the issue names, one by one, in each of the three answers


@pytest.fixture
def me(client, db):
    user = UserFactory()
    staff = StaffFactory(user=user, email=user.email)
    client.force_login(user)
    return staff


def test_a_nul_in_the_champions_filter_is_a_page_a_fragment_or_json_with_the_sentence(client, me):
    url = "/champions/?focus=%00"
    page = client.get(url)
    assert refused_in_words(page) == ""
    html = page.content.decode()
    assert "<h1>We could not use what was sent</h1>" in html
    assert escape(bad_input.unstorable_sentence("query")) in html
    assert 'role="alert"' in html
    assert me.user.get_full_name() in html  # still their page: menu and name
    assert refused_in_words(client.get(url, headers=HTMX), htmx=True) == ""
    answer = client.get(url, headers={"Accept": "application/json"})
    assert answer.json() == {"error": bad_input.unstorable_sentence("query")}


def test_a_nul_in_a_nomination_is_refused_and_the_reasons_already_given_stay(client, me):
    amara = StaffFactory(display_name="Amara Okafor")
    nomination_create(nominator=me, nominee=amara, reason="Answers the billing threads.")
    for data in (
        {"nominee": amara.pk, "reason": "More\x00"},
        {"search": f"{amara.email}\x00", "reason": "Helpful."},
    ):
        assert refused_in_words(client.post("/champions/nominate/", data)) == ""
    search = client.get("/champions/nominate/people/", {"search": "Ama\x00"}, headers=HTMX)
    assert refused_in_words(search, htmx=True) == ""
    assert list(NominationReason.objects.values_list("reason", flat=True)) == [
        "Answers the billing threads."
    ]


def test_a_nul_in_the_path_or_a_header_is_refused(client, me):
    assert refused_in_words(client.get("/faq/a%00b/")) == ""
    assert refused_in_words(client.get("/my-path/", headers={"X-Anything": "a\x00b"})) == ""


def test_a_session_cookie_with_a_nul_is_refused_and_the_real_session_still_works(client, me):
    """A quoted cookie carries NUL as `\\000` past the web server; the session lookup failed."""
    real = client.cookies["sessionid"].value
    client.cookies["sessionid"] = real + "\x00"
    refused = client.get("/my-path/")
    assert refused_in_words(refused) == ""
    assert me.user.get_full_name() not in refused.content.decode()  # no session was read
    client.cookies["sessionid"] = real
    assert client.get("/my-path/").status_code == 200


def test_a_body_django_cannot_read_is_its_own_400_page_not_a_500(client, me):
    """Too many fields is Django's refusal (before ours can read the form): the 400 page,
    rendered without a request, still answers."""
    response = client.post(
        "/champions/nominate/",
        "&".join(f"f{i}=1" for i in range(1100)),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert "Part of the request could not be read." in response.content.decode()


# JSON bodies: every view that parses one


SECRET = "webhook-secret-0123456789"
DEEP = "[" * 5000 + "]" * 5000


def _signed(client, body: bytes, event_id: str):
    signature = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    return client.post(
        "/webhooks/discourse/",
        body,
        content_type="application/json",
        headers={
            "X-Discourse-Event-Id": event_id,
            "X-Discourse-Event-Type": "post",
            "X-Discourse-Event": "post_created",
            "X-Discourse-Event-Signature": signature,
        },
    )


def _discourse_post(**fields) -> bytes:
    post = {
        "id": 101,
        "post_number": 2,
        "post_type": 1,
        "username": "ann_w",
        "user_id": 7,
        "created_at": "2025-03-01T12:00:00.000Z",
        "topic_id": 55,
        **fields,
    }
    return json.dumps({"post": post}).encode()


@pytest.mark.parametrize(
    ("case", "body", "status", "answer"),
    [
        ("username with a NUL", _discourse_post(username="ann\x00w"), 400, REFUSED),
        ("email with a NUL", _discourse_post(email="ann\x00@example.com"), 400, REFUSED),
        ("lone surrogate", _discourse_post(username="ann\ud800"), 400, REFUSED),
        ("5,000 levels deep", DEEP.encode(), 400, "nested more than 20 levels deep"),
        (
            "a post 22 levels deep",
            _discourse_post(raw=json.loads("[" * 20 + "]" * 20)),
            400,
            "levels",
        ),
        ("NaN", _discourse_post(score=float("nan")), 400, "body is not JSON"),
        ("over 1 MiB", _discourse_post(raw="x" * (1024 * 1024)), 413, "larger than 1 MiB"),
    ],
)
def test_the_webhook_refuses_unusable_signed_bodies_in_words_and_records_nothing(
    client, db, settings, case, body, status, answer
):
    settings.DISCOURSE_WEBHOOK_SECRETS = [SECRET]
    StaffFactory(email="ann@example.com")
    response = _signed(client, body, event_id=f"e-{case}")
    assert response.status_code == status
    assert answer in response.content.decode()
    assert not WebhookDelivery.objects.exists()
    assert not EngagementEvent.objects.exists()
    assert not UnmatchedActivity.objects.exists()


def test_a_webhook_event_id_with_a_nul_is_refused(client, db, settings):
    settings.DISCOURSE_WEBHOOK_SECRETS = [SECRET]
    response = _signed(client, _discourse_post(), event_id="e\x00")
    assert response.status_code == 400 and REFUSED in response.json()["error"]
    assert not WebhookDelivery.objects.exists()


@pytest.fixture
def progress_url(me):
    video = training_factories.video_make()
    lesson = training_factories.lesson_make(
        module=training_factories.module_make(), body=[training_factories.wiifm_block(video)]
    )
    return f"{lesson.url}videos/{training_factories.block_id(lesson, 'wiifm_video')}/progress/"


@pytest.mark.parametrize(
    ("body", "answer"),
    [
        (DEEP, "The data sent is nested more than 20 levels deep."),
        ('{"played": [[0, 1]], "position": "\\u0000"}', bad_input.unstorable_sentence("json")),
        ('{"played": [[0, 1]], "\\udc00": 1}', bad_input.unstorable_sentence("json")),
        ('{"played": [[0, Infinity]]}', "The data sent is not valid JSON."),
        (json.dumps({"played": [], "pad": "x" * MAX_PROGRESS_BYTES}), "larger than 32 KB"),
        ("[1, 2]", "The progress report has no list of played parts."),
    ],
)
def test_a_video_progress_report_refuses_pathological_json_in_words(
    client, progress_url, body, answer
):
    client.post(progress_url, '{"played": [[0, 10]], "position": 10}', "application/json")
    response = client.post(progress_url, body, content_type="application/json")
    assert response.status_code == 400
    assert answer in response.json()["error"]
    assert VideoProgress.objects.get().played_seconds == 10  # what was stored stays


def test_the_json_parser_allows_twenty_levels_and_refuses_twenty_one():
    assert bad_input.json_parse("[" * 20 + "]" * 20) is not None
    with pytest.raises(bad_input.BadInput, match="more than 20 levels"):
        bad_input.json_parse("[" * 21 + "]" * 21)
    with pytest.raises(bad_input.BadInput, match="more than 20 levels"):
        bad_input.json_parse('{"a":' * 21 + "1" + "}" * 21)
    assert bad_input.json_parse('{"a": "\\ud83d\\ude00"}') == {"a": "😀"}  # a pair is fine


# A view that parses a body gets its bytes from one of these.
BODY_READ = re.compile(r"request\.(body\b|read\(|stream\b|_stream\b)")
# Where a request body may be read: the shared parser, and the webhook, which must hash the
# raw bytes before it hands them to that parser.
BODY_READERS = {"portal/bad_input.py", "champions/webhook.py"}


def test_request_bodies_are_parsed_only_through_the_shared_json_parser():
    """A new JSON endpoint that reads the body itself would skip the size and depth caps: it
    has to use `bad_input.json_body` (or be added here and fed the bodies of the tests above)."""
    found = set()
    for app in ("portal", "champions", "training", "faq", "officehours"):
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts and BODY_READ.search(path.read_text()):
                found.add(str(path.relative_to(ROOT)))
    assert found <= BODY_READERS, found - BODY_READERS
    assert "champions/webhook.py" in found  # the pattern still finds the one it must
