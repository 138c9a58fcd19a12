"""The channels a notification can go by: email, Slack, Microsoft Teams (and the in-portal inbox,
which is a row, not a delivery). Each module renders a `content.Content` to what its channel
takes and sends a rendered payload; a sender raises `errors.Temporary` (retried with backoff) or
`errors.Permanent` (failed for a community manager to see)."""

from importlib import import_module


def sender_of(channel: str):
    """The `send(*, to, payload)` of a chat channel ("slack", "teams"). A Slack message to an
    https address is the in-place answer to a button, sent to the `response_url` Slack gave."""
    module = import_module(f"notifications.channels.{channel}")
    if channel == "slack":
        return _slack_send
    return module.send


def _slack_send(*, to: str, payload: dict):
    from . import slack

    if to.startswith(("https://", "http://")):
        return slack.respond(response_url=to, payload=payload)
    return slack.send(to=to, payload=payload)


def renderer_of(channel: str):
    """The `render(content) -> payload` of a chat channel."""
    return import_module(f"notifications.channels.{channel}").render


def configured(channel: str) -> bool:
    """Whether this portal can send to one person by `channel` (email always can)."""
    if channel in ("email", "inbox"):
        return True
    module = import_module(f"notifications.channels.{channel}")
    return module.is_configured(to_person=True) if channel == "teams" else module.is_configured()
