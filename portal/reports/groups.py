"""Counting the people of a report by group (department, role, location, cohort): one pass of
`np.bincount` per number over the people frame, whatever the number of groups."""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .frames import NONE
from .tables import MIN_GROUP, SUPPRESSED, count, share


@dataclass(frozen=True)
class Groups:
    """Counts per group, each one pass of `np.bincount` over the people (no Python loop)."""

    keys: np.ndarray
    people: np.ndarray
    targeted: np.ndarray
    at_target: np.ndarray
    reached: np.ndarray  # [tier index, group]: people holding that tier or a higher one

    def cells(self, i: int) -> tuple[int, list]:
        """Group `i`'s size, and its People / At target / Share / Reached cells."""
        n = int(self.people[i])
        return n, [
            count(n, n),
            count(int(self.at_target[i]), n),
            share(int(self.at_target[i]), int(self.targeted[i])) if n >= MIN_GROUP else SUPPRESSED,
            *(share(int(r[i]), n) for r in self.reached),
        ]


def groups_count(people: pd.DataFrame, keys: np.ndarray, orders) -> Groups:
    codes, unique = pd.factorize(keys, sort=True)

    def total(weights=None) -> np.ndarray:
        return np.bincount(codes, weights=weights, minlength=len(unique)).astype(np.int64)

    current = people["current"].to_numpy()
    return Groups(
        keys=unique,
        people=total(),
        targeted=total(people["counted"].to_numpy()),
        at_target=total(people["at_target"].to_numpy()),
        reached=np.array([total(current >= order) for order in orders]).reshape(
            len(orders), len(unique)
        ),
    )


def group_label(value, lookup: dict, missing: str) -> str:
    return missing if value == NONE else lookup.get(int(value), "?")
