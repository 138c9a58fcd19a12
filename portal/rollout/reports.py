"""The rollout's sections of the adoption report: each wave's funnel for the people in view,
and the pulse checks (anonymous, so for the whole organisation only)."""

from django.utils import timezone

from ..reports.tables import COUNT, DATE, PERCENT, TEXT, Column, Table, count, share
from .models import PulseResult, Wave
from .selectors import STEPS, pulse_results, wave_counts


def waves_table(*, people, since, now, whole_organisation) -> Table | None:
    """One row per wave with members in view: how far its people got (None: no waves)."""
    if not Wave.objects.exists():
        return None
    rows = []
    for wave in wave_counts(people=people, now=now):
        n = wave["members"]
        started = wave["wave__started_at"]
        rows.append(
            [
                wave["wave__name"],
                timezone.localtime(started).date() if started else None,
                count(n, n),
                *(share(wave[key], n) for key, _ in STEPS[1:]),
            ]
        )
    return Table(
        key="waves",
        title="Rollout waves",
        columns=[
            Column("Wave", TEXT),
            Column("Started on", DATE),
            Column("Members", COUNT),
            *(Column(label, PERCENT) for _, label in STEPS[1:]),
        ],
        rows=rows,
        summary="Each wave's people in this view, from invitation to their target tier.",
        note="Shares of the wave's members in this view; a wave with fewer than 5 of them is "
        "not shown. Signed in: since the wave started.",
    )


def _pulse(by: str, whole_organisation: bool) -> Table | None:
    """Pulse results for the whole organisation only: answers are stored without the person,
    so they cannot be narrowed to a line or a filter."""
    if not whole_organisation or not PulseResult.objects.exists():
        return None
    return pulse_results(by=by)


def pulse_by_wave_table(*, people, since, now, whole_organisation) -> Table | None:
    return _pulse("wave", whole_organisation)


def pulse_by_department_table(*, people, since, now, whole_organisation) -> Table | None:
    return _pulse("department", whole_organisation)
