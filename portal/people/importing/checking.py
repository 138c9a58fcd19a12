"""The whole-file checks: the rules no row can break on its own.

The same employee id or address twice in the file, an address that belongs to someone the file
leaves out, a manager nobody can be found for, and loops of managers. They compare rows with one
another and with the directory as it stands (`Existing`, read once by the plan); each only adds
reasons to lines, so one run names every bad row rather than stopping at the first.
"""

import unicodedata
from collections import defaultdict
from datetime import date
from typing import NamedTuple

from .reading import SHOW_AT_MOST, StaffRow, show, show_lines
from .results import Problems


class Existing(NamedTuple):
    pk: int
    employee_id: str
    email: str
    display_name: str
    department_id: int | None
    role_id: int | None
    location_id: int | None
    manager_id: int | None
    start_date: date | None
    active: bool


def email_key(email: str) -> str:
    """Two addresses that differ only in case or Unicode form (fullwidth, ligatures) are one."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", email).casefold())


def duplicates_check(rows: list[StaffRow], problems: Problems) -> None:
    by_email: dict[str, list[int]] = defaultdict(list)
    by_id: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        if row.email_ok:
            by_email[email_key(row.email)].append(row.line)
        if row.employee_id:
            by_id[row.employee_id].append(row.line)
    for lines in by_email.values():
        for line in lines if len(lines) > 1 else ():
            problems[line].append(
                f"email is the same as on {show_lines(lines, leaving=line)} (compared ignoring "
                "case and character width)"
            )
    for lines in by_id.values():
        for line in lines if len(lines) > 1 else ():
            problems[line].append(f"employee_id is also on {show_lines(lines, leaving=line)}")


def taken_emails_check(
    rows: list[StaffRow], existing: dict[str, Existing], problems: Problems
) -> None:
    """An address may not belong to someone else, unless the file gives them another one."""
    owners: dict[str, list[str]] = defaultdict(list)
    for staff in existing.values():
        owners[email_key(staff.email)].append(staff.employee_id)
    in_file = {row.employee_id for row in rows}
    for row in rows:
        if not row.email_ok:
            continue
        for owner in owners.get(email_key(row.email), ()):
            if owner != row.employee_id and owner not in in_file:
                problems[row.line].append(
                    f"email {show(row.email)} already belongs to employee {show(owner)}, "
                    "who is not in this file"
                )


def managers_resolve(
    rows: list[StaffRow], existing: dict[str, Existing], problems: Problems
) -> dict[str, str]:
    """Employee id -> their manager's employee id, found by email in the file, else active staff."""
    in_file: dict[str, str] = {}
    for row in rows:
        if row.email_ok and row.employee_id:
            in_file.setdefault(email_key(row.email), row.employee_id)
    active = {
        email_key(staff.email): staff.employee_id for staff in existing.values() if staff.active
    }
    manager_of = {}
    for row in rows:
        if not row.manager_ok:
            continue
        key = email_key(row.manager_email)
        manager = in_file.get(key) or active.get(key)
        if manager is None:
            problems[row.line].append(
                f"manager_email {show(row.manager_email)} matches no one in this file and "
                "no active member of staff"
            )
        elif row.employee_id:
            manager_of[row.employee_id] = manager
    return manager_of


def manager_loops_check(
    rows: list[StaffRow],
    existing: dict[str, Existing],
    manager_of: dict[str, str],
    problems: Problems,
) -> None:
    """Nobody may manage themselves, directly or round a loop; name every row in a loop."""
    lines_of: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        lines_of[row.employee_id].append(row.line)
    id_of = {staff.pk: employee_id for employee_id, staff in existing.items()}
    edges = dict(manager_of)
    for employee_id, staff in existing.items():  # staff the file leaves as they are
        if employee_id not in lines_of and staff.manager_id in id_of:
            edges[employee_id] = id_of[staff.manager_id]
    for loop in _loops(edges):
        lines = sorted(line for employee_id in loop for line in lines_of.get(employee_id, ()))
        outside = [employee_id for employee_id in loop if employee_id not in lines_of]
        if len(loop) == 1:
            message = "manager_email is their own email: nobody manages themselves"
        else:
            message = f"manager_email makes a loop of managers: {show_lines(lines)}"
            if outside:
                ids = ", ".join(show(employee_id) for employee_id in outside[:SHOW_AT_MOST])
                message += f" and staff not in this file ({ids})"
        for line in lines:
            problems[line].append(message)


def _loops(edges: dict[str, str]) -> list[list[str]]:
    """The cycles of a graph where each node has at most one outgoing edge (its manager)."""
    done: set[str] = set()
    loops = []
    for start in edges:
        path: dict[str, int] = {}
        node: str | None = start
        while node is not None and node not in done and node not in path:
            path[node] = len(path)
            node = edges.get(node)
        if node is not None and node in path:
            loops.append(list(path)[path[node] :])
        done.update(path)
    return loops
