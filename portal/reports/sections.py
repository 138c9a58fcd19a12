"""Sections the domain apps add to the adoption report: office hours, the FAQ, champions.

`portal` imports none of the domain apps; each registers its section in `AppConfig.ready()`.
A section's `build` gets the people in view (a lazy queryset of active `Staff`, usable as a
subquery), the period and whether the view is the whole organisation, makes one or two
queries, and returns a `Table` (suppressed with `tables.share`/`tables.count` like every
other number) or None when its app has no data yet.

What its numbers are about (`about`) says how a report that names no one protects them from
being worked out by subtraction, as the report's own tables are (`disclosure`):
- EVERYONE: one count per person of the view (who signed in): shown where the view's own
  numbers are;
- DEPARTMENTS: one row per department of the view's people; `build` also gets `hidden(pk, n)`
  to ask whether a department's row (n people) is withheld, and lists those after the others;
- SOME: about some of the view's people only (those who booked, voted): shown for the whole
  organisation only, where there is nothing to subtract it from;
- MEMBERS: one row per wave, about its members. Someone can be a member of several waves, so
  a wave is not one of the report's groups; but its members include everyone it invited first
  (its row of the cohorts table), and when the two counts are equal they are the same people.
  A reader without names sees such a row in the whole organisation's view where the cohorts
  table shows that group, and every other row withheld;
- ANONYMOUS: about no one in particular (pulse answers): the section decides itself.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from .breakdowns import NOT_IN_THIS_VIEW, department_pair, unpublished
from .cells import EVERYONE as WHOLE
from .disclosure import PEOPLE, Disclosure
from .frames import NONE
from .tables import SUPPRESSED, Table

EVERYONE, DEPARTMENTS, SOME, MEMBERS, ANONYMOUS = (
    "everyone",
    "departments",
    "some",
    "members",
    "anonymous",
)
ONLY_WHOLE = (
    "Shown for the whole organisation only in a report that names no one: these numbers are "
    "about some of the people in a view, and one view's could be subtracted from another's."
)
OTHER_WAVES = (
    "In a report that names no one, a wave is shown where its members are the people it "
    "invited first, the same group as its row of the cohorts table."
)


@dataclass(frozen=True)
class Section:
    key: str
    build: Callable[..., Table | None]  # build(*, people, since, now, whole_organisation)
    order: int = 100
    about: str = SOME


_sections: dict[str, Section] = {}


def register(section: Section) -> None:
    _sections[section.key] = section


def tables_for(
    *,
    scope,
    since: datetime,
    now: datetime,
    disclosure: Disclosure | None = None,
    size: int = 0,
    cohorts: Table | None = None,
) -> list[Table]:
    """The sections of the view, protected like its own tables (`size`: its people; `cohorts`:
    its cohorts table, for the waves)."""
    tables = []
    for section in sorted(_sections.values(), key=lambda s: s.order):
        arguments = {
            "people": scope.people(),
            "since": since,
            "now": now,
            "whole_organisation": scope.whole_organisation and not scope.filter_labels,
        }
        if section.about == DEPARTMENTS:
            arguments["hidden"] = _department_hidden(disclosure, scope)
        table = section.build(**arguments)
        if table is None:
            continue
        if disclosure is not None and not disclosure.names:
            _protect(table, section.about, disclosure, size, cohorts)
        tables.append(table)
    return tables


def _protect(table: Table, about: str, disclosure: Disclosure, size: int, cohorts) -> None:
    if not disclosure.published:
        unpublished(table, NOT_IN_THIS_VIEW)
    elif about == EVERYONE and disclosure.hidden(disclosure.view, PEOPLE, size):
        table.rows = [
            [row[0], *(c if c is None else SUPPRESSED for c in row[1:])] for row in table.rows
        ]
        table.summary = "Withheld in this view, like its other numbers."
    elif about == SOME and disclosure.view != WHOLE:
        unpublished(table, ONLY_WHOLE)
    elif about == MEMBERS:
        shown = {row[0]: row[1] for row in (cohorts.rows if cohorts is not None else [])}
        table.rows = [
            row
            if disclosure.view == WHOLE
            and shown.get(row[0], SUPPRESSED) is not SUPPRESSED
            and shown[row[0]] == row[2]
            else [row[0], row[1], *(c if c is None else SUPPRESSED for c in row[2:])]
            for row in table.rows
        ]
        table.note = f"{table.note} {OTHER_WAVES}".strip()


def _department_hidden(disclosure: Disclosure | None, scope):
    """`hidden(department pk or None, people)`: whether the view's people of a department
    (their own department: a team, or a department's people in none of its teams) are
    withheld; also when the report may not show that group at all."""

    def hidden(department: int | None, n: int) -> bool:
        if disclosure is None:
            return False
        value = NONE if department is None else department
        pair = department_pair(value, value, scope.tree)
        key = disclosure.group(pair)
        return not disclosure.shows(key) or disclosure.hidden(key, PEOPLE, n)

    return hidden
