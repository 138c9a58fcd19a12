"""What a notification says, once, before any channel renders it.

A service that owes a person a message builds one `Content` (in the reader's time zone, with
absolute links) and `notifications.services.notify` renders it for each channel the person
chose: the email body, a Slack Block Kit message (`channels.slack.render`), a Teams Adaptive
Card (`channels.teams.render`) and the in-portal inbox row. The renderers read nothing else,
so every channel says the same thing.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Action:
    """A button. `url` is where it leads (a signed, tracked link on this site); `action_id`
    names an in-place action the chat channels can run through their signed callback
    ("book", "lesson_done", "not_now"), with `value` its signed argument."""

    label: str
    url: str
    action_id: str = ""
    value: str = ""
    primary: bool = False


@dataclass(frozen=True)
class Content:
    kind: str  # a registered kind, e.g. "officehours.confirmed" (notifications.kinds)
    title: str  # one line: the email's subject, the card's heading
    text: str  # plain text; paragraphs separated by a blank line
    url: str = ""  # the one place the message is about (absolute, tracked)
    facts: tuple[tuple[str, str], ...] = ()  # ("When", "Thu 4 Mar, 10:00-10:45 (Tokyo)")
    actions: tuple[Action, ...] = field(default=())
