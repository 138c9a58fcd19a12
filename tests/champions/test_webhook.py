"""The Discourse webhook: signed deliveries become events; everything else leaves no trace.

Requests are sent signed out, as Discourse sends them: the URL is public and the signature is
the only key. Each refusal also checks that nothing at all was written.
"""

import hashlib
import hmac
import io
import json
import threading
from datetime import UTC, datetime

import pytest
from django.db import connections
from django.test import Client, RequestFactory
from django.urls import reverse

from champions import intake
from champions.models import CommunityAccount, UnmatchedActivity, WebhookDelivery
from champions.webhook import MAX_BODY_BYTES, discourse_webhook
from portal.factories import StaffFactory
from portal.tiers.models import EngagementEvent

OLD_SECRET = "old-secret-0123456789abcdef"
NEW_SECRET = "new-secret-fedcba9876543210"
URL = "/webhooks/discourse/"
SIGNED = "signed"  # _deliver's default: a correct signature of the body sent


@pytest.fixture(autouse=True)
def secrets(settings):
    settings.DISCOURSE_WEBHOOK_SECRETS = [NEW_SECRET, OLD_SECRET]


@pytest.fixture
def ann(db):
    person = StaffFactory(display_name="Ann Example", email="ann@example.com")
    CommunityAccount.objects.create(staff=person, username="ann_w")
    return person


def _post(post_id=101, number=2, username="ann_w", **extra) -> dict:
    return {
        "id": post_id,
        "post_number": number,
        "post_type": 1,
        "username": username,
        "user_id": 7,
        "created_at": "2025-03-01T12:00:00.000Z",
        "topic_id": 55,
        "topic_slug": "how-to-start",
        "topic_archetype": "regular",
        **extra,
    }


def _body(event_type="post", obj=None) -> bytes:
    return json.dumps({event_type: _post() if obj is None else obj}).encode()


def _sign(body: bytes, secret: str = NEW_SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _deliver(
    client,
    body: bytes | None = None,
    *,
    event_id="1001",
    event_type="post",
    event_name="post_created",
    signature: str | None = SIGNED,
    **environ,
):
    """POST a delivery as Discourse does; `signature=None` leaves the header out."""
    body = _body() if body is None else body
    headers = {
        "X-Discourse-Event-Id": event_id,
        "X-Discourse-Event-Type": event_type,
        "X-Discourse-Event": event_name,
        "X-Discourse-Instance": "https://forum.example.com",
        "X-Discourse-Event-Signature": _sign(body) if signature == SIGNED else signature,
    }
    headers = {name: value for name, value in headers.items() if value is not None}
    return client.post(URL, data=body, content_type="application/json", headers=headers, **environ)


def _nothing_recorded():
    assert not WebhookDelivery.objects.exists()
    assert not EngagementEvent.objects.exists()
    assert not UnmatchedActivity.objects.exists()


def test_the_webhook_is_mounted_where_discourse_is_told_to_send():
    assert reverse("discourse_webhook") == URL


def test_a_signed_reply_is_recorded_for_the_staff_member_with_that_username(client, ann):
    response = _deliver(client, _body(obj=_post(username="Ann_W")))

    assert response.status_code == 200
    assert response.content == b"recorded"
    event = EngagementEvent.objects.get()
    assert event.staff == ann
    assert (event.kind, event.subject, event.source) == (
        "community_contributed",
        "reply",
        "webhook",
    )
    assert event.occurred_at == datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
    assert event.idempotency_key == "community:discourse:post:101"
    assert event.metadata == {"url": "https://forum.example.com/t/how-to-start/55/2"}
    assert WebhookDelivery.objects.get().outcome == "recorded"
    assert not UnmatchedActivity.objects.exists()


def test_the_first_post_of_a_topic_is_a_post_and_an_email_matches_too(client, db):
    bea = StaffFactory(email="Bea@Example.com")
    body = _body(obj=_post(number=1, username="someone_new", email="bea@example.COM"))

    assert _deliver(client, body).content == b"recorded"

    event = EngagementEvent.objects.get()
    assert (event.staff, event.subject) == (bea, "post")


def test_former_staff_are_not_matched(client, ann):
    ann.active = False
    ann.save()
    assert _deliver(client).content == b"unmatched"
    assert not EngagementEvent.objects.exists()


@pytest.mark.parametrize("secret", [NEW_SECRET, OLD_SECRET])
def test_either_secret_is_accepted_while_one_is_rotated_out(client, ann, secret):
    body = _body()
    response = _deliver(client, body, signature=_sign(body, secret))
    assert (response.status_code, response.content) == (200, b"recorded")
    assert EngagementEvent.objects.filter(staff=ann).count() == 1


def test_a_like_is_recorded_for_the_person_who_liked(client, ann):
    author = StaffFactory()
    CommunityAccount.objects.create(staff=author, username="author")
    like = {"post": _post(username="author"), "user": {"id": 7, "username": "ann_w"}}

    response = _deliver(client, _body("like", like), event_type="like", event_name="post_liked")

    assert response.content == b"recorded"
    event = EngagementEvent.objects.get()
    assert (event.staff, event.kind, event.subject) == (ann, "community_liked", "like")
    assert event.idempotency_key == "community:discourse:like:101:7"


def test_an_accepted_solution_is_credited_to_the_posts_author(client, ann):
    response = _deliver(
        client, _body("solved"), event_type="solved", event_name="accepted_solution"
    )

    assert response.content == b"recorded"
    event = EngagementEvent.objects.get()
    assert (event.staff, event.kind, event.subject) == (ann, "community_contributed", "solution")


@pytest.mark.parametrize(
    ("case", "status", "text"),
    [
        ("wrong secret", 403, b"signature does not match"),
        ("missing header", 401, b"signature missing"),
        ("altered body", 403, b"signature does not match"),
        ("not sha256", 403, b"signature does not match"),
        ("oversize by Content-Length", 413, b"body larger than 1 MiB"),
        ("oversize body", 413, b"body larger than 1 MiB"),
    ],
)
def test_refused_deliveries_record_nothing(client, ann, case, status, text):
    body = _body()
    signature, environ = _sign(body), {}
    if case == "wrong secret":
        signature = _sign(body, "someone-elses-secret")
    elif case == "missing header":
        signature = None
    elif case == "altered body":
        body = body.replace(b'"ann_w"', b'"mallory"')
    elif case == "not sha256":
        signature = "sha1=" + hmac.new(NEW_SECRET.encode(), body, hashlib.sha1).hexdigest()
    elif case == "oversize by Content-Length":
        environ["CONTENT_LENGTH"] = str(MAX_BODY_BYTES + 1)
    elif case == "oversize body":
        post = _post(raw="x" * MAX_BODY_BYTES)
        body = _body(obj=post)
        signature = _sign(body)  # correctly signed, and still too big

    response = _deliver(client, body, signature=signature, **environ)

    assert (response.status_code, response.content) == (status, text)
    _nothing_recorded()


def test_a_body_larger_than_it_says_is_cut_off_and_refused(db, ann):
    """Servers that pass a chunked body without Content-Length: the read is bounded too."""
    body = _body(obj=_post(raw="x" * MAX_BODY_BYTES))
    request = RequestFactory().post(
        URL,
        data=b"",
        content_type="application/json",
        headers={"X-Discourse-Event-Id": "1", "X-Discourse-Event-Signature": _sign(body)},
    )
    request.META.pop("CONTENT_LENGTH", None)
    request._stream = io.BytesIO(body)

    response = discourse_webhook(request)

    assert (response.status_code, response.content) == (413, b"body larger than 1 MiB")
    _nothing_recorded()


@pytest.mark.parametrize(
    ("body", "event_id", "status", "text"),
    [
        (b"{not json", "1001", 400, b"body is not JSON"),
        (b"[1, 2]", "1001", 400, b"body is not a JSON object"),
        (None, "", 400, b"X-Discourse-Event-Id missing or too long"),
        (None, "9" * 101, 400, b"X-Discourse-Event-Id missing or too long"),
    ],
)
def test_signed_but_unusable_deliveries_are_refused(client, ann, body, event_id, status, text):
    response = _deliver(client, body, event_id=event_id)
    assert (response.status_code, response.content) == (status, text)
    _nothing_recorded()


def test_a_post_without_its_id_is_refused_so_discourse_can_send_it_again(client, ann):
    post = _post()
    del post["id"]
    response = _deliver(client, _body(obj=post))
    assert response.status_code == 400
    assert response.content.startswith(b"unreadable payload: id is missing")
    _nothing_recorded()


def test_without_a_secret_the_webhook_is_switched_off(client, ann, settings):
    settings.DISCOURSE_WEBHOOK_SECRETS = []
    response = _deliver(client)
    assert (response.status_code, response.content) == (503, b"webhook not configured")
    _nothing_recorded()


def test_get_is_not_allowed_but_does_not_ask_for_sign_in(client, db):
    assert client.get(URL).status_code == 405


def test_the_same_event_id_five_times_records_one_event(client, ann):
    answers = [_deliver(client).content for _ in range(5)]

    assert answers == [b"recorded"] + [b"duplicate"] * 4
    assert EngagementEvent.objects.count() == 1
    assert WebhookDelivery.objects.count() == 1


def test_a_retry_with_a_new_event_id_still_records_one_event(client, ann):
    """Discourse gives each attempt its own delivery id; the post's id catches the retry."""
    answers = [_deliver(client, event_id=str(n)).content for n in (1, 2, 3)]

    assert answers == [b"recorded", b"duplicate", b"duplicate"]
    assert EngagementEvent.objects.count() == 1
    assert WebhookDelivery.objects.count() == 3


def test_activity_nobody_matches_waits_in_the_review_list(client, ann):
    body = _body(obj=_post(username="Stranger", email="stranger@elsewhere.example"))

    answers = [_deliver(client, body, event_id=str(n)).content for n in (1, 2)]

    assert answers == [b"unmatched", b"duplicate"]
    assert not EngagementEvent.objects.exists()
    item = UnmatchedActivity.objects.get()
    assert (item.source_id, item.action, item.username, item.email) == (
        "discourse:post:101",
        "reply",
        "Stranger",
        "stranger@elsewhere.example",
    )
    assert item.url == "https://forum.example.com/t/how-to-start/55/2"
    assert item.resolved_at is None


@pytest.mark.parametrize(
    ("event_type", "event_name", "body"),
    [
        ("ping", "ping", json.dumps({"ping": "OK"}).encode()),
        ("topic", "topic_created", _body("topic", {"id": 55, "title": "How to start"})),
        ("post", "post_edited", None),
        ("post", "post_created", _body(obj=_post(topic_archetype="private_message"))),
        ("post", "post_created", _body(obj=_post(post_type=4))),  # a whisper
        ("post", "post_created", _body(obj=_post(user_id=-1, username="system"))),
        ("solved", "unaccepted_solution", _body("solved")),
        ("user", "user_logged_in", _body("user", {"id": 7, "username": "ann_w"})),
    ],
)
def test_other_events_are_acknowledged_and_ignored(client, ann, event_type, event_name, body):
    response = _deliver(client, body, event_type=event_type, event_name=event_name)

    assert (response.status_code, response.content) == (200, b"ignored")
    assert WebhookDelivery.objects.get().outcome == "ignored"
    assert not EngagementEvent.objects.exists()
    assert not UnmatchedActivity.objects.exists()


def test_signature_check_survives_odd_headers():
    assert intake.signature_valid(b"x", _sign(b"x"), [NEW_SECRET])
    assert intake.signature_valid(
        b"x", _sign(b"x").upper().replace("SHA256=", "sha256="), [NEW_SECRET]
    )
    assert not intake.signature_valid(b"x", "sha256=\u00e9", [NEW_SECRET])
    assert not intake.signature_valid(b"x", _sign(b"x"), [])
    assert not intake.signature_valid(b"x", _sign(b"x", ""), [""])


# Concurrency (PostgreSQL) ----------------------------------------------------------------------


def _at_once(count: int, send) -> list[bytes]:
    """`send(n)` from `count` threads released together; their answers."""
    barrier = threading.Barrier(count)
    answers: list = [None] * count

    def run(n):
        try:
            barrier.wait(timeout=10)
            answers[n] = send(n)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return answers


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_event_id_delivered_concurrently_records_one_event(ann):

    answers = _at_once(10, lambda n: _deliver(Client()).content)

    assert sorted(answers) == [b"duplicate"] * 9 + [b"recorded"]
    assert EngagementEvent.objects.count() == 1
    assert WebhookDelivery.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_retries_with_new_ids_delivered_concurrently_record_one_event(ann):

    answers = _at_once(10, lambda n: _deliver(Client(), event_id=f"retry-{n}").content)

    assert sorted(answers) == [b"duplicate"] * 9 + [b"recorded"]
    assert EngagementEvent.objects.count() == 1
    assert WebhookDelivery.objects.count() == 10


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_unmatched_activity_delivered_concurrently_waits_once():
    body = _body(obj=_post(username="stranger"))

    answers = _at_once(10, lambda n: _deliver(Client(), body, event_id=f"u-{n}").content)

    assert sorted(answers) == [b"duplicate"] * 9 + [b"unmatched"]
    assert UnmatchedActivity.objects.count() == 1
