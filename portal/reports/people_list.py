"""The named people table on screen: search by name or email, sort, and pages of 50.

Only where names may be shown (a manager's own line, the programme's organisers). The rows
come from the report's people frame (already in memory), so a page costs one query for a
search and one for the last activity of the people on it (of everyone matching, when sorted
by it), whatever the size of the line. Everything is in the query string (`q`, `sort`,
`page`), so an htmx swap, a reload and a shared link show the same page. The spreadsheet and
the CSV keep every person, unsorted by these choices, like the rest of the report.
"""

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from django.db.models import Max, Q
from django.utils import timezone

from ..tiers.models import EngagementEvent
from .frames import NONE
from .selectors import Adoption
from .tables import DATE, TEXT, Column, Table

PER_PAGE = 50
SORTS = {  # value: what the column header says the order is
    "target": "furthest from target first",
    "-target": "at target first",
    "name": "name, A to Z",
    "-name": "name, Z to A",
    "tier": "tier now, lowest first",
    "-tier": "tier now, highest first",
    "activity": "least recently active first",
    "-activity": "most recently active first",
}
DEFAULT_SORT = "target"
SORTABLE = {"Name": "name", "Tier now": "tier", "At target": "target", "Last activity": "activity"}
MAX_SEARCH = 100


@dataclass(frozen=True)
class PeopleQuery:
    search: str = ""
    sort: str = DEFAULT_SORT
    page: int = 1

    @classmethod
    def of(cls, params) -> "PeopleQuery":
        """From the query string; a value that makes no sense falls back to the default (a
        page past the last shows the last)."""
        sort = params.get("sort") or DEFAULT_SORT
        page = (params.get("page") or "1").strip()
        return cls(
            search=" ".join((params.get("q") or "").split())[:MAX_SEARCH],
            sort=sort if sort in SORTS else DEFAULT_SORT,
            page=int(page) if page.isascii() and page.isdigit() and len(page) < 7 else 1,
        )

    def query(self, **changes) -> dict[str, str]:
        values = {"q": self.search, "sort": self.sort, "page": self.page, **changes}
        return {
            k: str(v)
            for k, v in values.items()
            if v and not (k == "sort" and v == DEFAULT_SORT) and not (k == "page" and v == 1)
        }


@dataclass
class PeoplePage:
    table: Table
    query: PeopleQuery
    total: int  # the people matching the search, on every page
    page: int
    pages: int
    first: int  # the position of the first row shown, from 1 (0: none)
    not_at_target: int  # of the people matching, those with a target not yet reached

    @property
    def last(self) -> int:
        return self.first + len(self.table.rows) - 1 if self.table.rows else 0


def people_matching(*, adoption: Adoption, search: str) -> pd.DataFrame:
    """The people frame of the report, cut to those whose name or email holds `search`."""
    frame = adoption.frame
    if frame is None or not search:
        return frame
    found = adoption.scope.people().filter(
        Q(display_name__icontains=search) | Q(email__icontains=search)
    )
    return frame[frame.index.isin(list(found.values_list("pk", flat=True)))]


def not_at_target(frame: pd.DataFrame) -> list[int]:
    """Who a reminder is for: people whose role asks a tier, who have been invited and
    started, and who do not hold it."""
    chosen = frame["counted"].to_numpy() & ~frame["at_target"].to_numpy()
    return [int(pk) for pk in frame.index[chosen]]


def people_page(*, adoption: Adoption, query: PeopleQuery) -> PeoplePage:
    frame = people_matching(adoption=adoption, search=query.search)
    descending = query.sort.startswith("-")
    key = query.sort.lstrip("-")
    activity = None
    names = frame["display_name"].str.lower()
    if key == "activity":
        activity = _last_activity(list(frame.index))
        moments = np.array([activity.get(int(pk)) for pk in frame.index], dtype=object)
        stamp = np.array([m.timestamp() if m else -np.inf for m in moments], dtype=float)
        ordered = frame.assign(_key=stamp, _name=names)
        columns = ["_key", "_name"]
    elif key == "name":
        ordered, columns = frame.assign(_name=names), ["_name"]
    elif key == "tier":
        ordered, columns = frame.assign(_name=names), ["current", "_name"]
    else:  # how far from their target: not at target first, the lowest tier first
        ordered, columns = frame.assign(_name=names), ["at_target", "current", "_name"]
    ascending = [not descending] * len(columns)
    if key != "name":
        ascending[-1] = True  # ties by name, always A to Z
    ordered = ordered.sort_values(columns, ascending=ascending, kind="stable")
    total = len(ordered)
    pages = max(1, math.ceil(total / PER_PAGE))
    page = min(query.page, pages)
    shown = ordered.iloc[(page - 1) * PER_PAGE : page * PER_PAGE]
    if activity is None:
        activity = _last_activity(list(shown.index))
    return PeoplePage(
        table=_table(adoption, shown, activity),
        query=PeopleQuery(search=query.search, sort=query.sort, page=page),
        total=total,
        page=page,
        pages=pages,
        first=(page - 1) * PER_PAGE + 1 if total else 0,
        not_at_target=len(not_at_target(frame)),
    )


def _last_activity(ids: list[int]) -> dict:
    """Each person's latest event (the event log's staff-and-time index answers it)."""
    if not ids:
        return {}
    return dict(
        EngagementEvent.objects.filter(staff_id__in=ids)
        .values("staff_id")
        .annotate(last=Max("occurred_at"))
        .order_by()
        .values_list("staff_id", "last")
    )


def _table(adoption: Adoption, shown: pd.DataFrame, activity: dict) -> Table:
    tiers = dict(adoption.tiers)
    choices = adoption.scope.choices
    departments, roles = dict(choices["department"]), dict(choices["role"])

    def named(value, lookup) -> str:
        return lookup.get(int(value), "?") if value != NONE else "–"

    rows = []
    for pk, person in shown.iterrows():
        last = activity.get(int(pk))
        rows.append(
            [
                person["display_name"],
                named(person["team"], departments),
                named(person["role"], roles),
                tiers.get(int(person["current"]), "Not started"),
                tiers.get(int(person["target"]), "No target"),
                "Yes" if person["at_target"] else "No",
                timezone.localtime(last).date() if last else None,  # the reader's day
            ]
        )
    return Table(
        key="people",
        title="People",
        columns=[
            Column("Name", TEXT),
            Column("Department", TEXT),
            Column("Role", TEXT),
            Column("Tier now", TEXT),
            Column("Target", TEXT),
            Column("At target", TEXT),
            Column("Last activity", DATE),
        ],
        rows=rows,
        summary="Names are shown to their own managers and to the community managers only.",
    )
