"""What the report page, its PDF and the weekly email show, built once for all three."""

from django.conf import settings
from django.utils import timezone
from django.utils.http import urlencode

from .figures import adoption_figures
from .scope import PERIOD_LABELS, ReportScope
from .selectors import PEOPLE_ON_SCREEN, Adoption, Headline
from .tables import COUNT, PERCENT, POINTS, SUPPRESSED, cell_text, display_rows


def adoption_context(adoption: Adoption, *, people_limit: int | None = PEOPLE_ON_SCREEN) -> dict:
    """What the page and the PDF both show."""
    scope = adoption.scope
    figures = adoption_figures(adoption)
    return {
        "adoption": adoption,
        "scope": scope,
        "headline": adoption.headline,
        "sections": [
            {
                "table": table,
                "figure": figures.get(table.key),
                "rows": display_rows(table, people_limit if table.key == "people" else None),
                "more": len(table.rows) - people_limit
                if table.key == "people" and people_limit and len(table.rows) > people_limit
                else 0,
            }
            for table in adoption.tables()
        ],
        "tipped": sum(1 for row in adoption.curve.rows if row[3] == "Past the tipping point"),
        "departments": sum(1 for row in adoption.curve.rows if row[2] is not SUPPRESSED),
        "headline_text": headline_text(adoption.headline),
        "period_label": PERIOD_LABELS[scope.filters.period],
        "query": urlencode(scope.query()),
    }


def preamble(adoption: Adoption) -> list[tuple[str, str]]:
    scope = adoption.scope
    return [
        ("Report", "Adoption of the community programme"),
        ("Scope", scope.description),
        ("Period", PERIOD_LABELS[scope.filters.period]),
        ("As of", timezone.localtime(adoption.now).strftime("%Y-%m-%d %H:%M %Z")),
        ("Privacy", "Numbers about fewer than 5 people are not shown."),
    ]


def pdf_context(adoption: Adoption) -> dict:
    """The PDF's context: context processors do not run for it, so it names the portal."""
    return {**adoption_context(adoption), "portal_name": settings.PORTAL_NAME}


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
