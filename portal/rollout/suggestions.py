"""Suggested first movers for a wave: the people most likely to lead it.

`portal` imports none of the domain apps; the champions app registers a provider in its
`AppConfig.ready()` that scores people from evidence (community activity, engagement,
nominations) and explains each score the same way as the champion review queue does.
"""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Suggestion:
    staff: object  # portal.people.models.Staff
    score: float
    # The score explained, one row per kind of evidence, as the champion review shows it:
    # {"label": str, "count": int | float, "weight": float, "points": float}
    reasons: list[dict] = field(default_factory=list)


# provider(limit=, exclude=) -> the best `limit` people, best first, none of `exclude` (pks)
Provider = Callable[..., list[Suggestion]]

_providers: list[Provider] = []


def register(provider: Provider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def first_movers_suggested(*, wave, limit: int = 20) -> list[Suggestion]:
    """The best candidates in no wave yet (a person is in one wave at a time), from every
    registered provider, best first."""
    from .models import WaveMember

    exclude = set(WaveMember.objects.values_list("staff_id", flat=True).distinct())
    found: dict[int, Suggestion] = {}
    for provider in _providers:
        for suggestion in provider(limit=limit, exclude=exclude):
            kept = found.get(suggestion.staff.pk)
            if kept is None or suggestion.score > kept.score:
                found[suggestion.staff.pk] = suggestion
    return sorted(found.values(), key=lambda s: -s.score)[:limit]
