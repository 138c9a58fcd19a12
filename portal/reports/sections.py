"""Sections the domain apps add to the adoption report: office hours, the FAQ, champions.

`portal` imports none of the domain apps; each registers its section in `AppConfig.ready()`.
A section's `build` gets the people in view (a lazy queryset of active `Staff`, usable as a
subquery), the period and whether the view is the whole organisation, makes one or two
queries, and returns a `Table` (suppressed with `tables.share`/`tables.count` like every
other number) or None when its app has no data yet.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from .tables import Table


@dataclass(frozen=True)
class Section:
    key: str
    build: Callable[..., Table | None]  # build(*, people, since, now, whole_organisation)
    order: int = 100


_sections: dict[str, Section] = {}


def register(section: Section) -> None:
    _sections[section.key] = section


def tables_for(*, scope, since: datetime, now: datetime) -> list[Table]:
    tables = []
    for section in sorted(_sections.values(), key=lambda s: s.order):
        table = section.build(
            people=scope.people(),
            since=since,
            now=now,
            whole_organisation=scope.whole_organisation and not scope.filter_labels,
        )
        if table is not None:
            tables.append(table)
    return tables
