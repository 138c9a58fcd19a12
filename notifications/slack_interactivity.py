"""A button pressed in a Slack message reaches the portal as a signed POST to the interactivity
URL registered in the Slack app (`docs/deploy.md`). `verify` decides whether Slack sent it.

Slack signs `v0:<timestamp>:<raw body>` with the app's signing secret (HMAC-SHA256, header
`X-Slack-Signature: v0=<hex>`, timestamp in `X-Slack-Request-Timestamp`), and asks apps to
refuse a timestamp more than five minutes away from now. A captured request can still be sent
again within those five minutes, so each signature is remembered for ten in the shared cache
(`add` is atomic on Redis, so two servers cannot both accept it). The body is a form with one
field, `payload`, holding the interaction as JSON; it is read only once the signature holds,
and never beyond 64 KB (Slack's are a few KB).

The view that calls this answers a `Refused` with 401 (bad or missing signature, stale, replay)
or 400 (an unreadable body); its sentence says which.
"""

import hashlib
import re
import time
from urllib.parse import parse_qs

from django.conf import settings
from django.core.cache import cache
from slack_sdk.signature import SignatureVerifier

from portal.bad_input import BadInput, json_parse

MAX_BODY = 64 * 1024
MAX_AGE = 5 * 60  # seconds a signed request stays acceptable (Slack's advice)
REPLAY_SECONDS = 10 * 60  # how long a signature is remembered: longer than MAX_AGE
TIMESTAMP = re.compile(r"[0-9]{1,12}")


class Refused(Exception):
    """Not a request Slack sent us, or not one we can read; the text says why."""

    status = 401


class Unreadable(Refused):
    """Signed by Slack, but the body is not the form Slack sends."""

    status = 400


def verify(request) -> dict:
    """The interaction payload of `request` if Slack signed it just now; `Refused` otherwise."""
    secret = getattr(settings, "SLACK_SIGNING_SECRET", "")
    if not secret.strip():
        raise Refused("Slack buttons are not set up on this portal: SLACK_SIGNING_SECRET is unset.")
    try:
        declared = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        declared = 0
    if declared > MAX_BODY:
        raise Refused(_too_large())
    body = request.body
    if len(body) > MAX_BODY:
        raise Refused(_too_large())

    timestamp = request.headers.get("X-Slack-Request-Timestamp", "")
    signature = request.headers.get("X-Slack-Signature", "")
    if not timestamp or not signature:
        raise Refused("The request carries no Slack signature.")
    if not TIMESTAMP.fullmatch(timestamp):
        raise Refused("The request's Slack timestamp is not a time.")
    if abs(time.time() - int(timestamp)) > MAX_AGE:
        raise Refused(
            "The request's Slack signature is more than 5 minutes old (or its clock is off)."
        )
    try:
        valid = SignatureVerifier(secret).is_valid(
            body=body, timestamp=timestamp, signature=signature
        )
    except UnicodeDecodeError:  # the verifier reads the body as UTF-8 text
        valid = False
    if not valid:
        raise Refused(
            "The request's Slack signature does not match: it was not signed with this portal's "
            "SLACK_SIGNING_SECRET, or the body was changed on the way."
        )
    seen = "notifications:slack:signature:" + hashlib.sha256(signature.encode()).hexdigest()
    if not cache.add(seen, 1, REPLAY_SECONDS):
        raise Refused("This Slack request was received before: a replay is not acted on.")
    return _payload(body)


def _payload(body: bytes) -> dict:
    try:
        form = parse_qs(body.decode("utf-8"), keep_blank_values=True, max_num_fields=20)
    except (UnicodeDecodeError, ValueError):
        raise Unreadable("The request is not a form as Slack sends it.") from None
    values = form.get("payload", [])
    if len(values) != 1:
        raise Unreadable("The request has no single 'payload' field as Slack sends it.")
    try:
        payload = json_parse(values[0])
    except BadInput as error:
        raise Unreadable(f"The request's payload cannot be read: {error}") from None
    if not isinstance(payload, dict):
        raise Unreadable("The request's payload is not a JSON object as Slack sends it.")
    return payload


def _too_large() -> str:
    return f"The request is larger than any Slack sends ({MAX_BODY // 1024} KB at most)."
