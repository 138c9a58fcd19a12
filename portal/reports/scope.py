"""Whose numbers a report may show, and whether it may name anyone.

Leaders (and community managers) see the whole organisation; a people manager sees their own
reporting line (everyone under them, at any depth) and nothing else. A line outside the
caller's reach, or a filter value that does not occur in their scope, is not an error to
explain: it answers 404, exactly like a line that does not exist, so nothing can be learned by
probing. Names appear only to someone in the person's own manager line and to the community
managers who run the programme; everyone else reads aggregates.

Every report view and export goes through `report_scope`, so screen, PDF, XLSX, CSV and the
weekly digest cannot disagree about any of this.
"""

from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from django.http import Http404

from ..people.models import Department, Location, Role, Staff
from ..people.services import directory_cached
from ..permissions import can_run_programme, can_view_reports
from .frames import NONE, Frames, organisation_frames
from .teams import Tree

PERIODS = {"4w": 4, "13w": 13, "26w": 26, "52w": 52}  # weeks of trend and of activity counted
PERIOD_LABELS = {w: f"Last {n} weeks" for w, n in PERIODS.items()}
DEFAULT_PERIOD = "13w"


def line_ids(head_id: int) -> RawSQL:
    """Everyone under `head_id`, at any depth, as a subquery for `pk__in` (one recursive query;
    UNION, not UNION ALL, so even a loop in the manager data ends)."""
    table = Staff._meta.db_table
    # Only the model's own table name is formatted in; the person is a parameter.
    return RawSQL(  # noqa: S611
        f"WITH RECURSIVE line(id) AS (SELECT id FROM {table} WHERE manager_id = %s "  # noqa: S608
        f"UNION SELECT s.id FROM {table} s JOIN line ON s.manager_id = line.id) "
        "SELECT id FROM line",
        [head_id],
    )


def manages_anyone(staff: Staff | None) -> bool:
    """Whether `staff` (still here) has anyone still here reporting to them. Remembered on the
    instance: the permission check and the scope ask it of the same person in one request."""
    if staff is None or not staff.active:
        return False
    if not hasattr(staff, "_manages_anyone"):
        staff._manages_anyone = Staff.objects.filter(manager=staff, active=True).exists()
    return staff._manages_anyone


@dataclass(frozen=True)
class Filters:
    department: int | None = None
    role: int | None = None
    location: int | None = None
    period: str = DEFAULT_PERIOD

    @property
    def weeks(self) -> int:
        return PERIODS[self.period]

    def query(self, line: int | None = None) -> dict[str, str]:
        """The filters as query-string values (what the URL of this view carries)."""
        values = {
            "line": line,
            "department": self.department,
            "role": self.role,
            "location": self.location,
        }
        query = {k: str(v) for k, v in values.items() if v is not None}
        if self.period != DEFAULT_PERIOD:
            query["period"] = self.period
        return query


@dataclass
class ReportScope:
    """The people a report covers and what it may say about them."""

    label: str  # "Whole organisation" or "Morgan Lee's reporting line"
    line_head: Staff | None  # None: the whole organisation
    names_visible: bool
    filters: Filters = field(default_factory=Filters)
    choices: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    lines: list[tuple[str, str]] = field(default_factory=list)  # (line value, label) to switch to
    frames: Frames | None = None  # the organisation's frames, when building the scope read them
    tree: Tree = field(default_factory=lambda: Tree(parent={}))  # departments and their teams

    def people(self, *, filtered: bool = True) -> QuerySet[Staff]:
        """The active staff this view covers (a lazy queryset, usable as a subquery)."""
        people = Staff.objects.filter(active=True)
        if self.line_head is not None:
            people = people.filter(pk__in=line_ids(self.line_head.pk))
        if filtered:
            f = self.filters
            if f.department is not None:  # a department counts everyone in its teams too
                people = people.filter(department_id__in=self.tree.subtree(f.department))
            for name in ("role", "location"):
                if getattr(f, name) is not None:
                    people = people.filter(**{f"{name}_id": getattr(f, name)})
        return people

    def department_trail(self) -> list[tuple[int | None, str]]:
        """Where the chosen department sits: the scope, then each department above it, then
        itself, as (department or None, label), for the breadcrumb back up."""
        chosen = self.filters.department
        if chosen is None:
            return []
        names = dict(self.choices.get("department", []))
        return [
            (None, self.label),
            *((d, names.get(d, "?")) for d in self.tree.ancestors(chosen)),
            (chosen, names.get(chosen, "?")),
        ]

    @property
    def whole_organisation(self) -> bool:
        return self.line_head is None

    @property
    def filter_labels(self) -> list[str]:
        """The chosen filters in words, for titles and export headers."""
        labels = []
        for name in ("department", "role", "location"):
            chosen = getattr(self.filters, name)
            if chosen is not None:
                labels.append(dict(self.choices.get(name, [])).get(chosen, "?"))
        return labels

    @property
    def description(self) -> str:
        return ", ".join([self.label, *self.filter_labels])

    def query(self) -> dict[str, str]:
        return self.filters.query(self.line_head.pk if self.line_head is not None else None)


def _whole_number(value: str | None) -> int | None:
    """A whole number from the query string; anything else is a value no scope contains."""
    text = (value or "").strip()
    if not text:
        return None
    if not (text.isascii() and text.isdigit()) or len(text) > 12:  # "²" is a digit to Python
        raise Http404("No such report.")
    return int(text)


def report_scope(*, user, staff: Staff | None, params) -> ReportScope:
    """The scope `user` asked for with `params` (a QueryDict), or Http404 when it is outside
    what they may see (including when they may see no report at all)."""
    staff = staff if staff is not None and staff.active else None  # someone who left
    organisation = can_view_reports(user) or can_run_programme(user)
    asked = _whole_number(params.get("line"))
    if asked is None:
        head = None if organisation else staff
    else:
        head = Staff.objects.filter(pk=asked, active=True).first()
    if head is None and not organisation:
        raise Http404("No such report.")
    if head is not None and not manages_anyone(head):
        raise Http404("No such report.")
    mine = head is not None and staff is not None and _within(head, staff)
    if head is not None and not organisation and not mine:
        raise Http404("No such report.")
    scope = ReportScope(
        label="Whole organisation" if head is None else f"{head.display_name}'s reporting line",
        line_head=head,
        names_visible=can_run_programme(user) or mine,
    )
    scope.choices = _choices(scope)
    scope.filters = _filters(params, scope.choices)
    if staff is not None and (not organisation or manages_anyone(staff)):
        scope.lines = _lines(staff, organisation=organisation)
    return scope


def _within(head: Staff, staff: Staff) -> bool:
    """Whether `head` is `staff` or anyone under them (one query unless it is themselves)."""
    return (
        head.pk == staff.pk
        or Staff.objects.filter(pk=head.pk).filter(pk__in=line_ids(staff.pk)).exists()
    )


def _choices(scope: ReportScope) -> dict[str, list[tuple[int, str]]]:
    """The departments, roles and locations that occur among the active people in the scope:
    the only filter values it accepts (a department also when only its teams occur, so a
    report can be opened a level up). For the whole organisation they come from the report's
    kept frames (no query beyond theirs); for a line, from one query; then one per name list
    (the departments' with their parents, which the scope keeps as its tree)."""
    if scope.whole_organisation:
        scope.frames = organisation_frames()  # the report reuses them: one state check
        people = scope.frames.people
        occurs = [set(people[name].unique()) for name in ("department", "role", "location")]
    else:
        rows = list(
            scope.people(filtered=False)
            .values_list("department_id", "role_id", "location_id")
            .order_by()
            .distinct()
        )
        occurs = [{row[i] for row in rows} for i in range(3)]
    departments = list(Department.objects.order_by("name").values_list("pk", "name", "parent_id"))
    scope.tree = Tree.of((pk, parent) for pk, _, parent in departments)
    present = {int(pk) for pk in occurs[0] if pk is not None and pk != NONE}
    for department in list(present):
        present.update(scope.tree.ancestors(department))
    choices = {"department": [(pk, name) for pk, name, _ in departments if pk in present]}
    for i, (name, model) in enumerate((("role", Role), ("location", Location)), start=1):
        present = [int(pk) for pk in occurs[i] if pk is not None and pk != NONE]
        choices[name] = list(
            model.objects.filter(pk__in=present).order_by("name").values_list("pk", "name")
        )
    return choices


def _filters(params, choices: dict[str, list[tuple[int, str]]]) -> Filters:
    values = {}
    for name in ("department", "role", "location"):
        chosen = _whole_number(params.get(name))
        if chosen is not None and chosen not in dict(choices[name]):
            raise Http404("No such report.")
        values[name] = chosen
    period = params.get("period") or DEFAULT_PERIOD
    if period not in PERIODS:
        raise Http404("No such report.")
    return Filters(period=period, **values)


def _lines(staff: Staff, *, organisation: bool) -> list[tuple[str, str]]:
    """The lines this person can switch between: the whole organisation (for leaders), their
    own reporting line, and the teams of their direct reports who manage people."""
    direct = (
        Staff.objects.filter(manager=staff, active=True, reports__active=True)
        .distinct()
        .order_by("display_name")
        .values_list("pk", "display_name")
    )
    return [
        *([("", "Whole organisation")] if organisation else []),
        (str(staff.pk), "My reporting line"),
        *((str(pk), f"{name}'s team") for pk, name in direct),
    ]


def may_see_reports(user, staff: Staff | None) -> bool:
    """Leaders, community managers and people managers (who see their own line)."""
    return can_view_reports(user) or can_run_programme(user) or manages_anyone(staff)


def reports_visible(user) -> bool:
    """For the menu, on every page: leaders and community managers by permission; people
    managers by a check kept in the cache until the directory next changes, so the menu costs
    no query per page and a new manager sees Reports on every server at once."""
    if can_view_reports(user) or can_run_programme(user):
        return True
    if not user.is_authenticated:
        return False
    return directory_cached.get(
        f"manages:{user.pk}",
        lambda: Staff.objects.filter(
            manager__user=user, manager__active=True, active=True
        ).exists(),
    )
