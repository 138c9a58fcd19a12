"""What a chat button does in place (Slack's interactive buttons): apps register an action
("book": take a seat in a session, "lesson_done": mark a lesson read) in `AppConfig.ready()`;
"not_now" is ours. A handler gets the person and the button's argument, does the change
through the app's own service, and answers a sentence that replaces the buttons.
"""

from collections.abc import Callable
from dataclasses import dataclass


class ActionError(Exception):
    """The action could not be done; the message says why, in words."""


@dataclass(frozen=True)
class ActionSpec:
    action_id: str
    run: Callable  # run(user, argument: str) -> str (what happened, one sentence)


registry: dict[str, ActionSpec] = {}


def register(spec: ActionSpec) -> None:
    registry.setdefault(spec.action_id, spec)


def action_run(*, user, action_id: str, argument: str) -> str:
    spec = registry.get(action_id)
    if spec is None:
        raise ActionError("This button no longer does anything.")
    return spec.run(user, argument)
