"""What a reader can work out from the numbers a report shows, by exact linear algebra.

Every number of a report is a sum over a group of people (a count, or a count behind a share).
Split the organisation into its smallest groups (people with the same department, role,
location and start quarter): a shown number is then a known sum of unknown per-group values,
one linear equation. A hidden number can be worked out from the shown ones, by any amount of
adding and subtracting, exactly when its own row (which groups it sums) is a combination of
the shown numbers' rows. This module answers that question for many rows at once.

Arithmetic is modulo the prime 2**31 - 1, so every step is exact and fits numpy's and
Python's small integers. Over the rationals and modulo this prime the answers agree unless the
prime divides a minor of the matrix of shown rows (0/1 rows of group memberships); the property
test (`tests/portal/reports/test_differencing.py`) checks with exact fractions.

- `echelon(rows)` reduces the shown rows (each a list of group ids) once, keeping for every
  pivot row which shown rows it was made of;
- `null_vector` is a random change of the per-group values that no shown number notices: a
  hidden number it changes cannot be worked out (it is a certificate);
- `solved(row, echelon)` is, for a hidden number that can be worked out, the shown rows that
  give it, so the caller can hide one of them.
"""

import heapq
import random
from collections.abc import Sequence
from dataclasses import dataclass

PRIME = 2_147_483_647  # 2**31 - 1: products of two residues fit in 62 bits


@dataclass
class Echelon:
    """Shown rows in reduced form: (pivot column, row, history), where the row has 1 at its
    pivot and the history maps the index of each shown row it combines to its coefficient."""

    pivots: list[tuple[int, dict[int, int], dict[int, int]]]


def echelon(rows: Sequence[Sequence[int]]) -> Echelon:
    """Gaussian elimination of 0/1 rows (lists of column ids), sparse, shortest rows first and
    on their least shared column (Markowitz's rule), which keeps the rows short: most shown
    numbers are about small groups."""
    reduced = [dict.fromkeys(row, 1) for row in rows]
    history = [{i: 1} for i in range(len(rows))]
    holders: dict[int, set[int]] = {}
    for i, row in enumerate(reduced):
        for column in row:
            holders.setdefault(column, set()).add(i)
    pivots = []
    done = [False] * len(reduced)
    # The shortest row next: a heap of (length, row), queued again whenever a pivot changes a
    # row's length; entries with an older length are skipped.
    queue = [(len(row), i) for i, row in enumerate(reduced) if row]
    heapq.heapify(queue)
    while queue:
        length, i = heapq.heappop(queue)
        row = reduced[i]
        if done[i] or length != len(row) or not row:
            continue  # taken, or an older length of a row queued again since
        done[i] = True
        pivot = min(row, key=lambda c: len(holders[c]))
        inverse = pow(row[pivot], PRIME - 2, PRIME)
        for column in row:
            row[column] = row[column] * inverse % PRIME
            holders[column].discard(i)
        made_of = history[i]
        for k in made_of:
            made_of[k] = made_of[k] * inverse % PRIME
        for j in list(holders[pivot]):
            factor = reduced[j][pivot]
            _subtract(reduced[j], row, factor, holders, j)
            _forget(history[j], made_of, factor)
            if reduced[j]:
                heapq.heappush(queue, (len(reduced[j]), j))
        pivots.append((pivot, row, made_of))
    return Echelon(pivots)


def _subtract(target: dict, row: dict, factor: int, holders: dict, index: int) -> None:
    """target -= factor * row, keeping `holders` (column -> rows with it) up to date."""
    for column, value in row.items():
        new = (target.get(column, 0) - factor * value) % PRIME
        if new:
            if column not in target:
                holders[column].add(index)
            target[column] = new
        elif column in target:
            del target[column]
            holders[column].discard(index)


def _forget(history: dict, made_of: dict, factor: int) -> None:
    """A row's history after `factor` times a pivot row was subtracted from it."""
    for k, value in made_of.items():
        new = (history.get(k, 0) - factor * value) % PRIME
        if new:
            history[k] = new
        else:
            history.pop(k, None)


def null_vector(reduced: Echelon, columns: int, rng: random.Random) -> list[int]:
    """A random vector (one value per column) that every shown row sums to zero: free columns
    random, pivot columns solved from the last pivot back."""
    pivotal = {pivot for pivot, _, _ in reduced.pivots}
    vector = [0 if c in pivotal else rng.randrange(1, PRIME) for c in range(columns)]
    for pivot, row, _ in reversed(reduced.pivots):
        total = sum(value * vector[c] for c, value in row.items() if c != pivot)
        vector[pivot] = -total % PRIME
    return vector


def sums(vector: Sequence[int], row: Sequence[int]) -> int:
    return sum(vector[c] for c in row) % PRIME


def solved(row: Sequence[int], reduced: Echelon) -> dict[int, int] | None:
    """The shown rows (index: coefficient) that add up to `row`, or None when no combination
    of them does (the number is safe)."""
    remainder = dict.fromkeys(row, 1)
    combination: dict[int, int] = {}
    for pivot, pivot_row, made_of in reduced.pivots:
        factor = remainder.get(pivot)
        if not factor:
            continue
        for column, value in pivot_row.items():
            new = (remainder.get(column, 0) - factor * value) % PRIME
            if new:
                remainder[column] = new
            else:
                remainder.pop(column, None)
        for k, value in made_of.items():
            combination[k] = (combination.get(k, 0) + factor * value) % PRIME
    if remainder:
        return None
    return {k: v for k, v in combination.items() if v}
