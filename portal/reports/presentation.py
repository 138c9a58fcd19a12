"""What the report page, its PDF and the weekly email show, built once for all three."""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from .figures import adoption_figures
from .people_list import SORTABLE, SORTS, PeoplePage
from .scope import PERIOD_LABELS, ReportScope
from .selectors import PEOPLE_ON_SCREEN, Adoption, Headline
from .tables import COUNT, PERCENT, POINTS, SUPPRESSED, cell_text, display_rows, min_group


def adoption_context(
    adoption: Adoption, *, people_limit: int | None = PEOPLE_ON_SCREEN, links: bool = True
) -> dict:
    """What the page and the PDF both show (the PDF without links)."""
    scope = adoption.scope
    figures = adoption_figures(adoption)
    sections = [
        {
            "table": table,
            "figure": figures.get(table.key),
            "rows": _linked(
                display_rows(table, people_limit if table.key == "people" else None),
                table.links if links else [],
                scope,
            ),
            "more": len(table.rows) - people_limit
            if table.key == "people" and people_limit and len(table.rows) > people_limit
            else 0,
        }
        for table in adoption.tables()
    ]
    return {
        "adoption": adoption,
        "scope": scope,
        "headline": adoption.headline,
        "sections": sections,
        "trail": report_trail(scope) if links else [],
        "tipped": sum(1 for row in adoption.curve.rows if row[3] == "Past the tipping point"),
        "departments": sum(1 for row in adoption.curve.rows if row[2] is not SUPPRESSED),
        "headline_text": headline_text(adoption.headline),
        "period_label": PERIOD_LABELS[scope.filters.period],
        "query": urlencode(scope.query()),
        "privacy": privacy_note(adoption),
        "unpublished": "" if adoption.published else adoption.disclosure.reason,
    }


def privacy_note(adoption: Adoption) -> str:
    """The report's footnote on what it hides and why, in a sentence or two (docs/privacy.md
    says the rest)."""
    n = min_group()
    if adoption.scope.names_visible:
        return (
            f"No number about fewer than {n} people is shown; it reads “withheld”. This report "
            "names people: it is for their own managers and the programme’s organisers only."
        )
    return (
        f"No number about fewer than {n} people is shown, and no one is named. Numbers that "
        "would let such a group be worked out by subtraction, from the rest of a table, its "
        "totals or another view, are withheld too, alike in every table and view; “withheld” "
        "does not say which."
    )


def report_href(scope: ReportScope, **changes) -> str:
    """The report's address with the scope's query, some values changed (None: left out)."""
    query = {k: v for k, v in {**scope.query(), **changes}.items() if v is not None}
    return reverse("reports") + (f"?{urlencode(query)}" if query else "")


def report_trail(scope: ReportScope) -> list[tuple[str, str]]:
    """The breadcrumb of a department's report: (address, label) from the scope down to the
    department itself (whose address is the page's own)."""
    return [
        (report_href(scope, department=None if d is None else str(d)), label)
        for d, label in scope.department_trail()
    ]


def _linked(rows: list[list[dict]], links: list, scope: ReportScope) -> list[list[dict]]:
    """Rows whose group opens a report of its own get the address on their first cell."""
    for row, link in zip(rows, links, strict=False):
        if link:
            row[0]["href"] = report_href(scope, **link)
    return rows


def preamble(adoption: Adoption) -> list[tuple[str, str]]:
    scope = adoption.scope
    return [
        ("Report", "Adoption of the community programme"),
        ("Scope", scope.description),
        ("Period", PERIOD_LABELS[scope.filters.period]),
        ("As of", timezone.localtime(adoption.now).strftime("%Y-%m-%d %H:%M %Z")),
        ("Privacy", privacy_note(adoption)),
        *([("Not shown", adoption.disclosure.reason)] if not adoption.published else []),
    ]


def pdf_context(adoption: Adoption) -> dict:
    """The PDF's context: context processors do not run for it, so it names the portal."""
    return {**adoption_context(adoption, links=False), "portal_name": settings.PORTAL_NAME}


def headline_text(headline: Headline) -> dict[str, str]:
    return {
        "share": cell_text(headline.share, PERCENT),
        "change": cell_text(headline.change, POINTS),
        "at_target": cell_text(headline.at_target, COUNT),
        "with_target": cell_text(headline.with_target, COUNT),
        "people": cell_text(headline.people, COUNT),
        "reached": cell_text(headline.reached_this_week, COUNT),
        "fell": cell_text(headline.fell_below_this_week, COUNT),
    }


def filter_fields(scope: ReportScope) -> list[tuple]:
    """(name, label, "all" option, choices, chosen) for each filter of the page's form."""
    return [
        (
            name,
            name.capitalize(),
            f"All {plural}",
            scope.choices[name],
            getattr(scope.filters, name),
        )
        for name, plural in (
            ("department", "departments"),
            ("role", "roles"),
            ("location", "locations"),
        )
    ]


def people_context(scope: ReportScope, page: PeoplePage) -> dict:
    """The people table's page: its rows, sortable headers, page links, and the hidden
    values its search, sort and reminder forms carry (the report's own filters)."""
    query = page.query
    headers = []
    for column in page.table.columns:
        key = SORTABLE.get(column.label)
        sort = ""
        if key is not None and query.sort.lstrip("-") == key:
            sort = "descending" if query.sort.startswith("-") else "ascending"
        toggled = f"-{key}" if sort == "ascending" else key
        headers.append(
            {
                "label": column.label,
                "numeric": column.kind not in ("text", "date"),
                "sort": sort,
                "href": report_href(scope, **query.query(sort=toggled, page=1))
                if key is not None
                else "",
                "next": SORTS.get(toggled, "") if key is not None else "",
            }
        )
    around = range(max(1, page.page - 2), min(page.pages, page.page + 2) + 1)
    numbers = sorted({1, page.pages, *around})
    pages, previous = [], 0
    for number in numbers:
        if number - previous > 1:
            pages.append({"gap": True})
        pages.append(
            {
                "number": number,
                "href": report_href(scope, **query.query(page=number)),
                "current": number == page.page,
            }
        )
        previous = number
    return {
        "people": page,
        "people_rows": display_rows(page.table),
        "people_headers": headers,
        "people_pages": pages if page.pages > 1 else [],
        "people_previous": report_href(scope, **query.query(page=page.page - 1))
        if page.page > 1
        else "",
        "people_next": report_href(scope, **query.query(page=page.page + 1))
        if page.page < page.pages
        else "",
        "people_sorted": SORTS[query.sort],
        "people_hidden": list(scope.query().items()),
    }
