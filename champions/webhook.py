"""The Discourse webhook: community activity, pushed by the forum as it happens.

Why it looks like this: Discourse sends no session and no CSRF token, so the signature is the
only proof a delivery is real. It is an HMAC-SHA256 of the raw body under a secret both sides
share (`DISCOURSE_WEBHOOK_SECRETS`, two during a rotation), checked before the body is parsed.
A body over 1 MiB is refused before it is read (a post is a few KB), so a stranger cannot make
us read and hash megabytes. A signed body nested too deep, or carrying text no database can
store (a NUL in a username), is refused with 400 (`portal.bad_input`) rather than failing on
every retry. Everything else is the service's (`champions.services.intake`).

Answers are short plain text for Discourse's delivery log: 200 recorded, unmatched, duplicate
or ignored (Discourse stops retrying); 400, 401, 403 and 413 say what was wrong; 503 until a
secret is configured.
"""

import logging

from django.conf import settings
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from portal import bad_input

from . import intake
from .models import WebhookDelivery
from .services import intake as services

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 1024 * 1024
EVENT_ID_MAX_LENGTH = WebhookDelivery._meta.get_field("event_id").max_length


@csrf_exempt  # the signature is the authentication; there is no session to protect
@require_POST
def discourse_webhook(request):
    secrets = [secret for secret in settings.DISCOURSE_WEBHOOK_SECRETS if secret]
    if not secrets:
        return _answer("webhook not configured", 503)
    try:
        declared = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        return _answer("invalid Content-Length", 400)
    if declared > MAX_BODY_BYTES:
        return _answer("body larger than 1 MiB", 413)
    body = request.read(MAX_BODY_BYTES + 1)  # the stream, not request.body: bounded either way
    if len(body) > MAX_BODY_BYTES:
        return _answer("body larger than 1 MiB", 413)
    signature = request.headers.get("X-Discourse-Event-Signature", "")
    if not signature:
        return _answer("signature missing", 401)
    if not intake.signature_valid(body, signature, secrets):
        logger.warning("Discourse webhook refused: signature does not match")
        return _answer("signature does not match", 403)
    event_id = request.headers.get("X-Discourse-Event-Id", "").strip()
    if not event_id or len(event_id) > EVENT_ID_MAX_LENGTH:
        return _answer("X-Discourse-Event-Id missing or too long", 400)
    try:
        payload = bad_input.json_parse(body)
    except bad_input.NotJson:
        return _answer("body is not JSON", 400)
    except bad_input.BadInput as refusal:  # too deep, or a NUL in a username or an email
        return _answer(str(refusal), 400)
    if not isinstance(payload, dict):
        return _answer("body is not a JSON object", 400)
    try:
        outcome = services.webhook_receive(
            event_id=event_id,
            event_type=request.headers.get("X-Discourse-Event-Type", ""),
            event_name=request.headers.get("X-Discourse-Event", ""),
            body=payload,
            instance=request.headers.get("X-Discourse-Instance", ""),
        )
    except intake.PayloadError as error:
        return _answer(f"unreadable payload: {error}", 400)
    return _answer(outcome, 200)


def _answer(text: str, status: int) -> HttpResponse:
    return HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")
