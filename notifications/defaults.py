"""The community managers' defaults: which channels each kind of notification takes for the
people who have not chosen their own (`KindDefault`), read and saved for the admin screen
*Notification defaults* (`admin_defaults`).

A kind nobody has set follows the portal's own default (`services.default_channels`): Slack
where this portal is connected to it, else email; so connecting Slack later moves every kind
nobody set. Saving a kind back to that default removes its row, for the same reason. A channel
this portal is not connected to now is kept in a saved default (it takes effect again once
connected), since the screen cannot show a box for it. The inbox is not a choice: every
notification is in it.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from portal.audit import actions as audit_actions
from portal.audit.services import record

from . import kinds
from .channels import configured
from .links import absolute
from .models import KindDefault

CHANGED = "notification_defaults.changed"
audit_actions.register(CHANGED, "Changed the default channels of notifications")


@dataclass(frozen=True)
class Row:
    kind: kinds.Kind
    channels: list[str]  # the delivered channels it takes by default now
    set_here: bool  # a community manager set it (else the portal's own default)


def portal_default() -> list[str]:
    """The channels of a kind nobody set: as `services.default_channels` without a row."""
    return [kinds.SLACK if configured(kinds.SLACK) else kinds.EMAIL, kinds.INBOX]


def channels_connected() -> list[tuple[str, str]]:
    """The channels that reach one person on this portal: email, and Slack or Teams when set
    up. (A Teams channel's webhook posts to a channel, not to a person: not offered here.)"""
    return [
        (key, label)
        for key, label in kinds.CHANNELS.items()
        if key in kinds.DELIVERED and configured(key)
    ]


def kind_defaults() -> list[Row]:
    """Every kind but the nudges (their channels are set on each nudge), in one query."""
    stored = dict(KindDefault.objects.values_list("kind", "channels"))
    fallback = portal_default()
    rows = []
    for kind in kinds.all_kinds():
        if kind.nudge:
            continue
        channels = stored.get(kind.key)
        rows.append(
            Row(
                kind=kind,
                channels=list(channels if channels is not None else fallback),
                set_here=channels is not None,
            )
        )
    return rows


def kind_defaults_save(*, channels_by_kind: dict[str, list[str]], by) -> int:
    """Keep the ticked channels of each kind given (unknown kinds and channels are ignored);
    a kind ticked as the portal's own default goes back to following it. How many changed."""
    connected = {key for key, _ in channels_connected()}
    fallback = portal_default()
    changed = {}
    with transaction.atomic():
        stored = {
            row.kind: row
            for row in KindDefault.objects.select_for_update().filter(
                kind__in=list(channels_by_kind)
            )
        }
        for key, ticked in channels_by_kind.items():
            kind = kinds.registry.get(key)
            if kind is None or kind.nudge:
                continue
            row = stored.get(key)
            before = list(row.channels) if row is not None else fallback
            kept = [c for c in before if c in kinds.DELIVERED and c not in connected]
            wanted = [c for c in kinds.DELIVERED if c in ticked and c in connected]
            after = [c for c in kinds.DELIVERED if c in wanted or c in kept] + [kinds.INBOX]
            if _same(after, fallback):
                if row is not None:
                    row.delete()
                    changed[key] = after
            elif row is None:
                KindDefault.objects.create(kind=key, channels=after)
                changed[key] = after
            elif not _same(after, row.channels):
                row.channels = after
                row.save(update_fields=["channels"])
                changed[key] = after
        if changed:
            record(actor=by, action=CHANGED, target="Notification defaults", detail=changed)
    return len(changed)


def _same(one: list[str], other: list[str]) -> bool:
    return set(one) == set(other)


@dataclass(frozen=True)
class Connection:
    name: str
    connected: bool
    detail: str  # what it does when connected, or what to set when not


def connections() -> list[Connection]:
    """Which channels this portal is connected to, read from its settings (never showing a
    secret), and what is missing where one is not."""
    slack_actions = absolute(reverse("notifications_slack_actions"))
    teams_messages = absolute(reverse("notifications_teams_messages"))
    bot = all(
        (settings.TEAMS_BOT_APP_ID, settings.TEAMS_BOT_APP_PASSWORD, settings.TEAMS_BOT_TENANT_ID)
    )
    return [
        Connection("Email", True, "Always on: messages go through the portal's mail server."),
        Connection(
            "Slack",
            configured(kinds.SLACK),
            "Direct messages to each person, found by their email address."
            if configured(kinds.SLACK)
            else "Not connected: set SLACK_BOT_TOKEN (the Slack app's bot token, xoxb-...).",
        ),
        Connection(
            "Slack buttons",
            bool(settings.SLACK_SIGNING_SECRET.strip()),
            f"Buttons answer in place. The Slack app's interactivity request URL must be "
            f"{slack_actions}"
            if settings.SLACK_SIGNING_SECRET.strip()
            else f"Off: set SLACK_SIGNING_SECRET and register {slack_actions} as the Slack "
            f"app's interactivity request URL.",
        ),
        Connection(
            "Microsoft Teams, to each person",
            bot,
            "Messages from the portal's bot in each person's chat. Its buttons act in place "
            f"once the Azure Bot's messaging endpoint is {teams_messages}"
            if bot
            else "Not connected: set TEAMS_BOT_APP_ID, TEAMS_BOT_APP_PASSWORD and "
            "TEAMS_BOT_TENANT_ID (the Azure bot's app registration).",
        ),
        Connection(
            "Microsoft Teams, to a channel",
            bool(settings.TEAMS_WEBHOOK_URL),
            "Posts to one channel through a Workflows webhook: the nudges you also post in the "
            "community channel (a wave's start, a new FAQ entry)."
            if settings.TEAMS_WEBHOOK_URL
            else "Not connected: set TEAMS_WEBHOOK_URL (a Teams Workflows webhook).",
        ),
        Connection(
            "Slack, to a channel",
            configured(kinds.SLACK) and bool(settings.SLACK_CHANNEL.strip()),
            f"Posts to the channel {settings.SLACK_CHANNEL.strip()}: the nudges you also post in "
            "the community channel (invite the portal's app to it)."
            if configured(kinds.SLACK) and settings.SLACK_CHANNEL.strip()
            else "Not connected: set SLACK_CHANNEL (a channel id, C...) with SLACK_BOT_TOKEN.",
        ),
    ]
