"""The registry of engagement event kinds. Each app registers the kinds it records.

`portal` knows no app; the apps tell it, in `AppConfig.ready()`, what their events are called,
how a requirement on them reads in plain words, and where a person goes to do the thing.
"""

from collections.abc import Callable
from dataclasses import dataclass

from ..navigation import Target, target_url


@dataclass(frozen=True)
class EventKind:
    code: str
    label: str  # "Read FAQ entries"
    singular: str  # "Read {n} FAQ entry"
    plural: str  # "Read {n} FAQ entries"
    where: Target = ""  # where a person does it (see `navigation.Target`); "" until a page exists
    # The exact place for one person (the lesson they stopped at), "" when there is none; a
    # few queries at most. Without it, `where` serves everyone.
    where_for: Callable[[object], str] | None = None

    def describe(self, count: int) -> str:
        return (self.singular if count == 1 else self.plural).format(n=count)

    @property
    def url(self) -> str:
        return target_url(self.where)

    def url_for(self, staff) -> str:
        """Where `staff` goes to do it: their exact place if the app knows one, else `url`."""
        return (self.where_for(staff) if self.where_for else "") or self.url


registry: dict[str, EventKind] = {}


def register(kind: EventKind) -> None:
    registry[kind.code] = kind


def kind_choices() -> list[tuple[str, str]]:
    """Choices for a requirement's event kind: whatever the installed apps registered."""
    return sorted(((code, kind.label) for code, kind in registry.items()), key=lambda c: c[1])
