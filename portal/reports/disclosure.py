"""Which numbers a report may show: small groups hidden, and hidden so they stay hidden.

Hiding every number about fewer than `REPORT_MIN_GROUP` people, cell by cell, is not enough:
Engineering's 6 minus its 5 Software Engineers is its one IT administrator. So, for a reader
who sees no names, every number is decided once for the whole organisation, across every view
they can open (`cells`), by complementary (secondary) cell suppression, the method national
statistics offices use for published tables:

1. *primary*: every group of fewer than the threshold (but not nobody) is hidden;
2. *complementary*: then, as long as some hidden number can be worked out exactly from the
   shown ones (`solving`: is its row a combination of the shown rows?), one of the shown
   numbers it is worked out from is hidden too, the cheapest (a cross cell before a total,
   a small group before a large one, counting the sibling a lone hidden department, role or
   cohort would drag along), and the check runs again; then the costliest of those choices
   get a second look (shown again, the rounds rerun without them, kept if cheaper);
3. it ends when a random change of the unknowns that no shown number notices changes every
   hidden one: that change is the proof that none of them can be worked out.

A group is shown or hidden the same way in every table and every view it appears in, since the
decision is about the group, not the table. Numbers come in families with their own people:
"people" (counts, tiers reached: everyone in the group), "target" (people with a target and at
it: those whose role asks a tier and who have started; a group hidden for "people" is hidden for
"target" too), and, for the trend, each past week's people with a target. A week's numbers are
shown only for a view's own group, so a week is decided over views alone.

A reader who sees names (a manager in their own line, the programme's organisers) gets the rule
of the threshold cell by cell, as before: every person is on their screen anyway. A reporting
line, or a view with more than one filter, shows no numbers to a reader without names: a line
minus a department, or a department crossed with a role and a location, is too often one
person. See docs/privacy.md.

The decision is kept per process and in the shared cache under a digest of everything it
depends on (who is where, who has a target, the threshold), so it is made once per change of
the directory, not per request.
"""

import hashlib
import random
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from django.core.cache import cache

from . import solving
from .cells import EVERYONE, Key, Universe, is_view, siblings, universe_build, within
from .tables import min_group
from .teams import Tree

PEOPLE, TARGET = "people", "target"
VERSION = 1  # of the method: a change drops every decision kept in the cache
CACHE_SECONDS = 24 * 3600
_KEEP = 256  # decisions kept per process (a year of trend weeks for a few states)
_EXPENSIVE = 25  # hiding a whole view costs this many times a cross cell of the same size
_SECOND_LOOKS = 6  # complementary classes looked at again, costliest first
_FORBIDDEN = 1e15  # the cost of a class while the rounds look for a way around it


@dataclass(frozen=True)
class Pattern:
    """The hidden groups, per family, of the whole organisation for a reader without names."""

    shown: frozenset[Key]  # every group with anyone in it that such a report can show
    hidden: dict[str, frozenset[Key]]  # per family: PEOPLE, TARGET (the weeks: `week_hidden`)


@dataclass(frozen=True)
class People:
    """The organisation as the decision sees it: one value per active person."""

    department: np.ndarray  # their own department (NONE: none)
    role: np.ndarray
    location: np.ndarray
    cohort: np.ndarray  # `selectors.cohort_keys`
    counted: np.ndarray  # bool: has a target and has joined the programme
    tree: Tree

    @cached_property
    def digest(self) -> str:
        parts = [self.department, self.role, self.location, self.cohort, self.counted]
        h = hashlib.blake2b(digest_size=16)
        h.update(f"{VERSION}:{_fresh[0]}:{min_group()}:{len(self.counted)}".encode())
        for part in parts:
            h.update(np.ascontiguousarray(part, dtype=np.int64).tobytes())
        h.update(repr(sorted(self.tree.parent.items(), key=str)).encode())
        return h.hexdigest()


_lock = threading.Lock()
_kept: dict[str, object] = {}
_fresh = [""]  # mixed into every key: renewed, the shared cache's decisions are not found


def disclosure_forget(*, shared: bool = False) -> None:
    """Drop the decisions this process keeps (with the report frames, see `frames_forget`),
    and with `shared`, stop finding those the shared cache keeps (the bench, timing a new
    decision; other processes still find them)."""
    with _lock:
        _kept.clear()
        if shared:
            _fresh[0] = uuid.uuid4().hex


def _kept_or_made(key: str, make: Callable[[], object]) -> object:
    """The value kept under `key` in this process, else in the shared cache, else made (and
    kept in both)."""
    value = _kept.get(key)
    if value is None:
        value = cache.get(f"reports:disclosure:{key}")
        if value is None:
            value = make()
            cache.set(f"reports:disclosure:{key}", value, CACHE_SECONDS)
    with _lock:
        if len(_kept) > _KEEP:
            _kept.clear()
        _kept[key] = value
    return value


def pattern_for(people: People) -> Pattern:
    return _kept_or_made(f"pattern:{people.digest}", lambda: _pattern(people))


def _pattern(people: People) -> Pattern:
    universe = _universe(people)
    everyone = np.ones(universe.atoms, dtype=np.int64)
    counted = np.bincount(
        universe.atom_of, weights=people.counted.astype(np.int64), minlength=universe.atoms
    ).astype(np.int64)
    size = np.bincount(universe.atom_of, minlength=universe.atoms).astype(np.int64)
    hidden_people = protect(universe, population=size, unknown=everyone > 0)
    hidden_target = protect(universe, population=counted, unknown=counted > 0, forced=hidden_people)
    return Pattern(
        shown=frozenset(universe.keys),
        hidden={
            PEOPLE: frozenset(universe.keys[i] for i in np.flatnonzero(hidden_people)),
            TARGET: frozenset(universe.keys[i] for i in np.flatnonzero(hidden_target)),
        },
    )


def week_hidden(people: People, pattern: Pattern, joined: np.ndarray) -> frozenset[Key]:
    """The views whose numbers for one past week (people with a target who had joined by then:
    `joined`, one bool per person) are hidden: those hidden for "target" now, and those the
    week's own small groups make so."""
    if np.array_equal(joined, people.counted):
        return frozenset(k for k in pattern.hidden[TARGET] if is_view(k))
    h = hashlib.blake2b(np.packbits(joined).tobytes(), digest_size=16).hexdigest()
    return _kept_or_made(f"week:{people.digest}:{h}", lambda: _week(people, pattern, joined))


def _week(people: People, pattern: Pattern, joined: np.ndarray) -> frozenset[Key]:
    universe = _universe(people)
    per_atom = np.bincount(
        universe.atom_of, weights=joined.astype(np.int64), minlength=universe.atoms
    ).astype(np.int64)
    views = np.array([is_view(k) for k in universe.keys])
    forced = np.array([k in pattern.hidden[TARGET] for k in universe.keys])
    hidden = protect(
        universe, population=per_atom, unknown=per_atom > 0, forced=forced, among=views
    )
    return frozenset(universe.keys[i] for i in np.flatnonzero(hidden & views))


def _universe(people: People) -> Universe:
    """The groups of `people`, kept in this process only (large, and quick to rebuild)."""
    key = f"universe:{people.digest}"
    universe = _kept.get(key)
    if universe is None:
        universe = universe_build(
            department=people.department,
            role=people.role,
            location=people.location,
            cohort=people.cohort,
            tree=people.tree,
        )
        with _lock:
            _kept[key] = universe
    return universe


def protect(
    universe: Universe,
    *,
    population: np.ndarray,
    unknown: np.ndarray,
    forced: np.ndarray | None = None,
    among: np.ndarray | None = None,
) -> np.ndarray:
    """Which of the universe's groups to hide (one bool per group), for numbers about
    `population` (per atom); `unknown` says which atoms a reader does not know to be zero for
    these numbers, `forced` which groups must be hidden whatever their size, `among` which
    groups show these numbers at all (all of them by default).

    Groups made of the same atoms are one number under two names (a department whose people
    all hold one role is also that role's row): they are decided together, as one class, and
    hiding one costs what hiding all of them does."""
    threshold = min_group()
    n = len(universe.keys)
    among = np.ones(n, dtype=bool) if among is None else among
    forced = np.zeros(n, dtype=bool) if forced is None else forced
    size = universe.sizes(population)
    weight = np.array([1 if len(k) > 1 else _EXPENSIVE for k in universe.keys], dtype=np.float64)
    if EVERYONE in universe.index:
        weight[universe.index[EVERYONE]] = 1e12  # the last resort
    classes: dict[tuple, int] = {}
    class_of = np.full(n, -1, dtype=np.int64)
    for i in np.flatnonzero(among):
        row = tuple(a for a in universe.members[i] if unknown[a])
        if row:  # else nobody is behind it: there is nothing to hide
            class_of[i] = classes.setdefault(row, len(classes))
    rows = [list(row) for row in classes]
    if not rows:
        return np.zeros(n, dtype=bool)
    cost = np.zeros(len(rows))
    must = np.zeros(len(rows), dtype=bool)
    for i in np.flatnonzero(class_of >= 0):
        c = class_of[i]
        cost[c] += (size[i] + 1) * weight[i]
        must[c] |= bool(size[i] < threshold or forced[i])
    partners = [set() for _ in rows]
    for i, others in siblings(universe).items():
        if class_of[i] >= 0:
            partners[class_of[i]].update(int(class_of[j]) for j in others if class_of[j] >= 0)
    for c, others in enumerate(partners):
        others.discard(c)
    hidden = _complement(rows, must.copy(), cost, universe.atoms, partners)
    hidden = _uncover(rows, hidden, must, cost, universe.atoms, partners)
    return (class_of >= 0) & hidden[np.maximum(class_of, 0)]


def _complement(rows, hidden, cost, atoms: int, partners) -> np.ndarray:
    """Hide more classes until no hidden one can be worked out from the shown ones: each
    round, for every hidden class a random unnoticed change misses, the cheapest shown class
    in a combination that works it out is hidden. A department, role, location or cohort
    hidden while all its siblings show would need a second one at once: that one's cost is
    counted in (`partners`)."""
    rng = random.Random(0)  # noqa: S311 - a proof's random point, not a secret
    while True:
        shown = np.flatnonzero(~hidden)
        reduced = solving.echelon([rows[i] for i in shown])
        vector = solving.null_vector(reduced, atoms, rng)
        found = [h for h in np.flatnonzero(hidden) if solving.sums(vector, rows[h]) == 0]
        if not found:
            return hidden
        for h in found:
            combination = solving.solved(rows[h], reduced)
            if combination is None:
                continue  # the random change missed it by chance (1 in 2**31): next round
            candidates = [shown[i] for i in combination if not hidden[shown[i]]]
            if candidates:  # else an earlier choice of this round already broke it
                hidden[min(candidates, key=lambda c: (_ahead(c, hidden, cost, partners), c))] = True


def _ahead(c: int, hidden, cost, partners) -> float:
    """The cost of hiding class `c`, with the sibling it would need hidden too."""
    others = partners[c]
    if not others or any(hidden[o] for o in others):
        return cost[c]
    return cost[c] + min(cost[o] for o in others)


def _uncover(
    rows, hidden, must, cost, atoms: int, partners, attempts: int = _SECOND_LOOKS
) -> np.ndarray:
    """The greedy rounds hide more than needed, and one early choice can force costlier ones
    later (a department hidden for a role's sake, then its sister department for its own).
    The costliest complementary classes get a second look, one at a time: shown again, and the
    rounds rerun without it; kept if what they hide instead costs less."""
    total = cost[hidden].sum()
    for c in sorted(np.flatnonzero(hidden & ~must), key=lambda c: (-cost[c], c))[:attempts]:
        if not hidden[c]:
            continue  # an earlier second look showed it again
        trial = hidden.copy()
        trial[c] = False
        kept = cost[c]
        cost[c] = _FORBIDDEN  # hidden again only if nothing else will do
        trial = _complement(rows, trial, cost, atoms, partners)
        cost[c] = kept
        if cost[trial].sum() < total:
            hidden, total = trial, cost[trial].sum()
    return hidden


@dataclass(frozen=True)
class Disclosure:
    """What one view of a report may show, asked cell by cell by the tables that build it."""

    names: bool  # the reader sees names: the threshold cell by cell, nothing more
    view: Key  # the view's own group
    tree: Tree
    pattern: Pattern | None = None
    people: People | None = None
    published: bool = True
    reason: str = ""
    _weeks: dict = field(default_factory=dict, compare=False)

    def group(self, pair: tuple[str, int] | None) -> Key:
        """The key of the view's people in `pair` (None: the view itself)."""
        return self.view if pair is None else within(self.view, pair, self.tree)

    def shows(self, key: Key) -> bool:
        """Whether a table may break the view down into this group at all (a reader without
        names sees only the groups of `cells`)."""
        if self.names:
            return True
        return self.published and self.pattern is not None and key in self.pattern.shown

    def hidden(self, key: Key, family: str, size: int) -> bool:
        """Whether the numbers of `family` about `key` (`size` people behind them) are hidden."""
        if size < min_group():
            return True
        if self.names:
            return False
        if not self.shows(key):
            return True
        return key in self.pattern.hidden[family]

    def week_hidden(self, key: Key, joined: np.ndarray, size: int) -> bool:
        """Whether a past week's numbers about the view (`joined`: who counted that week,
        one bool per person of the organisation) are hidden."""
        if size < min_group():
            return True
        if self.names:
            return False
        if not self.shows(key):
            return True
        digest = hashlib.blake2b(np.packbits(joined).tobytes(), digest_size=8).hexdigest()
        found = self._weeks.get(digest)
        if found is None:
            found = self._weeks[digest] = week_hidden(self.people, self.pattern, joined)
        return key in found
