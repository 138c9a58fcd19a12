"""Bearer tokens for the identity provider: made, revoked, and checked on every call.

A token is 43 random URL-safe characters after `scim_`, so a SHA-256 of it is all that is kept
and all a lookup needs (no slow hash: nobody can guess 256 bits). It is shown once, to whoever
made it. Several may be valid at once: rotating means making a new one, giving it to the
identity provider, then revoking the old one, with no call refused in between.
"""

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from ..audit.services import record
from .models import ScimToken

PREFIX = "scim_"
# A token's last use is written at most this often, so a sync of 100,000 people does not
# rewrite its row on every call.
LAST_USED_EVERY = timedelta(minutes=1)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def scim_token_create(*, name: str, by=None) -> tuple[ScimToken, str]:
    """A new token named `name`; returns the row and the token, which is never seen again."""
    token = PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        row = ScimToken.objects.create(
            name=name.strip()[:100], token_hash=token_hash(token), hint=token[:9], created_by=by
        )
        record(actor=by, action="scim.token_created", target=row)
    return row, token


def scim_token_revoke(*, token: ScimToken, by=None) -> bool:
    """Revoke `token` from now on; False if it already was."""
    with transaction.atomic():
        done = ScimToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_by=by
        )
        if done:
            record(actor=by, action="scim.token_revoked", target=token)
    return bool(done)


def scim_token_for(header: str) -> ScimToken | None:
    """The valid token an `Authorization: Bearer ...` header carries, or None. Notes its use."""
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token.startswith(PREFIX) or len(token) > 100:
        return None
    row = ScimToken.objects.filter(token_hash=token_hash(token), revoked_at__isnull=True).first()
    if row is not None:
        now = timezone.now()
        if row.last_used_at is None or row.last_used_at < now - LAST_USED_EVERY:
            ScimToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row
