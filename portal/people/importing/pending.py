"""An HR file between its preview and its confirmation, kept in the database.

Why here and not in a temporary file: behind a load balancer the confirmation may reach another
server than the preview did, and that server's disk has no such file. The upload is a row (its
bytes, the mode it was previewed in) that any server reads; the token the page carries is
random and only its hash is stored, and a token works only for the person who uploaded it. A
row waits `MAX_AGE` at most: an expired one is refused in words and deleted when it is read,
and the rest are swept daily (`pending_imports_sweep`, run by beat) and at every new upload.

Confirming claims the row under a lock in the same transaction that applies the import, so two
confirmations sent at once (a double click, two tabs, two servers) apply the file once.
"""

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from ..models import DirectoryImport, PendingImport
from . import staff_import
from .results import ImportResult

MAX_AGE = timedelta(hours=24)

MISSING = (
    "That upload is no longer waiting to be imported: it was imported already, replaced by a "
    "newer upload, or it was never yours. Upload the file again."
)
EXPIRED = (
    "That upload waited more than {hours} hours for its confirmation and has expired, so the "
    "directory may have changed since its preview. Upload the file again."
)


class PendingRefused(Exception):
    """Why a previewed upload cannot be confirmed, in words for the person who asked."""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def pending_import_save(*, user, data: bytes, mode: str) -> str:
    """Keep `data`, previewed in `mode`, for `user` to confirm; return the page's token.

    Replaces any upload of theirs still waiting, and forgets everyone's expired ones."""
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    pending_imports_sweep(now=now)
    PendingImport.objects.update_or_create(
        user=user,
        defaults={
            "token_hash": _hash(token),
            "mode": mode,
            "data": data,
            "created_at": now,
            "expires_at": now + MAX_AGE,
        },
    )
    return token


def pending_import_discard(*, user) -> None:
    """Withdraw `user`'s waiting upload, if any (a new upload, good or bad, replaces it)."""
    PendingImport.objects.filter(user=user).delete()


def pending_import_confirm(
    *, user, token: str, departures_confirmed: int | None = None
) -> tuple[ImportResult, str]:
    """Apply `user`'s upload under `token`, checked again against the directory as it is now.

    Returns the result and the mode. The upload is used up once applied, or once it no longer
    checks out; a refused confirmation (the count of leavers typed wrong) leaves it waiting.
    Raises `PendingRefused` when there is no such upload for this person, or it expired."""
    with transaction.atomic():
        pending = _waiting(user=user, token=token, lock=True)
        if isinstance(pending, PendingRefused):
            refusal = pending
        else:
            result = staff_import(
                data=bytes(pending.data),
                deactivate_missing=pending.mode == DirectoryImport.FULL,
                departures_confirmed=departures_confirmed,
                by=user,
            )
            if not result.refused:
                pending.delete()
            return result, pending.mode
    raise refusal  # after the transaction, so the expired row's deletion is kept


def pending_imports_sweep(*, now=None) -> int:
    """Forget the uploads nobody confirmed in time; returns how many."""
    deleted, _ = PendingImport.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted


def _waiting(*, user, token: str, lock: bool = False) -> PendingImport | PendingRefused:
    """`user`'s upload under `token`, or why there is none (an expired one is deleted here)."""
    if not token:
        return PendingRefused(MISSING)
    rows = PendingImport.objects.filter(user=user, token_hash=_hash(token))
    pending = (rows.select_for_update() if lock else rows).first()
    if pending is None:
        return PendingRefused(MISSING)
    if pending.expires_at <= timezone.now():
        pending.delete()
        return PendingRefused(EXPIRED.format(hours=int(MAX_AGE.total_seconds() // 3600)))
    return pending
