"""Old engagement events keep only what the tiers are computed from.

With `EVENT_RETENTION_MONTHS` set, events older than that many months lose their details (the
`metadata`: a community post's address, a quiz score, a module's title at the time): what is
left is who, what kind, about what (an entry's or a video's id) and when, which the tier
engine reads to rebuild every attainment, including the history the trend charts draw.

Why not detach old events from the person altogether, as an erasure does: attainments are
rebuilt from the event log every night, so a person whose old events were moved to a
pseudonymous row would lose every tier that needs them (the rules acknowledged once, five FAQ
entries read ever) and the reports' history would change with them. The person's directory
entry still links their events; erasing the person is what breaks that link.
"""

from calendar import monthrange
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from ..tiers.models import EngagementEvent

BATCH = 5000


def retention_cutoff(*, months: int, now: datetime) -> datetime:
    """`now`, `months` calendar months earlier (the 31st becomes the month's last day)."""
    month = now.month - 1 - months
    year, month = now.year + month // 12, month % 12 + 1
    return now.replace(year=year, month=month, day=min(now.day, monthrange(year, month)[1]))


def events_pseudonymise_old(*, now: datetime | None = None, months: int | None = None) -> int:
    """Strip the details of every event older than the retention period; how many were
    stripped. Nothing without a period (`EVENT_RETENTION_MONTHS` unset or 0). In batches, each
    its own short transaction, so a large first run holds no lock for long and a second run
    finds only what is left."""
    months = settings.EVENT_RETENTION_MONTHS if months is None else months
    if not months:
        return 0
    cutoff = retention_cutoff(months=months, now=now or timezone.now())
    old = EngagementEvent.objects.filter(occurred_at__lt=cutoff).exclude(metadata={})
    stripped = 0
    while True:
        ids = list(old.order_by("pk").values_list("pk", flat=True)[:BATCH])
        if not ids:
            return stripped
        stripped += EngagementEvent.objects.filter(pk__in=ids).update(metadata={})
