"""Sections the apps add to a person's *My path* page, such as "Your questions" from the FAQ.

`portal` imports none of the domain apps; each registers its panels in `AppConfig.ready()`.
A panel's `context(user)` makes one or two queries at most and returns None when it has
nothing to show, so the page keeps a fixed number of queries whatever a person has done.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Panel:
    name: str
    template: str  # rendered with the context below as `panel`
    context: Callable[[object], dict | None]
    order: int = 100


_panels: dict[str, Panel] = {}


def register(panel: Panel) -> None:
    _panels[panel.name] = panel


def panels_for(user) -> list[dict]:
    """The panels that have something to show this person, in order."""
    shown = []
    for panel in sorted(_panels.values(), key=lambda p: p.order):
        context = panel.context(user)
        if context is not None:
            shown.append({"template": panel.template, "context": context})
    return shown
