"""Departments as a tree (teams are child departments), and each person's group at a report's
level of it.

A report is always at one level of the tree: the whole scope shows its top-level departments,
a department shows its teams (each counting everyone under it, grand-children included) and
the people directly in it. The groups at a level add up to the level's total, so a single
hidden group would never be safe; which groups are hidden, at every level and in every view
alike, is decided in `disclosure`.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from .frames import NONE


@dataclass(frozen=True)
class Tree:
    """The departments' parents and children, read once with their names."""

    parent: dict[int, int | None]
    children: dict[int | None, list[int]] = field(default_factory=dict)

    @classmethod
    def of(cls, rows: Iterable[tuple[int, int | None]]) -> "Tree":
        parent = dict(rows)
        # A parent that is not a department (or a loop) makes its child a top-level one.
        parent = {
            d: p if p in parent and not _loops(parent, d) else None for d, p in parent.items()
        }
        children: dict[int | None, list[int]] = {}
        for department, up in parent.items():
            children.setdefault(up, []).append(department)
        return cls(parent=parent, children=children)

    def ancestors(self, department: int) -> list[int]:
        """From the top of the tree down to `department`'s parent."""
        chain = []
        up = self.parent.get(department)
        while up is not None:
            chain.append(up)
            up = self.parent.get(up)
        return chain[::-1]

    def subtree(self, department: int) -> set[int]:
        """`department` and every department under it."""
        found, todo = set(), [department]
        while todo:
            current = todo.pop()
            if current not in found:
                found.add(current)
                todo.extend(self.children.get(current, []))
        return found

    def has_teams(self, department: int) -> bool:
        return bool(self.children.get(department))

    def group_of(self, focus: int | None) -> dict[int, int]:
        """Each department at or under `focus` (everything for None) mapped to its group at
        the level under `focus`: the team of `focus` it belongs to, or `focus` itself."""
        tops = self.children.get(focus, []) if focus is not None else self.children.get(None, [])
        mapping = {focus: focus} if focus is not None else {}
        for top in tops:
            for department in self.subtree(top):
                mapping[department] = top
        return mapping


def _loops(parent: dict, department: int) -> bool:
    seen, up = {department}, parent.get(department)
    while up is not None:
        if up in seen:
            return True
        seen.add(up)
        up = parent.get(up)
    return False


def groups_at(tree: Tree, focus: int | None, departments: np.ndarray) -> np.ndarray:
    """Each person's group at the level under `focus`, from their department (NONE stays
    NONE at the top; people outside `focus`'s subtree get NONE too, but are not asked)."""
    mapping = tree.group_of(focus)
    lookup = np.vectorize(lambda d: mapping.get(int(d), NONE), otypes=[np.int64])
    return lookup(departments) if len(departments) else departments.astype(np.int64)
