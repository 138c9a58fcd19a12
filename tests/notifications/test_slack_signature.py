"""Slack's interactivity requests: the portal acts only on a POST Slack signed with this portal's
signing secret within the last five minutes, once, and reads no more of it than Slack sends
(`notifications.slack_interactivity`). Signed here with slack-sdk's own SignatureVerifier."""

import json
import time
from urllib.parse import urlencode

import pytest
from django.test import RequestFactory
from slack_sdk.signature import SignatureVerifier

from notifications.slack_interactivity import MAX_BODY, Refused, Unreadable, verify
from tests.peers.slack import signature, signed_headers

ANA_ID = "U0ANALIMA"
SECRET = "8f742231b10e8888abcd99yyyzzz85a5"  # Slack's documentation example's shape


# Interactivity: was it Slack, just now? -------------------------------------------------------


def press(payload: dict | None = None) -> bytes:
    payload = payload or {
        "type": "block_actions",
        "user": {"id": ANA_ID},
        "actions": [{"action_id": "book", "value": "s2"}],
        "response_url": "https://hooks.slack.com/actions/T1/1/x",
    }
    return urlencode({"payload": json.dumps(payload)}).encode()


def request(body: bytes, headers: dict):
    return RequestFactory().post(
        "/notifications/slack/interactivity/",
        data=body,
        content_type="application/x-www-form-urlencoded",
        headers=headers,
    )


@pytest.fixture
def signing(settings):
    settings.SLACK_SIGNING_SECRET = SECRET


def test_our_signing_is_slacks(signing):
    body, timestamp = press(), int(time.time())
    ours = signature(body, secret=SECRET, timestamp=timestamp)
    assert ours == SignatureVerifier(SECRET).generate_signature(timestamp=str(timestamp), body=body)


def test_a_request_slack_signed_just_now_gives_its_payload(signing):
    body = press()
    payload = verify(request(body, signed_headers(body, secret=SECRET)))
    assert payload["type"] == "block_actions"
    assert payload["actions"] == [{"action_id": "book", "value": "s2"}]


def test_a_signature_under_another_secret_is_refused(signing):
    body = press()
    with pytest.raises(Refused, match="does not match"):
        verify(request(body, signed_headers(body, secret="not-the-portals-secret")))


def test_a_changed_body_is_refused(signing):
    body = press()
    headers = signed_headers(body, secret=SECRET)
    changed = press({"type": "block_actions", "actions": [{"action_id": "book", "value": "s3"}]})
    with pytest.raises(Refused, match="does not match"):
        verify(request(changed, headers))


@pytest.mark.parametrize("missing", ["X-Slack-Signature", "X-Slack-Request-Timestamp"])
def test_a_request_without_a_signature_is_refused(signing, missing):
    body = press()
    headers = signed_headers(body, secret=SECRET)
    del headers[missing]
    with pytest.raises(Refused, match="no Slack signature"):
        verify(request(body, headers))


@pytest.mark.parametrize("age", [301, -301, 3600])
def test_a_stale_signature_is_refused_even_when_it_is_right(signing, age):
    body = press()
    headers = signed_headers(body, secret=SECRET, timestamp=int(time.time()) - age)
    with pytest.raises(Refused, match="more than 5 minutes old"):
        verify(request(body, headers))


def test_a_signature_within_five_minutes_is_accepted(signing):
    body = press()
    verify(request(body, signed_headers(body, secret=SECRET, timestamp=int(time.time()) - 280)))


@pytest.mark.parametrize("timestamp", ["soon", "١٧٠٠٠٠٠٠٠٠", "1.5", "-1"])
def test_a_timestamp_that_is_not_a_time_is_refused(signing, timestamp):
    body = press()
    headers = {"X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": "v0=" + "0" * 64}
    with pytest.raises(Refused, match="not a time"):
        verify(request(body, headers))


def test_the_same_signed_request_twice_is_a_replay(signing):
    body = press()
    headers = signed_headers(body, secret=SECRET)
    verify(request(body, headers))
    with pytest.raises(Refused, match="replay"):
        verify(request(body, headers))
    other = press({"type": "block_actions", "actions": []})
    verify(request(other, signed_headers(other, secret=SECRET)))  # another press goes through


def test_a_refused_signature_does_not_use_up_the_real_one(signing):
    body = press()
    headers = signed_headers(body, secret=SECRET)
    with pytest.raises(Refused):
        verify(request(press({"type": "forged"}), headers))
    verify(request(body, headers))


@pytest.mark.parametrize(
    ("body", "sentence"),
    [
        (b"payload=%7Bnot+json", "cannot be read"),
        (urlencode({"payload": "[1, 2]"}).encode(), "not a JSON object"),
        (b"nothing=here", "no single 'payload'"),
        (b"payload=%7B%7D&payload=%7B%7D", "no single 'payload'"),
        (urlencode({"payload": '{"a": "\\u0000"}'}).encode(), "cannot store"),
    ],
)
def test_a_signed_body_that_is_not_slacks_form_is_unreadable(signing, body, sentence):
    with pytest.raises(Unreadable, match=sentence):
        verify(request(body, signed_headers(body, secret=SECRET)))


def test_a_body_that_is_not_utf8_cannot_carry_a_slack_signature(signing):
    body = b"payload=\xff\xfe"
    with pytest.raises(Refused, match="does not match"):
        verify(request(body, signed_headers(body, secret=SECRET)))


def test_a_body_over_64_kb_is_refused_before_its_signature_is_checked(signing):
    padding = "x" * MAX_BODY
    body = press({"type": "block_actions", "padding": padding})
    with pytest.raises(Refused, match="64 KB"):
        verify(request(body, signed_headers(body, secret=SECRET)))


def test_a_body_of_exactly_64_kb_is_read(signing):
    body = press({"type": "block_actions", "padding": ""})
    body = press({"type": "block_actions", "padding": "x" * (MAX_BODY - len(body))})
    assert len(body) == MAX_BODY
    assert verify(request(body, signed_headers(body, secret=SECRET)))["type"] == "block_actions"


def test_a_claimed_length_over_64_kb_is_refused_without_reading(signing):
    body = press()
    req = request(body, signed_headers(body, secret=SECRET))
    req.META["CONTENT_LENGTH"] = str(MAX_BODY + 1)
    with pytest.raises(Refused, match="64 KB"):
        verify(req)


def test_without_a_signing_secret_every_request_is_refused(settings):
    settings.SLACK_SIGNING_SECRET = ""
    body = press()
    with pytest.raises(Refused, match="SLACK_SIGNING_SECRET"):
        verify(request(body, signed_headers(body, secret="")))
