"""No hidden number of the adoption report can be worked out from the numbers a leader can see.

A property test (Hypothesis): random organisations (a department tree, roles with and without a
target tier, locations, start dates, tiers reached, managers), read by a leader (who sees no
names) through every view they can open with one filter or none: the whole organisation, each
department at any depth, each role, each location. Every number of every table is turned into
a linear equation over the unknowns a determined reader would solve for: per atom (people alike
in department, role, location and start quarter, the smallest groups the report tells apart)
and per measure (people; each tier reached; people with a target and at it; each trend week's
people with a target and at it; who reached or fell below their target this week; who signed
in; champions). A count is one equation; a share s = a/b of a denominator D is b*U - a*D = 0,
whether D is shown or not; a funnel's "stopped here" is the difference of two tiers reached.
The reader knows the structure: which atoms exist, whose role asks a tier, who has joined by
when (so a measure about people with a target has unknowns only where such people are), and
that this week's "reached" minus "fell below" is today's at target minus last week's.

The threshold is `REPORT_MIN_GROUP`, 5 or 3 (a lower one shows more, so leaves less room to
hide). A hidden number is determined when its own row lies in the span of those equations. Ranks are
computed exactly over the integers modulo the prime 2**31 - 1 (dense elimination in numpy,
independent of the report's own `solving`); modulo a prime of that size they equal the ranks
over the rationals unless the prime divides a minor of these small matrices. Every hidden
number with anyone behind it must be undetermined. On the report as it was before
`disclosure` (cell by cell suppression) the same check fails in its first examples, and
`test_the_leaders_example_from_the_issue` fails there too.
"""

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

import numpy as np
from django.db import transaction
from django.http import QueryDict
from django.test import override_settings
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from portal.factories import DepartmentFactory, LocationFactory, RoleFactory, StaffFactory
from portal.reports.frames import frames_forget
from portal.reports.scope import report_scope
from portal.reports.selectors import adoption_report
from portal.reports.tables import SUPPRESSED
from portal.tiers.models import Tier, TierAttainment

from .handbuilt import NOW

PRIME = 2_147_483_647
WEEK = timedelta(days=7)
STARTS = [  # days before NOW (None: unknown); a negative number is a start still to come
    None,
    4000,
    900,
    400,
    200,
    100,
    20,
    9,
    2,
    -30,
]


# The organisation ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    department: int | None  # index into departments
    role: int | None
    location: int | None
    start: int | None  # index into STARTS
    tier: int  # highest tier now, 0-5
    reached_days: int  # how many days before NOW they reached their highest tier
    manager: int | None  # index of an earlier person


@st.composite
def organisations(draw):
    tops = draw(st.integers(1, 3))
    departments = [None] * tops  # parent index per department
    for parent in range(tops):
        for _ in range(draw(st.integers(0, 2))):
            departments.append(parent)
    roles = draw(st.lists(st.sampled_from([None, 1, 2, 3]), min_size=1, max_size=4))
    locations = draw(st.integers(1, 3))
    size = draw(st.integers(5, 26))
    people = []
    for i in range(size):
        people.append(
            Person(
                department=draw(st.one_of(st.none(), st.integers(0, len(departments) - 1)))
                if draw(st.integers(0, 9)) == 0
                else draw(st.integers(0, len(departments) - 1)),
                role=draw(st.integers(0, len(roles) - 1)) if draw(st.integers(0, 9)) else None,
                location=draw(st.integers(0, locations - 1)) if draw(st.integers(0, 9)) else None,
                start=draw(st.integers(0, len(STARTS) - 1)),
                tier=draw(st.integers(0, 4)),
                reached_days=draw(st.sampled_from([3, 10, 17, 40, 300])),
                manager=draw(st.integers(0, i - 1)) if i and draw(st.booleans()) else None,
            )
        )
    return departments, roles, locations, people


def _build(departments, roles, locations, people):
    tiers = {tier.order: tier for tier in Tier.objects.all()}
    made = []
    for i, parent in enumerate(departments):
        made.append(
            DepartmentFactory(name=f"Dept {i}", parent=None if parent is None else made[parent])
        )
    role_rows = [
        RoleFactory(name=f"Role {i}", target_tier=tiers.get(target))
        for i, target in enumerate(roles)
    ]
    location_rows = [LocationFactory(name=f"Place {i}") for i in range(locations)]
    staff = []
    for i, p in enumerate(people):
        days = STARTS[p.start]
        staff.append(
            StaffFactory(
                display_name=f"Person {i}",
                department=None if p.department is None else made[p.department],
                role=None if p.role is None else role_rows[p.role],
                location=None if p.location is None else location_rows[p.location],
                start_date=None if days is None else NOW.date() - timedelta(days=days),
                manager=None if p.manager is None else staff[p.manager],
            )
        )
    TierAttainment.objects.bulk_create(
        TierAttainment(
            staff=staff[i],
            tier=tiers[order],
            reached_at=NOW - timedelta(days=p.reached_days + 5 * (p.tier - order)),
        )
        for i, p in enumerate(people)
        for order in range(1, p.tier + 1)
    )
    return made, role_rows, location_rows, staff


# Reading the report as equations ------------------------------------------------------------


class Reader:
    """Everything one leader can read, as rows over (measure, atom) unknowns, per family."""

    def __init__(self, frame, tree, departments, roles, locations, week_ends):
        self.tree = tree
        self.departments = {d.name: d.pk for d in departments}
        self.roles = {r.name: r.pk for r in roles}
        self.locations = {loc.name: loc.pk for loc in locations}
        own = frame["team"].to_numpy()
        quarter = [_cohort(frame["start"].iat[i]) for i in range(len(frame))]
        keys = list(
            zip(
                own.tolist(),
                frame["role"].tolist(),
                frame["location"].tolist(),
                quarter,
                strict=True,
            )
        )
        atoms = sorted(set(keys))
        self.atom_of = [atoms.index(k) for k in keys]
        self.atoms = atoms
        target = frame["target"].to_numpy() > 0
        joined = frame["joined"].to_numpy()
        counted = frame["counted"].to_numpy()
        self.week_ends = week_ends  # microseconds, the last one NOW
        support = {"people": set(self.atom_of)}
        support["counted"] = {a for a, c in zip(self.atom_of, counted, strict=True) if c}
        for j, end in enumerate(week_ends):
            support[f"joined{j}"] = {
                a for a, t, at in zip(self.atom_of, target, joined, strict=True) if t and at <= end
            }
        self.columns = {}  # (family, measure, atom) -> index
        self.support = support
        self.rows = defaultdict(list)  # family -> list of {column: coefficient}
        self.hidden = []  # (family, {column: coefficient}, description)

    # unknowns

    def _family(self, measure: str) -> tuple[str, str]:
        if measure in ("people", "signed7", "signed30", "never", "champions") or measure.startswith(
            "reached"
        ):
            return "P", "people"
        if measure in ("counted", "at_target", "rose", "fell"):
            return "T", "counted"
        week = int(measure.split("_")[1])
        if week == len(self.week_ends) - 1:  # the last week ends now: today's numbers
            return "T", "counted"
        return "T", f"joined{week}"

    def vector(self, group: set[int], measure: str) -> tuple[str, dict]:
        family, support = self._family(measure)
        if measure.startswith("den_") and support == "counted":
            measure = "counted"
        if measure.startswith("num_") and support == "counted":
            measure = "at_target"
        out = {}
        for atom in group & self.support[support]:
            out[self._column(family, measure, atom)] = 1
        return family, out

    def _column(self, family, measure, atom):
        key = (family, measure, atom)
        if key not in self.columns:
            self.columns[key] = len(self.columns)
        return self.columns[key]

    # groups

    def people_in(self, predicate) -> set[int]:
        return {self.atom_of[i] for i, key in enumerate(self._keys()) if predicate(*key)}

    def _keys(self):
        return [self.atoms[a] for a in self.atom_of]

    def view_group(self, kind, value) -> set[int]:
        if kind is None:
            return set(self.atom_of)
        if kind == "department":
            inside = self.tree.subtree(value)
            return self.people_in(lambda d, r, loc, c: d in inside)
        index = {"role": 1, "location": 2}[kind]
        return self.people_in(lambda *key: key[index] == value)

    def row_group(self, view: set[int], table_key: str, label: str, chosen) -> set[int]:
        if table_key in ("by_department", "by_team", "curve"):
            if label == "No department":
                return view & self.people_in(lambda d, *_: d == -1)
            if label.endswith(", in no team"):
                return view & self.people_in(lambda d, *_: d == chosen)
            inside = self.tree.subtree(self.departments[label])
            return view & self.people_in(lambda d, *_: d in inside)
        if table_key == "by_role":
            value = -1 if label == "No role" else self.roles[label]
            return view & self.people_in(lambda d, r, *_: r == value)
        if table_key == "by_location":
            value = -1 if label == "No location" else self.locations[label]
            return view & self.people_in(lambda d, r, loc, c: loc == value)
        if table_key == "cohorts":
            return view & self.people_in(lambda d, r, loc, c: c == label)
        if table_key == "champion_coverage":
            if label == "No department":
                return view & self.people_in(lambda d, *_: d == -1)
            value = self.departments[label]
            return view & self.people_in(lambda d, *_: d == value)
        raise AssertionError(table_key)

    # numbers

    def shown(self, group, measure, where):
        family, vector = self.vector(group, measure)
        if vector:
            self.rows[family].append(vector)

    def ratio(self, group, numerator, denominator, value):
        share = Fraction(value).limit_denominator(10_000)
        family, top = self.vector(group, numerator)
        _, bottom = self.vector(group, denominator)
        row = defaultdict(int)
        for column, c in top.items():
            row[column] += share.denominator * c
        for column, c in bottom.items():
            row[column] -= share.numerator * c
        if any(row.values()):
            self.rows[family].append(dict(row))

    def withheld(self, group, measure, where, minus=None):
        family, vector = self.vector(group, measure)
        if minus is not None:
            _, other = self.vector(group, minus)
            for column, c in other.items():
                vector[column] = vector.get(column, 0) - c
        vector = {k: v for k, v in vector.items() if v}
        if vector:
            self.hidden.append((family, vector, where))

    def number(self, value, group, measure, where, *, share_of=None, minus=None):
        """One cell: a count of `measure` (or a share of it in `share_of`, or the difference
        `measure - minus`), shown or withheld."""
        if value is SUPPRESSED:
            self.withheld(group, measure, where, minus=minus)
        elif value is None or isinstance(value, str):
            return
        elif share_of is not None:
            self.ratio(group, measure, share_of, value)
        elif minus is not None:
            family, top = self.vector(group, measure)
            _, bottom = self.vector(group, minus)
            row = defaultdict(int, top)
            for column, c in bottom.items():
                row[column] -= c
            if any(row.values()):
                self.rows[family].append(dict(row))
        else:
            self.shown(group, measure, where)

    def identities(self):
        """What the reader knows without any table: who reached their target this week minus
        who fell below it is today's at target minus last week's."""
        then = f"num_{len(self.week_ends) - 2}"
        for atom in self.support["counted"]:
            row = {}
            for measure, sign in (("rose", 1), ("fell", -1), ("at_target", -1), (then, 1)):
                _, vector = self.vector({atom}, measure)
                for column in vector:
                    row[column] = row.get(column, 0) + sign
            self.rows["T"].append(row)

    def determined(self):
        """The hidden numbers whose rows lie in the span of the shown ones."""
        found = []
        for family in ("P", "T"):
            columns = [i for (f, _, _), i in self.columns.items() if f == family]
            if not columns:
                continue
            position = {c: k for k, c in enumerate(columns)}
            targets = [(v, w) for f, v, w in self.hidden if f == family]
            if not targets:
                continue
            shown = _matrix(self.rows[family], position)
            wanted = _matrix([v for v, _ in targets], position)
            for (_, where), solved in zip(targets, _in_span(shown, wanted), strict=True):
                if solved:
                    found.append(where)
        return found


def _cohort(start_us) -> str:
    from portal.reports.frames import NEVER
    from portal.tiers.engine import from_us

    if start_us == NEVER:
        return "Start date unknown"
    started = from_us(int(start_us)).astimezone(NOW.tzinfo)
    key = started.year * 4 + (started.month - 1) // 3
    first = NOW.year * 4 + (NOW.month - 1) // 3 - 7
    if key < first:
        return f"Started before {first // 4} Q{first % 4 + 1}"
    return f"Started {key // 4} Q{key % 4 + 1}"


def _matrix(rows, position) -> np.ndarray:
    out = np.zeros((len(rows), len(position)), dtype=np.int64)
    for i, row in enumerate(rows):
        for column, c in row.items():
            out[i, position[column]] = c % PRIME
    return out


def _in_span(shown: np.ndarray, wanted: np.ndarray) -> list[bool]:
    """For each row of `wanted`: whether it is a combination of the rows of `shown` (mod p)."""
    a = shown.copy() % PRIME
    pivots = []
    row = 0
    for column in range(a.shape[1]):
        nonzero = np.flatnonzero(a[row:, column]) + row
        if not len(nonzero):
            continue
        a[[row, nonzero[0]]] = a[[nonzero[0], row]]
        a[row] = a[row] * pow(int(a[row, column]), PRIME - 2, PRIME) % PRIME
        factors = a[:, column].copy()
        factors[row] = 0
        a = (a - np.outer(factors, a[row]) % PRIME) % PRIME
        pivots.append((column, row))
        row += 1
        if row == a.shape[0]:
            break
    b = wanted.copy() % PRIME
    for column, r in pivots:
        b = (b - np.outer(b[:, column], a[r]) % PRIME) % PRIME
    return [not b[i].any() for i in range(len(b))]


def _read(reader: Reader, adoption, view_group, chosen, where):
    """Every number of one view."""
    h = adoption.headline
    n = reader.week_ends
    then = f"_{len(n) - 2}"
    reader.number(h.people, view_group, "people", f"{where} headline people")
    reader.number(h.with_target, view_group, "counted", f"{where} headline with a target")
    reader.number(h.at_target, view_group, "at_target", f"{where} headline at target")
    reader.number(h.share, view_group, "at_target", f"{where} headline share", share_of="counted")
    reader.number(
        h.share_last_week,
        view_group,
        f"num{then}",
        f"{where} share last week",
        share_of=f"den{then}",
    )
    reader.number(h.reached_this_week, view_group, "rose", f"{where} reached this week")
    reader.number(h.fell_below_this_week, view_group, "fell", f"{where} fell below")
    for j, row in enumerate(adoption.trend.rows):
        w = f"{where} trend {row[0]}"
        reader.number(row[1], view_group, f"den_{j}", w)
        reader.number(row[2], view_group, f"num_{j}", w)
        reader.number(row[3], view_group, f"num_{j}", w, share_of=f"den_{j}")
    tiers = [order for order, _ in adoption.tiers]
    for k, row in enumerate(adoption.funnel.rows):
        w = f"{where} funnel {row[0]}"
        if k == 0:
            reader.number(row[1], view_group, "people", w)
            reader.number(row[3], view_group, "people", w, minus="reached1")
            continue
        order = tiers[k - 1]
        after = f"reached{order + 1}" if order < tiers[-1] else None
        reader.number(row[1], view_group, f"reached{order}", w)
        reader.number(row[2], view_group, f"reached{order}", w, share_of="people")
        if after:
            reader.number(row[3], view_group, f"reached{order}", w, minus=after)
        else:
            reader.number(row[3], view_group, f"reached{order}", w)
    for table in [*adoption.breakdowns, adoption.cohorts, adoption.curve, *adoption.extra]:
        for row in table.rows:
            label = row[0]
            if table.key in ("signins", "office_hours", "faq", "waves") or table.key.startswith(
                "pulse"
            ):
                _read_section(reader, table, row, view_group, f"{where} {table.key}")
                continue
            group = reader.row_group(view_group, table.key, label, chosen)
            w = f"{where} {table.key} {label}"
            if table.key == "curve":
                reader.number(row[1], group, "counted", w)
                reader.number(row[2], group, "at_target", w, share_of="counted")
            elif table.key == "cohorts":
                reader.number(row[1], group, "people", w)
                reader.number(row[2], group, "at_target", w, share_of="counted")
                for order, cell in zip(tiers, row[3:], strict=True):
                    reader.number(cell, group, f"reached{order}", w, share_of="people")
            elif table.key == "champion_coverage":
                reader.number(row[1], group, "people", w)
                reader.number(row[2], group, "champions", w)
            else:
                reader.number(row[1], group, "people", w)
                reader.number(row[2], group, "counted", w)
                reader.number(row[3], group, "at_target", w)
                reader.number(row[4], group, "at_target", w, share_of="counted")
                for order, cell in zip(tiers, row[5:-1], strict=True):
                    reader.number(cell, group, f"reached{order}", w, share_of="people")


def _read_section(reader, table, row, view_group, where):
    if table.key == "signins":
        measure = {"Signed in within the last 7 days": "signed7"}.get(
            row[0], "signed30" if "30" in row[0] else "never"
        )
        reader.number(row[1], view_group, measure, f"{where} {row[0]}")
        reader.number(row[2], view_group, measure, f"{where} {row[0]}", share_of="people")
    else:  # no bookings, votes, waves or pulse answers in these organisations
        assert not table.rows, (where, table.rows)


# The property --------------------------------------------------------------------------------


def _views(departments, roles, locations):
    yield "whole organisation", None, None
    for d in departments:
        yield f"department {d.name}", "department", d.pk
    for r in roles:
        yield f"role {r.name}", "role", r.pk
    for loc in locations:
        yield f"location {loc.name}", "location", loc.pk


# No shrinking: each step of it builds an organisation and reads a dozen reports, and a failure
# prints its organisation as drawn, which is small enough to read.
@settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target],
)
@given(organisation=organisations(), threshold=st.sampled_from([3, 5]))
def test_no_hidden_number_can_be_worked_out(leader_user, organisation, threshold):
    with transaction.atomic(), override_settings(REPORT_MIN_GROUP=threshold):
        frames_forget()
        made, role_rows, location_rows, staff = _build(*organisation)
        _check(leader_user, made, role_rows, location_rows, staff)
        transaction.set_rollback(True)
    frames_forget()


def _check(leader_user, departments, roles, locations, staff):
    def report(params: str):
        scope = report_scope(user=leader_user, staff=None, params=QueryDict(params))
        return adoption_report(scope=scope, now=NOW)

    whole = report("period=4w")
    week_ends = [
        int(NOW.timestamp() * 1_000_000) - (3 - j) * int(WEEK.total_seconds() * 1_000_000)
        for j in range(4)
    ]
    reader = Reader(whole.frame, whole.scope.tree, departments, roles, locations, week_ends)
    reader.identities()
    for where, kind, value in _views(departments, roles, locations):
        if kind is not None and value not in dict(whole.scope.choices[kind]):
            continue  # nobody active there: the filter answers 404
        adoption = whole if kind is None else report(f"{kind}={value}&period=4w")
        chosen = value if kind == "department" else None
        _read(reader, adoption, reader.view_group(kind, value), chosen, where)
    determined = reader.determined()
    assert not determined, f"worked out from the rest: {determined}"
    # A reporting line, or two filters at once, shows a leader no number at all.
    managers = {s.manager_id for s in staff if s.manager_id}
    for params in [f"line={pk}&period=4w" for pk in sorted(managers)[:2]] + (
        [f"department={departments[0].pk}&role={roles[0].pk}&period=4w"]
        if whole.scope.choices["role"] and _both(staff, departments[0], roles[0])
        else []
    ):
        adoption = report(params)
        assert all(not table.rows for table in adoption.tables() if table.key != "people")
        assert {getattr(adoption.headline, f) for f in ("people", "share")} == {SUPPRESSED}


def _both(staff, department, role) -> bool:
    return any(s.department_id == department.pk and s.role_id == role.pk for s in staff)


def test_the_leaders_example_from_the_issue(leader_user):
    """Engineering: 5 software engineers and 1 IT administrator. Filtered to Engineering, the
    engineers' row is withheld with the administrator's, and so the administrator's status
    cannot be read as Engineering's minus the engineers'."""
    aware = Tier.objects.get(order=1)
    engineering, sales = DepartmentFactory(name="Engineering"), DepartmentFactory(name="Sales")
    engineer = RoleFactory(name="Software Engineer", target_tier=aware)
    admin = RoleFactory(name="IT Administrator", target_tier=aware)
    seller = RoleFactory(name="Seller", target_tier=aware)
    place = LocationFactory(name="London")
    people = [
        *[(engineering, engineer, i < 3) for i in range(5)],
        (engineering, admin, False),
        *[(sales, seller, i < 4) for i in range(7)],
        *[(sales, admin, i < 1) for i in range(5)],
    ]
    for i, (department, role, aware_now) in enumerate(people):
        person = StaffFactory(
            display_name=f"P{i}",
            department=department,
            role=role,
            location=place,
            start_date=date(2020, 1, 1),
        )
        if aware_now:
            TierAttainment.objects.create(
                staff=person, tier=aware, reached_at=NOW - timedelta(days=30)
            )
    scope = report_scope(
        user=leader_user, staff=None, params=QueryDict(f"department={engineering.pk}")
    )
    adoption = adoption_report(scope=scope, now=NOW)
    assert adoption.headline.people == 6
    by_role = {row[0]: row[1:] for row in adoption.breakdowns[1].rows}
    assert set(by_role["IT Administrator"]) == {SUPPRESSED}
    assert set(by_role["Software Engineer"]) == {SUPPRESSED}  # 6 - 5 would be the administrator
    assert math.isclose(adoption.headline.share, 3 / 6)
