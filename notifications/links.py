"""Signed addresses in notifications: a tracked link to where a message leads, one-click
unsubscribe from a kind, and an action a chat button runs. The signature is the key (a mail
client or Slack sends no session), so each token names exactly one person and one thing.
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse

GO_SALT = "notifications.go"
UNSUBSCRIBE_SALT = "notifications.unsubscribe"
ACTION_SALT = "notifications.action"
ACTION_MAX_AGE = 60 * 60 * 24 * 30  # a button in a month-old message still works


def absolute(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def tracked_url(*, notification_id: int, channel: str, path: str) -> str:
    """The address a message's link goes to: counts the click, then goes to `path`."""
    return absolute(tracked_path(notification_id=notification_id, channel=channel, path=path))


def tracked_path(*, notification_id: int, channel: str, path: str) -> str:
    token = signing.dumps([notification_id, channel, path], salt=GO_SALT, compress=True)
    return reverse("notifications_go", args=[token])


def tracked_target(token: str) -> tuple[int, str, str] | None:
    """(notification id, channel, path) of a tracked link; None if it was not ours."""
    try:
        notification_id, channel, path = signing.loads(token, salt=GO_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(path, str) or not path.startswith("/") or path.startswith("//"):
        return None
    return int(notification_id), str(channel), path


def unsubscribe_url(*, user_id: int, kind: str) -> str:
    token = signing.dumps([user_id, kind], salt=UNSUBSCRIBE_SALT)
    return absolute(reverse("notifications_unsubscribe", args=[token]))


def unsubscribe_target(token: str) -> tuple[int, str] | None:
    try:
        user_id, kind = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return int(user_id), str(kind)


def action_value(*, user_id: int, action_id: str, argument: str, notification_key: str) -> str:
    """The signed value of a chat button: who may press it, what it does, on what."""
    return signing.dumps([user_id, action_id, argument, notification_key], salt=ACTION_SALT)


def action_target(value: str) -> tuple[int, str, str, str] | None:
    try:
        user_id, action_id, argument, key = signing.loads(
            value, salt=ACTION_SALT, max_age=ACTION_MAX_AGE
        )
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return int(user_id), str(action_id), str(argument), str(key)
