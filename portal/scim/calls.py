"""The last calls to `/scim/v2/`, kept for the admin's Provisioning screen.

A call is written after its answer is decided, outside the change's transaction, so a refused
change is recorded too. Quoted values are cut from the error's sentence (addresses, names), so
the record says what went wrong without whom; calls older than `SCIM_CALLS_KEEP_DAYS` are
pruned daily. Calls without a valid token are not written at all: nobody unknown fills a table.
"""

import re
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from .models import ScimCall

_QUOTED = re.compile(r'"[^"]*"|“[^”]*”')


def redacted(detail: str) -> str:
    return _QUOTED.sub('"…"', detail or "")[:300]


def scim_call_record(*, token, method: str, path: str, status: int, scim_type="", detail=""):
    # bulk_create: one INSERT and no model signals (Wagtail's reference index has nothing to
    # learn from a log row, and every call of a 100,000-person sync pays for each signal).
    ScimCall.objects.bulk_create(
        [
            ScimCall(
                token=token,
                method=method[:10],
                path=path[:200],
                status=status,
                scim_type=scim_type or "",
                detail=redacted(detail) if status >= 400 else "",
            )
        ]
    )


def scim_calls_prune() -> int:
    """Forget calls older than `SCIM_CALLS_KEEP_DAYS`; returns how many."""
    cutoff = timezone.now() - timedelta(days=settings.SCIM_CALLS_KEEP_DAYS)
    deleted, _ = ScimCall.objects.filter(at__lt=cutoff).delete()
    return deleted
