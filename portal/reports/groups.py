"""Counting the people of a report by group (department, role, location, cohort): one pass of
`np.bincount` per number over the people frame, whatever the number of groups."""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .frames import NONE
from .tables import SUPPRESSED, count, share


@dataclass(frozen=True)
class Groups:
    """Counts per group, each one pass of `np.bincount` over the people (no Python loop)."""

    keys: np.ndarray
    people: np.ndarray
    targeted: np.ndarray
    at_target: np.ndarray
    reached: np.ndarray  # [tier index, group]: people holding that tier or a higher one

    def cells(self, i: int, *, people_hidden: bool, target_hidden: bool) -> list:
        """Group `i`'s People / With a target / At or above target / Share at target /
        Reached cells. The share's denominator is shown beside it (the people whose role asks
        a tier, not everyone), and the count at target is withheld with the share, so the two
        never disagree. Which are hidden is the caller's to say (`disclosure`), per family:
        the people (counts, tiers reached) and those with a target."""
        n, targeted = int(self.people[i]), int(self.targeted[i])
        return [
            count(n, n, hidden=people_hidden),
            SUPPRESSED if target_hidden else count(targeted, targeted),
            SUPPRESSED if target_hidden else count(int(self.at_target[i]), targeted),
            SUPPRESSED if target_hidden else share(int(self.at_target[i]), targeted),
            *(share(int(r[i]), n, hidden=people_hidden) for r in self.reached),
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
