"""The report's charts, drawn from its tables: one set of SVGs for the page and the PDF."""

from django.utils.safestring import SafeString

from .charts import Threshold, bar_chart, line_chart
from .curve import THRESHOLDS
from .selectors import Adoption
from .tables import COUNT, PERCENT, SUPPRESSED

DIFFUSION = [
    Threshold(value, f"{label}, {value:.0%}".replace("%", " %")) for value, label in THRESHOLDS
]


def adoption_figures(adoption: Adoption) -> dict[str, SafeString]:
    """Charts keyed by the table they draw ("trend", "funnel", "cohorts", "curve")."""
    trend, funnel, cohorts, curve = (
        adoption.trend,
        adoption.funnel,
        adoption.cohorts,
        adoption.curve,
    )
    people = adoption.headline.people
    return {
        "trend": line_chart(
            key="trend",
            title=trend.title,
            summary=trend.summary,
            series=[("At target", [(row[0], row[3]) for row in trend.rows])],
            thresholds=DIFFUSION,
        ),
        "funnel": bar_chart(
            key="funnel",
            title=funnel.title,
            summary=funnel.summary,
            bars=[(row[0], row[1]) for row in funnel.rows[1:]],
            kind=COUNT,
            max_value=None if people is SUPPRESSED else max(people, 1),
        ),
        "cohorts": bar_chart(
            key="cohorts",
            title="Share at target by cohort",
            summary=cohorts.summary,
            bars=[(row[0], row[2]) for row in cohorts.rows],
            kind=PERCENT,
        ),
        "curve": bar_chart(
            key="curve",
            title="Each department against the diffusion thresholds",
            summary=curve.summary,
            bars=[(row[0], row[2]) for row in curve.rows],
            kind=PERCENT,
            thresholds=DIFFUSION,
        ),
    }
