"""The champions section of the adoption report: does every team in view have a champion?

Leaders read it to see where the programme has no one yet: for each department among the
people in view, the active champions (`selectors.champions_active_q`, as everywhere) against
the programme's target (one per `ScoreSettings.staff_per_champion` people, and at least one),
the same rule as the programme's own coverage screen (`selectors.coverage`), applied to the
people in view only. It is shown even before anyone is a champion: "no department has a
champion yet" is news to a leader.

Names never appear. A department with fewer than `REPORT_MIN_GROUP` people in view keeps its
name but not its numbers, and so does one the report hides to protect such a group (the
report's `hidden`, see `portal.reports.disclosure`); they are listed after the others by name,
so their place in the order does not give away whether they have a champion. Two queries: the
target setting, and one grouped count.
"""

import math
from collections.abc import Callable
from datetime import datetime

from django.db.models import Count, QuerySet

from portal.people.models import Staff
from portal.reports.tables import (
    COUNT,
    SUPPRESSED,
    TEXT,
    Cell,
    Column,
    Table,
    count,
    min_group,
)

from .models import ScoreSettings
from .selectors import champions_active_q

NO_DEPARTMENT = "No department"


def champion_coverage_table(
    *,
    people: QuerySet[Staff],
    since: datetime,
    now: datetime,
    whole_organisation: bool,
    hidden: Callable[[int | None, int], bool] | None = None,
) -> Table:
    """Active champions per department among the people in view, against the target. The
    period does not apply: coverage is as things stand. `hidden(department pk or None,
    people)` says which departments' numbers the report withholds (by default those under
    the threshold)."""
    hidden = hidden or (lambda department, n: n < min_group())
    per = staff_per_champion_get()
    groups = (
        people.order_by()
        .values("department_id", "department__name")
        .annotate(
            people=Count("pk"),
            champions=Count("pk", filter=champions_active_q(champion="champion__", person="")),
        )
    )
    shown, small, nobody = [], [], None
    for group in groups:
        name, n, champions = group["department__name"], group["people"], group["champions"]
        if group["department_id"] is None:
            nobody = group
        elif hidden(group["department_id"], n):
            small.append(name)
        else:
            target = max(1, math.ceil(n / per))
            shown.append([name, n, champions, target, max(0, target - champions)])
    # Departments without a champion first, then the largest gap, then by name.
    shown.sort(key=lambda row: (row[2] > 0, -row[4], row[0].casefold()))
    rows: list[list[Cell]] = [
        *shown,
        *([name, SUPPRESSED, SUPPRESSED, SUPPRESSED, SUPPRESSED] for name in sorted(small)),
    ]
    if nobody is not None:
        n = nobody["people"]
        withheld = hidden(None, n)
        rows.append(
            [
                NO_DEPARTMENT,
                count(n, n, hidden=withheld),
                count(nobody["champions"], n, hidden=withheld),
                None,
                None,
            ]
        )
    return Table(
        key="champion_coverage",
        title="Champion coverage",
        columns=[
            Column("Department", TEXT),
            Column("People", COUNT),
            Column("Active champions", COUNT),
            Column("Target", COUNT),
            Column("Gap", COUNT),
        ],
        rows=rows,
        summary=_summary(shown, small, nobody, per),
        note=(
            "Active champions among the people in this view, by department, as things stand "
            f"today; the target is {_per_people(per)}, and at least one for every department. "
            "A champion in the same department but outside this view is not counted here. "
            f"Departments with fewer than {min_group()} people in this view, or whose numbers "
            "would give such a group away, keep their name but not their numbers, and are "
            "listed after the others. People without a department are counted in the last "
            "row, which has no target."
        ),
    )


def staff_per_champion_get() -> int:
    """The coverage target's "one champion per N staff", read without creating the settings
    row (`ScoreSettings.current()` would write one; a report only reads)."""
    per = ScoreSettings.objects.order_by("pk").values_list("staff_per_champion", flat=True)
    return per.first() or ScoreSettings._meta.get_field("staff_per_champion").get_default()


def _per_people(per: int) -> str:
    return "one per person" if per == 1 else f"one per {per:,} people"


def _summary(shown: list[list], small: list[str], nobody: dict | None, per: int) -> str:
    aim = f"the programme aims for {_per_people(per)}."
    if not shown and not small and nobody is None:
        return "There is no one in this view."
    if not shown:
        sentence = (
            f"No department in this view has {min_group()} people or more, so coverage is "
            f"withheld; {aim}"
        )
    elif not (without := sum(1 for row in shown if row[2] == 0)):
        sentence = f"Every department in this view has a champion; {aim}"
    else:
        total = len(shown)
        sentence = (
            f"{without} of {total} department{'s' if total != 1 else ''} in this view "
            f"{'has' if without == 1 else 'have'} no champion; {aim}"
        )
    if shown and small:
        k = len(small)
        sentence += (
            f" {k} smaller department{'s are' if k != 1 else ' is'} not counted: fewer than "
            f"{min_group()} people in view."
        )
    return sentence
