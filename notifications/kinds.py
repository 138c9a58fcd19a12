"""The kinds of notification the portal sends, registered by the apps that send them.

A kind says what a person can choose about it: whether they may turn it off (a booking's
cancellation, say, they may not), whether it is urgent (it goes at once: not held for quiet hours
or the daily digest, because it is worth nothing later), and which channels it takes when nobody
has chosen (community managers may change that default in the admin; a person may change it for
themselves). Account mails (sign-in links, password resets) are not notifications: they go by
email only, at once, to an address that may not have an account yet.
"""

from dataclasses import dataclass

EMAIL, SLACK, TEAMS, INBOX = "email", "slack", "teams", "inbox"
CHANNELS = {EMAIL: "Email", SLACK: "Slack", TEAMS: "Microsoft Teams", INBOX: "In the portal"}
DELIVERED = (EMAIL, SLACK, TEAMS)  # the channels that send something (the inbox is a row)
CHAT = (SLACK, TEAMS)  # their buttons can act in place (notifications.actions)


@dataclass(frozen=True)
class Kind:
    key: str  # e.g. "officehours.confirmed"
    label: str  # what a person reads on their settings page: "Booking confirmations"
    group: str  # the heading it is listed under: "Office hours"
    optional: bool = True  # False: a person cannot turn it off (it changes their plans)
    urgent: bool = False  # True: not held for quiet hours or the daily digest
    nudge: bool = False  # a nudge (notifications.nudges): switched on by community managers


registry: dict[str, Kind] = {}


def register(kind: Kind) -> None:
    """Idempotent: `ready()` may run more than once in tests."""
    registry.setdefault(kind.key, kind)


def kind_of(key: str) -> Kind:
    """The kind registered as `key`; an unknown key is a programming error, raised at once."""
    try:
        return registry[key]
    except KeyError:
        raise LookupError(f"Notification kind {key!r} is not registered") from None


def all_kinds() -> list[Kind]:
    return sorted(registry.values(), key=lambda kind: (kind.group, kind.label))
