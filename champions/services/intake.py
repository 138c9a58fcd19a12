"""Community activity in: each piece becomes one engagement event for the person who did it.

Why it is built this way: Discourse delivers at least once (and a retry carries a new delivery
id), CSV files get imported twice, and two web workers can receive the same delivery at the
same moment. So there are two unique keys and no check-then-insert: the delivery id
(`WebhookDelivery.event_id`), claimed first in the same transaction as everything the delivery
causes, and the activity's own id, which is the event's idempotency key
(`community:<source_id>`) and the review item's `source_id`. Either way the database says
"seen it", and the second arrival records nothing.

Activity is matched to staff by email (active staff, ignoring case), else by the community
username a community manager has confirmed (`CommunityAccount`). Activity nobody matches waits
in the review list (`UnmatchedActivity`) for a person to assign or dismiss; assigning can
remember the username, so that person's next activity is matched without help.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone

from portal.people.models import Staff
from portal.tiers.services import engagement_record

from .. import intake
from ..intake import Activity
from ..models import CommunityAccount, UnmatchedActivity, WebhookDelivery

RECORDED = "recorded"
UNMATCHED = "unmatched"
DUPLICATE = "duplicate"
IGNORED = "ignored"
BATCH = 500
KINDS = {
    "post": "community_contributed",
    "reply": "community_contributed",
    "solution": "community_contributed",
    "like": "community_liked",
}


class IntakeError(Exception):
    """A review decision that cannot be carried out, in words."""


@dataclass
class StaffIndex:
    """Who is who for a set of activities: active staff by lower-cased email and by username.

    Built with a constant number of queries per batch of addresses and usernames, so an
    import of thousands of rows does not look people up one row at a time.
    """

    by_email: dict[str, Staff] = field(default_factory=dict)
    by_username: dict[str, Staff] = field(default_factory=dict)

    @classmethod
    def for_activities(cls, activities: Iterable[Activity]) -> "StaffIndex":
        emails, usernames = set(), set()
        for activity in activities:
            if activity.email:
                emails.add(activity.email.lower())
            if activity.username:
                usernames.add(activity.username.lower())
        index = cls()
        for chunk in _chunks(sorted(emails)):
            people = Staff.objects.annotate(email_key=Lower("email")).filter(
                email_key__in=chunk, active=True
            )
            index.by_email.update((person.email_key, person) for person in people)
        for chunk in _chunks(sorted(usernames)):
            accounts = CommunityAccount.objects.select_related("staff").filter(
                username__in=chunk, staff__active=True
            )
            index.by_username.update((account.username, account.staff) for account in accounts)
        return index

    def find(self, activity: Activity) -> Staff | None:
        return self.by_email.get(activity.email.lower()) or self.by_username.get(
            activity.username.lower()
        )


def activity_record(
    *, activity: Activity, source: str, staff_index: StaffIndex | None = None
) -> str:
    """Record `activity` for the staff member it belongs to, or put it in the review list.

    Returns RECORDED, UNMATCHED, or DUPLICATE when this activity was recorded or is waiting
    already. `staff_index` lets an import match many activities at once; without it the
    person is looked up here. Call it inside the caller's transaction.
    """
    staff = (staff_index or StaffIndex.for_activities([activity])).find(activity)
    if staff is None:
        _, created = UnmatchedActivity.objects.get_or_create(
            source_id=activity.source_id,
            defaults={
                "action": activity.action,
                "occurred_at": activity.occurred_at,
                "email": activity.email[:254],
                "username": activity.username[:60],
                "url": activity.url,
            },
        )
        return UNMATCHED if created else DUPLICATE
    created = _event_record(activity=activity, staff=staff, source=source)
    # Arrived again after someone was taught who this is: the waiting copy is dealt with.
    UnmatchedActivity.objects.filter(source_id=activity.source_id, resolved_at__isnull=True).update(
        resolved_at=timezone.now(), staff=staff
    )
    return RECORDED if created else DUPLICATE


def webhook_receive(
    *, event_id: str, event_type: str, event_name: str, body: dict, instance: str = ""
) -> str:
    """Take one signed Discourse delivery; returns what came of it (or DUPLICATE, or IGNORED).

    The body is read before anything is written, so a delivery we cannot read leaves no trace
    (`intake.PayloadError`) and can be sent again once fixed. The delivery id is claimed first,
    in the transaction that records the activity: a second delivery with that id, at the same
    moment or a week later, finds it taken and does nothing else.
    """
    activity = intake.discourse_activity(
        event_type=event_type,
        event_name=event_name,
        body=body,
        received_at=timezone.now(),
        instance=instance,
    )
    with transaction.atomic():
        try:
            with transaction.atomic():
                delivery = WebhookDelivery.objects.create(
                    event_id=event_id, event_type=event_type[:64], outcome=""
                )
        except IntegrityError:
            return DUPLICATE
        outcome = (
            IGNORED if activity is None else activity_record(activity=activity, source="webhook")
        )
        WebhookDelivery.objects.filter(pk=delivery.pk).update(outcome=outcome)
    return outcome


def unmatched_resolve(*, item: UnmatchedActivity, staff: Staff, remember_username: bool) -> int:
    """Record a waiting activity for `staff`, as a community manager decided.

    With `remember_username`, the item's username becomes theirs (replacing any username they
    had), and every other waiting activity under it is recorded for them too. Returns how many
    items were resolved.
    """
    now = timezone.now()
    with transaction.atomic():
        item = UnmatchedActivity.objects.select_for_update().filter(pk=item.pk).first()
        if item is None or item.resolved_at is not None:
            raise IntakeError("Someone has dealt with this activity already.")
        items = [item]
        if remember_username:
            username = item.username.lower()
            if not username:
                raise IntakeError("This activity has no username to remember.")
            _account_assign(staff=staff, username=username)
            items += (
                UnmatchedActivity.objects.select_for_update()
                .filter(username__iexact=username, resolved_at__isnull=True)
                .exclude(pk=item.pk)
            )
        for waiting in items:
            _event_record(
                activity=_activity_of(waiting),
                staff=staff,
                source=_source_of(waiting),
                by_hand=True,
            )
        UnmatchedActivity.objects.filter(pk__in=[waiting.pk for waiting in items]).update(
            resolved_at=now, staff=staff
        )
    return len(items)


def unmatched_dismiss(*, item: UnmatchedActivity) -> bool:
    """Take an activity off the review list without recording it. False if it was off already."""
    return bool(
        UnmatchedActivity.objects.filter(pk=item.pk, resolved_at__isnull=True).update(
            resolved_at=timezone.now(), staff=None
        )
    )


def _event_record(*, activity: Activity, staff: Staff, source: str, by_hand: bool = False) -> bool:
    metadata = {"url": activity.url}
    if by_hand:
        metadata["matched_by_hand"] = True
    _, created = engagement_record(
        staff=staff,
        kind=KINDS[activity.action],
        subject=activity.action,
        source=source,
        occurred_at=activity.occurred_at,
        metadata=metadata,
        idempotency_key=f"community:{activity.source_id}",
    )
    return created


def _account_assign(*, staff: Staff, username: str) -> None:
    owner = CommunityAccount.objects.select_related("staff").filter(username=username).first()
    if owner is not None and owner.staff_id != staff.pk:
        raise IntakeError(
            f"The username {username} already belongs to {owner.staff.display_name}. "
            "Assign without remembering it, or change their account first."
        )
    try:
        with transaction.atomic():
            CommunityAccount.objects.update_or_create(staff=staff, defaults={"username": username})
    except IntegrityError:  # someone else took the username a moment ago
        raise IntakeError(
            f"The username {username} was just given to someone else. Reload and look again."
        ) from None


def _activity_of(item: UnmatchedActivity) -> Activity:
    return Activity(
        source_id=item.source_id,
        action=item.action,
        occurred_at=item.occurred_at,
        email=item.email,
        username=item.username,
        url=item.url,
    )


def _source_of(item: UnmatchedActivity) -> str:
    """Where the evidence came from, as the event log names sources."""
    return "import" if item.source_id.startswith("csv:") else "webhook"


def _chunks(items: list, size: int = BATCH):
    for start in range(0, len(items), size):
        yield items[start : start + size]
