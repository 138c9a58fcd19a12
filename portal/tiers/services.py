"""Writes for tiers: the one way an event gets in, and keeping attainments in step with events.

`engagement_record` is idempotent by key; after its transaction commits, the person's
attainments are brought up to date in a fixed number of queries. `tier_attainments_recompute`
rebuilds everyone's set-wise (nightly, after a requirement changes, or on demand).
"""

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from ..outbox.dispatch import dispatch
from ..people.models import Staff
from . import engine, events, locks
from .models import EngagementEvent, Requirement, Tier, TierAttainment

logger = logging.getLogger(__name__)
BATCH = 5000


@dataclass(frozen=True)
class SyncResult:
    created: int
    deleted: int


def engagement_record(
    *,
    staff: Staff,
    kind: str,
    source: str,
    occurred_at: datetime | None = None,
    subject: str = "",
    metadata: dict | None = None,
    idempotency_key: str | None = None,
) -> tuple[EngagementEvent, bool]:
    """Record that `staff` did `kind`. Returns (event, created); a known key records nothing."""
    if kind not in events.registry:
        raise ValueError(f"Unknown event kind {kind!r}: apps register their kinds in ready().")
    occurred_at = occurred_at or timezone.now()
    if timezone.is_naive(occurred_at):
        raise ValueError("occurred_at must be timezone-aware.")
    key = idempotency_key or f"{source}:{uuid.uuid4()}"
    for name, value in (("subject", subject), ("source", source), ("idempotency_key", key)):
        limit = EngagementEvent._meta.get_field(name).max_length
        if len(value) > limit:
            raise ValueError(f"{name} is {len(value)} characters long; at most {limit} fit.")
    try:
        with transaction.atomic():
            event = EngagementEvent.objects.create(
                staff=staff,
                kind=kind,
                subject=subject,
                occurred_at=occurred_at,
                source=source,
                metadata=metadata or {},
                idempotency_key=key,
            )
    except IntegrityError:
        existing = EngagementEvent.objects.filter(idempotency_key=key).first()
        if existing is None:
            raise
        return existing, False
    # After the commit, in this process (a person sees their new tier on the next page). If it
    # fails the event is still recorded, the page still answers, and the nightly recompute
    # catches the person up: a committed write never answers 500.
    transaction.on_commit(lambda: tier_attainments_update(staff_id=staff.pk), robust=True)
    return event, True


def tier_attainments_update(*, staff_id: int) -> SyncResult:
    """Bring one person's attainments up to date: one query per requirement, plus a few."""
    orders, rules = _rules()
    with transaction.atomic():
        # Never beside a recompute's write; then one update per person at a time (the row
        # lock). In this order: see `locks`.
        locks.attainments_lock(exclusive=False)
        list(Staff.objects.select_for_update().filter(pk=staff_id).values_list("pk"))
        computed = engine.tier_intervals(
            orders, rules, lambda rule: engine.rule_intervals(rule, staff_id=staff_id)
        )
        return _attainments_sync(computed, orders, staff_id=staff_id)


def tiers_changed() -> None:
    """Tiers or what they ask for changed (in the admin, or a new policy version): everyone's
    attainments are recomputed once the change has committed. Every way in calls this, so the
    rule holds however the change was made."""
    from portal.tasks import tiers_recompute  # the task module imports this one

    dispatch(tiers_recompute)


def tier_attainments_recompute() -> SyncResult:
    """Rebuild every attainment from the event log, set-wise, and write only the differences."""
    last_seen = locks.events_settled_through()
    orders, rules = _rules()
    computed = engine.tier_intervals(orders, rules, engine.rule_intervals)
    with transaction.atomic():
        # Alone: no other recompute and no per-person update writes meanwhile (`locks`).
        locks.attainments_lock(exclusive=True)
        result = _attainments_sync(computed, orders, staff_id=None)
    # Events recorded while we computed may be missing from the snapshot, and our write may have
    # overtaken their own update: catch those people up. Every event up to `last_seen` had
    # committed before we computed, so these are exactly the people we may have missed.
    late = (
        EngagementEvent.objects.filter(pk__gt=last_seen)
        .values_list("staff_id", flat=True)
        .distinct()
    )
    for staff_id in late:
        tier_attainments_update(staff_id=staff_id)
    logger.info("Tier recompute: %s periods created, %s removed", result.created, result.deleted)
    return result


def _rules() -> tuple[dict[int, int], list[engine.Rule]]:
    """Tier ids by order, and every requirement as an engine rule (two queries)."""
    orders = dict(Tier.objects.values_list("order", "pk"))
    rules = [
        engine.Rule(
            tier_order=r.tier.order,
            group=("either", r.either_group) if r.either_group is not None else ("own", r.pk),
            kind=r.event_kind,
            subject=r.subject,
            min_count=r.min_count,
            window_days=r.window_days,
            distinct=r.distinct_subjects,
            ended_by=r.ended_by,
        )
        for r in Requirement.objects.select_related("tier")
    ]
    return orders, rules


def _attainments_sync(
    computed: dict[int, pd.DataFrame], orders: dict[int, int], *, staff_id: int | None
) -> SyncResult:
    """Make the stored periods equal `computed` (for everyone, or one person).

    `orders` maps tier order to tier id.
    """
    wanted = pd.concat(
        [frame.assign(tier_id=orders[order]) for order, frame in computed.items()]
        or [pd.DataFrame(columns=[*engine.COLUMNS, "tier_id"])],
        ignore_index=True,
    ).astype("int64")
    stored = _stored_attainments(staff_id=staff_id)
    keys = ["staff_id", "tier_id", "start", "end"]
    merged = stored.merge(wanted, on=keys, how="outer", indicator=True)
    stale = merged.loc[merged["_merge"] == "left_only", "id"].astype("int64").tolist()
    fresh = merged.loc[merged["_merge"] == "right_only", keys]
    for i in range(0, len(stale), BATCH):
        TierAttainment.objects.filter(pk__in=stale[i : i + BATCH]).delete()
    TierAttainment.objects.bulk_create(
        (
            TierAttainment(
                staff_id=int(row.staff_id),
                tier_id=int(row.tier_id),
                reached_at=engine.from_us(row.start),
                lapsed_at=engine.from_us(row.end),
            )
            for row in fresh.itertuples(index=False)
        ),
        batch_size=BATCH,
    )
    return SyncResult(created=len(fresh), deleted=len(stale))


def _stored_attainments(*, staff_id: int | None) -> pd.DataFrame:
    reached = engine.epoch_us_sql("reached_at")
    lapsed = engine.epoch_us_sql("lapsed_at")
    sql = (
        f"SELECT id, staff_id, tier_id, {reached}, COALESCE({lapsed}, {engine.FOREVER})"  # noqa: S608
        " FROM portal_tierattainment"
    )
    params = []
    if staff_id is not None:
        sql += " WHERE staff_id = %s"
        params.append(staff_id)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    columns = ["id", "staff_id", "tier_id", "start", "end"]
    if not rows:
        return pd.DataFrame({c: pd.Series(dtype="int64") for c in columns})
    return pd.DataFrame(rows, columns=columns).astype("int64")
