"""The registry of engagement event kinds. Each app registers the kinds it records.

`portal` knows no app; the apps tell it, in `AppConfig.ready()`, what their events are called,
how a requirement on them reads in plain words, and where a person goes to do the thing.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.shortcuts import resolve_url


@dataclass(frozen=True)
class EventKind:
    code: str
    label: str  # "Read FAQ entries"
    singular: str  # "Read {n} FAQ entry"
    plural: str  # "Read {n} FAQ entries"
    # Where a person does it: a URL name, a path, or a function returning a path or "" (for
    # pages whose address editors choose). Empty until a page exists.
    where: str | Callable[[], str] = ""

    def describe(self, count: int) -> str:
        return (self.singular if count == 1 else self.plural).format(n=count)

    @property
    def url(self) -> str:
        where = self.where() if callable(self.where) else self.where
        return resolve_url(where) if where else ""


registry: dict[str, EventKind] = {}


def register(kind: EventKind) -> None:
    registry[kind.code] = kind


def kind_choices() -> list[tuple[str, str]]:
    """Choices for a requirement's event kind: whatever the installed apps registered."""
    return sorted(((code, kind.label) for code, kind in registry.items()), key=lambda c: c[1])
