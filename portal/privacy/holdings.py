"""Every kind of record the portal keeps about a person, and what export and erasure do with it.

A `Holding` names a model, the fields that point at the person (their directory entry or their
account), how its rows appear in the person's download (or why they do not), and what erasure
does to them. Each app declares its own in a `personal_data` module, found the first time the
registry is read, so `portal` names none of the domain apps. A test walks every model and fails
when a foreign key to `Staff` or to accounts belongs to no holding: a new model, or a new link
on an old one, cannot be forgotten by the download or by erasure.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Q, QuerySet
from django.utils.module_loading import autodiscover_modules

from ..people.models import Staff

MODULE = "personal_data"  # the module of each app that registers its holdings


@dataclass(frozen=True)
class Person:
    """Whom a download or an erasure is about: their directory entry, their account, or both."""

    staff: Staff | None
    user: models.Model | None

    @classmethod
    def of_user(cls, user) -> Person:
        return cls(staff=Staff.objects.filter(user=user).first(), user=user)

    @classmethod
    def of_staff(cls, staff: Staff) -> Person:
        return cls(staff=staff, user=staff.user)


@dataclass(frozen=True)
class Export:
    """How a holding appears in the download: `<name>.json`, one object per row, with `fields`
    (the key in the file -> the ORM lookup it is read from)."""

    name: str
    about: str  # one line for the download's README
    fields: Mapping[str, str]
    order_by: tuple[str, ...] = ("pk",)


# What erasure does to a holding's rows. Each is applied to the person's rows of one model.


@dataclass(frozen=True)
class Delete:
    """The rows go (with whatever cascades from them, and files they name: see `erasure`)."""

    def apply(self, rows: QuerySet, person: Person) -> int:
        return rows.delete()[0]

    def __str__(self):
        return "deleted"


@dataclass(frozen=True)
class Blank:
    """The rows stay, so what they count keeps counting, with the free text in `values` replaced
    (words the person wrote, or wrote about them)."""

    values: Mapping[str, object]

    def apply(self, rows: QuerySet, person: Person) -> int:
        return rows.update(**self.values)

    def __str__(self):
        return "kept, with " + ", ".join(self.values) + " blanked"


@dataclass(frozen=True)
class Keep:
    """The rows stay as they are: they name the person only through the row that erasure
    pseudonymises (`why` says why that is enough)."""

    why: str

    def apply(self, rows: QuerySet, person: Person) -> int:
        return 0

    def __str__(self):
        return f"kept: {self.why}"


@dataclass(frozen=True)
class Custom:
    """Anything else, in words (`what`) and in code (`run`)."""

    what: str
    run: Callable[[QuerySet, Person], int]

    def apply(self, rows: QuerySet, person: Person) -> int:
        return self.run(rows, person)

    def __str__(self):
        return self.what


Erase = Delete | Blank | Keep | Custom


@dataclass(frozen=True)
class Holding:
    """What one model holds about a person.

    `links` are the fields that make a row the person's: foreign keys to `Staff` or to accounts
    (or "pk" for the directory entry and the account themselves). `others` names every other
    such foreign key and why it does not make the row theirs (a manager's line, whoever decided
    something). `also` finds rows that are theirs without a link (a message to their address);
    `erased_also` rows that erasure treats like theirs but the download leaves out (other
    people's words about them). `export` None needs `left_out`: why the download does not
    carry them. `identifies` names the fields whose values identify the person, by kind
    (name, email, id, username): what the check after an erasure looks for.
    """

    model: type[models.Model]
    links: tuple[str, ...]
    erase: Erase
    export: Export | None = None
    left_out: str = ""
    others: Mapping[str, str] = field(default_factory=dict)
    also: Callable[[Person], Q | None] | None = None
    erased_also: Callable[[Person], Q | None] | None = None
    identifies: Mapping[str, str] = field(default_factory=dict)
    order: int = 100  # erasure order: the directory entry and the account go last

    def __post_init__(self):
        if self.export is None and not self.left_out:
            raise ValueError(f"{self.model.__name__}: say why it is left out of the download.")

    @property
    def label(self) -> str:
        return self.model._meta.label

    def rows(self, person: Person) -> QuerySet:
        """This person's rows of the model (none when nothing links them)."""
        return self._filtered(self._linked(person) | _extra(self.also, person))

    def rows_to_erase(self, person: Person) -> QuerySet:
        """Their rows, and the rows about them that erasure treats alike."""
        return self._filtered(
            self._linked(person) | _extra(self.also, person) | _extra(self.erased_also, person)
        )

    def _linked(self, person: Person) -> Q:
        condition = Q()
        for name in self.links:
            value = _value_for(self.model, name, person)
            if value is not None:
                condition |= Q(**{name: value})
        return condition

    def _filtered(self, condition: Q) -> QuerySet:
        manager = self.model._default_manager
        return manager.filter(condition) if condition else manager.none()


def _extra(find: Callable[[Person], Q | None] | None, person: Person) -> Q:
    return (find(person) if find is not None else None) or Q()


def _value_for(model, name: str, person: Person):
    if name == "pk":
        row = person.staff if model is Staff else person.user
        return row.pk if row is not None else None
    target = model._meta.get_field(name).related_model
    return person.staff if target is Staff else person.user


_holdings: dict[str, Holding] = {}
_discovered = False


def register(*holdings: Holding) -> None:
    """Add holdings (idempotent by model: a module imported twice registers the same ones)."""
    for holding in holdings:
        _holdings[holding.label] = holding


def holdings() -> list[Holding]:
    """Every registered holding, in erasure order (each app's `personal_data` loaded first)."""
    global _discovered
    if not _discovered:
        autodiscover_modules(MODULE)
        _discovered = True
    return sorted(_holdings.values(), key=lambda h: (h.order, h.label))


def person_links() -> list[models.Field]:
    """Every concrete relation in the project to `Staff` or to accounts, each on the model that
    declares it (a page's owner is `Page`'s, whatever the page type)."""
    from django.apps import apps

    targets = (Staff, get_user_model())
    found = {}
    for model in apps.get_models():
        for f in model._meta.get_fields():
            if f.is_relation and f.concrete and f.related_model in targets:
                found[(f.model._meta.label, f.name)] = f
    return [found[key] for key in sorted(found)]


def unaccounted_links(registered: list[Holding] | None = None) -> list[str]:
    """ "app.Model.field" for every link to a person that no holding accounts for, as theirs
    (`links`) or as someone else's (`others`): what the download and erasure would miss."""
    by_label = {h.label: h for h in (holdings() if registered is None else registered)}
    missing = []
    for f in person_links():
        holding = by_label.get(f.model._meta.label)
        if holding is None or (f.name not in holding.links and f.name not in holding.others):
            missing.append(f"{f.model._meta.label}.{f.name}")
    return missing
