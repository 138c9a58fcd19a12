"""The groups a report that names nobody may show, as sets of the organisation's smallest groups.

A group is named by a key: a tuple of (dimension, value) pairs in a fixed order, at most two of
them. `()` is everyone; `(("department", 7),)` everyone in department 7 and its teams;
`(("direct", 7),)` the people in department 7 itself, in none of its teams; `(("department",
7), ("role", 3))` its people in role 3. Departments, roles and locations include NONE ("No
department" and the like), so every breakdown adds up to its total.

These are all the groups a leader can see through the one-filter views of the report: the
whole organisation by department, role, location and start (cohort); a department by team,
role and location; a role by department; a location by department. `Universe` lists every such
group that has anyone in it and, for each, which atoms it is made of: an atom is a set of people
alike in everything a key can name (department, role, location, cohort), the unknowns of a
reader trying to work a hidden number out (`solving`).
"""

from dataclasses import dataclass

import numpy as np

from .frames import NONE
from .teams import Tree

DEPARTMENT, DIRECT, ROLE, LOCATION, COHORT = "department", "direct", "role", "location", "cohort"
_ORDER = {DEPARTMENT: 0, DIRECT: 0, ROLE: 1, LOCATION: 2, COHORT: 3}

Key = tuple[tuple[str, int], ...]
EVERYONE: Key = ()


def key_of(*pairs: tuple[str, int]) -> Key:
    """The key of the people who are in every one of `pairs`, in the canonical order."""
    return tuple(sorted(pairs, key=lambda pair: _ORDER[pair[0]]))


def within(view: Key, pair: tuple[str, int], tree: Tree) -> Key:
    """The key of the people of `view` in the group `pair` (a row of one of its breakdowns):
    a team of a department view is itself (it is inside the view), a role of a role view is
    the view."""
    if not view:
        return (pair,)
    (dimension, value), *rest = view
    if rest:  # a view of two groups is not broken down further
        return (*view, pair)
    if (
        pair[0] in (DEPARTMENT, DIRECT)
        and dimension == DEPARTMENT
        and (pair == (DEPARTMENT, value) or _inside(pair, value, tree))
    ):
        return (pair,)
    if pair[0] == dimension:
        return view if pair[1] == value else (*view, pair)
    return key_of(view[0], pair)


def _inside(pair: tuple[str, int], department: int, tree: Tree) -> bool:
    return pair[1] in tree.subtree(department)


@dataclass(frozen=True)
class Universe:
    """Every group a report that names nobody can show, with its atoms."""

    keys: list[Key]
    index: dict[Key, int]
    members: list[list[int]]  # per group: its atoms
    atom_of: np.ndarray  # per person: their atom
    atoms: int
    tree: Tree

    def sizes(self, per_atom: np.ndarray) -> np.ndarray:
        """Per group: the sum of `per_atom` over its atoms."""
        return np.array([per_atom[m].sum() for m in self.members], dtype=np.int64)


def universe_build(
    *,
    department: np.ndarray,
    role: np.ndarray,
    location: np.ndarray,
    cohort: np.ndarray,
    tree: Tree,
) -> Universe:
    """The groups of the people described by the four arrays (one value per person; the
    department is each person's own, the deepest)."""
    people = np.stack([department, role, location, cohort], axis=1).astype(np.int64)
    if len(people):
        atoms, atom_of = np.unique(people, axis=0, return_inverse=True)
    else:
        atoms, atom_of = people, np.zeros(0, dtype=np.int64)
    index: dict[Key, int] = {}
    members: list[list[int]] = []

    def add(key: Key, atom: int) -> None:
        found = index.get(key)
        if found is None:
            index[key] = found = len(members)
            members.append([])
        members[found].append(atom)

    for atom, (own, r, loc, c) in enumerate(atoms.tolist()):
        add(EVERYONE, atom)
        add(((ROLE, r),), atom)
        add(((LOCATION, loc),), atom)
        add(((COHORT, c),), atom)
        chain = [*tree.ancestors(own), own] if own != NONE else [NONE]
        for department in chain:
            add(((DEPARTMENT, department),), atom)
            add(((DEPARTMENT, department), (ROLE, r)), atom)
            add(((DEPARTMENT, department), (LOCATION, loc)), atom)
        if own != NONE and tree.has_teams(own):
            add(((DIRECT, own),), atom)
            add(((DIRECT, own), (ROLE, r)), atom)
            add(((DIRECT, own), (LOCATION, loc)), atom)
    keys = [None] * len(index)
    for key, i in index.items():
        keys[i] = key
    return Universe(
        keys=keys,
        index=index,
        members=members,
        atom_of=np.asarray(atom_of, dtype=np.int64).reshape(-1),
        atoms=len(atoms),
        tree=tree,
    )


def is_view(key: Key) -> bool:
    """Whether the group is a view of its own (a report with at most one filter)."""
    return len(key) <= 1 and (not key or key[0][0] in (DEPARTMENT, ROLE, LOCATION))


def siblings(universe: Universe) -> dict[int, list[int]]:
    """For each group of one dimension (a department, role, location, cohort), the groups it
    adds up with to a total shown above it: the other departments under the same parent (and
    the parent's own people), every other role, location or cohort. Hiding one of them alone
    would be undone by subtraction, so a second one must go with it."""
    parts: dict[tuple, list[int]] = {}
    for i, key in enumerate(universe.keys):
        if len(key) != 1:
            continue
        dimension, value = key[0]
        if dimension == DEPARTMENT:
            part = (DEPARTMENT, universe.tree.parent.get(value))
        elif dimension == DIRECT:
            part = (DEPARTMENT, value)
        else:
            part = (dimension,)
        parts.setdefault(part, []).append(i)
    return {i: [j for j in group if j != i] for group in parts.values() for i in group}
