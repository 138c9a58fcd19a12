"""Notifying thousands of people at once (the nudges): what `services.notify` does for one
person, set-wise, in a constant number of queries however many people.

Per call: everyone's quiet hours and daily digest with their zone (one query, people with
settings of their own only), everyone's channels for the kind (one) and its default (one),
the highest notification id so far (one), the inbox rows (one statement), the rows that are
new with their addresses (one), their outbox messages (one statement), and the outbox
asked to deliver (one or two).
The rows go in by one `INSERT ... ON CONFLICT DO NOTHING` executed for all of them
(`executemany`): `bulk_create` would do the same on PostgreSQL, but Django 5.2 cuts it into
statements of 999 parameters on SQLite (66 messages each), so its count would grow with the
people. A key already taken (a retry, a second worker) is skipped by the database; the rows
read back are this call's own (its `now` and ids above the highest before), so a key owed by
another run never gets messages twice, and the messages' own keys are unique too.

Rendering is `notify()`'s: the same tracked links (`services._tracked`), chat renderers,
email templates, List-Unsubscribe headers, quiet hours and digest (`timing`). The tests
compare the two for the same person and content.
"""

import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from django.conf import settings
from django.db import connection
from django.db.models import Max, Q
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone

from portal.accounts.zones import zone_named
from portal.outbox.models import Message
from portal.outbox.services import deliver_soon

from . import kinds, links
from .channels import configured, renderer_of
from .content import Action, Content
from .models import Choice, Notification, Settings
from .services import _path_of, _tracked, default_channels
from .timing import next_digest, quiet_until

NOT_NOW = "not_now"


@dataclass(frozen=True)
class Item:
    """One person's notification: their account, its key (once per key), what it says, what
    it is about (a nudge's subject), and their work address in the directory where it differs
    from the account's (as `notify`'s `address`)."""

    user_id: int
    key: str
    content: Content
    subject: str = ""
    address: str = ""


@dataclass(frozen=True)
class _Timing:
    quiet_from: object
    quiet_until: object
    daily_digest: bool
    digest_time: object
    zone: zoneinfo.ZoneInfo


@dataclass(frozen=True)
class Sent:
    """A notification `notify_many` wrote: its row's id and key, whose it is, and when its
    digest is due (None: its messages were queued)."""

    pk: int
    key: str
    user_id: int
    digest_at: datetime | None


def notify_many(
    *,
    kind: str,
    items: Sequence[Item],
    now: datetime | None = None,
    nudge: str = "",
    channels: Sequence[str] | None = None,
    not_now: bool = False,
    expires_at: datetime | None = None,
) -> list[Sent]:
    """Owe each item's person its notification, once per key: the inbox row, and one outbox
    message per channel they take `kind` by (their choice, else `channels`, else the kind's
    default), not before their quiet hours end; held for their daily digest instead if they
    chose one. `not_now` adds Slack's "Not now" button. Returns the notifications that are new.
    Two calls at the very same `now` (to the microsecond) cannot tell each other's rows from
    their own: each returns both, and their messages still go once (their keys are unique)."""
    kind_ = kinds.kind_of(kind)
    now = now or timezone.now()
    by_key: dict[str, Item] = {}
    for item in items:
        by_key.setdefault(item.key, item)
    if not by_key:
        return []
    timing = _timings()
    chosen = dict(Choice.objects.filter(kind=kind_.key).values_list("user_id", "channels"))
    default = list(channels) if channels else default_channels(kind_)
    before = Notification.objects.aggregate(highest=Max("pk"))["highest"] or 0
    _insert_new(
        Notification,
        (
            {
                "user_id": item.user_id,
                "key": item.key,
                "kind": kind_.key,
                "title": item.content.title[:300],
                "text": item.content.text,
                "path": _path_of(item.content.url),
                "facts": [list(fact) for fact in item.content.facts],
                "created_at": now,
                "digest_at": _digest_at(timing.get(item.user_id), kind_, now),
                "nudge": nudge,
                "subject": item.subject,
            }
            for item in by_key.values()
        ),
    )
    emails: dict[int, str] = {}
    new = []
    for pk, key, user_id, digest_at, email in Notification.objects.filter(
        kind=kind_.key, created_at=now, pk__gt=before
    ).values_list("pk", "key", "user_id", "digest_at", "user__email"):
        if key in by_key:  # this call's, not a row another call wrote at the same moment
            new.append(Sent(pk, key, user_id, digest_at))
            emails[user_id] = email
    email = _Email(kind_)
    queued_at = timezone.now()
    messages = []
    for notification in new:
        item = by_key[notification.key]
        address = item.address or emails.get(notification.user_id, "")
        if notification.digest_at is not None or not address:
            continue
        own = timing.get(notification.user_id)
        not_before = (
            now
            if kind_.urgent or own is None
            else quiet_until(now, own.zone, own.quiet_from, own.quiet_until)
        )
        for channel in _channels(chosen.get(notification.user_id), default, kind_):
            tracked = _tracked(item.content, notification, channel)
            row = {
                "key": f"{notification.key}:{channel}",
                "kind": kind_.key,
                "channel": channel,
                "user_id": notification.user_id,
                "to": address,
                "next_attempt_at": not_before,
                "expires_at": expires_at,
                "created_at": queued_at,
            }
            if channel == kinds.EMAIL:
                row["subject"], row["body"], row["headers"] = email.parts(
                    user_id=notification.user_id, content=tracked
                )
            else:
                if not_now:
                    tracked = replace(tracked, actions=(*tracked.actions, _not_now(notification)))
                row["subject"] = tracked.title[:300]
                row["payload"] = renderer_of(channel)(tracked)
            messages.append(row)
    _insert_new(Message, messages)
    if messages:
        deliver_soon()
    return new


def _timings() -> dict[int, _Timing]:
    """Quiet hours and digest of everyone who set either, with their zone (one query)."""
    rows = Settings.objects.filter(
        Q(daily_digest=True) | Q(quiet_from__isnull=False, quiet_until__isnull=False)
    ).values_list(
        "user_id",
        "quiet_from",
        "quiet_until",
        "daily_digest",
        "digest_time",
        "user__preferences__time_zone",
    )
    fallback = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    zones: dict[str | None, zoneinfo.ZoneInfo] = {}
    timing = {}
    for user_id, start, end, digest, at, zone in rows:
        if zone not in zones:
            zones[zone] = zone_named(zone) or fallback  # as `time_zone_of` reads it
        timing[user_id] = _Timing(start, end, digest, at, zones[zone])
    return timing


def _digest_at(own: _Timing | None, kind: kinds.Kind, now: datetime) -> datetime | None:
    if own is None or not own.daily_digest or kind.urgent:
        return None
    return next_digest(now, own.zone, own.digest_time)


def _channels(chosen: list[str] | None, default: list[str], kind: kinds.Kind) -> list[str]:
    """`services.channels_for` with the person's choice and the default already read."""
    channels = chosen if chosen is not None else default
    sendable = [c for c in channels if c in kinds.DELIVERED and configured(c)]
    wanted = [c for c in channels if c in kinds.DELIVERED]
    if not sendable and (wanted or not kind.optional):
        sendable = [kinds.EMAIL]  # chose a channel this portal no longer has: email instead
    return sendable


class _Email:
    """The email `services.notify` sends of a content without an app's own wording: subject,
    body with the footer, and headers (its two templates loaded once per call)."""

    def __init__(self, kind: kinds.Kind):
        self.kind = kind
        self.body = get_template("notifications/email.txt")
        self.footer = get_template("notifications/email_footer.txt")
        self.settings_url = links.absolute(reverse("notifications_settings"))

    def parts(self, *, user_id: int, content: Content) -> tuple[str, str, dict]:
        headers = {}
        unsubscribe = ""
        if self.kind.optional:
            unsubscribe = links.unsubscribe_url(user_id=user_id, kind=self.kind.key)
            headers = {
                "List-Unsubscribe": f"<{unsubscribe}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",  # RFC 8058
            }
        body = self.body.render({"c": content})
        footer = self.footer.render(
            {"kind": self.kind, "unsubscribe": unsubscribe, "settings_url": self.settings_url}
        )
        subject = f"{settings.PORTAL_NAME}: {content.title}"
        return subject, f"{body.rstrip()}\n\n{footer}", headers


def _not_now(notification: Sent) -> Action:
    """A chat message's "Not now": marks the notification read (`services.not_now`)."""
    value = links.action_value(
        user_id=notification.user_id,
        action_id=NOT_NOW,
        argument=notification.key,
        notification_key=notification.key,
    )
    return Action("Not now", "", action_id=NOT_NOW, value=value)


def _insert_new(model, rows) -> None:
    """Insert `rows` (dicts of field attnames; a field left out takes its default), skipping
    any whose unique key is taken, as one statement executed for all of them. Each value is
    prepared as Django's own insert prepares it (`get_db_prep_save`)."""
    rows = list(rows)
    if not rows:
        return
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    defaults = {f.attname: f.get_db_prep_save(f.get_default(), connection) for f in fields}
    prepare = [(f.attname, f.get_db_prep_save) for f in fields]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608
        " ON CONFLICT DO NOTHING"
    )
    values = [
        [prep(row[name], connection) if name in row else defaults[name] for name, prep in prepare]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, values)
