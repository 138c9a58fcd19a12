"""The champions app's answer to “who should go first?”: suggested first movers for a wave.

Why here: the rollout (in `portal`) imports no domain app, so it asks registered providers.
The people most likely to lead a wave are the ones the champion score already finds, so this
scores everyone active exactly as the champion review queue does, and explains each score with
the same breakdown. One scoring pass plus one query for the people, however many there are.
"""

from datetime import datetime

from django.utils import timezone

from portal.rollout.suggestions import Suggestion

from .models import ScoreSettings
from .scoring import breakdown
from .selectors import _people, _scored


def first_movers(
    *, limit: int, exclude: set[int] | frozenset[int] = frozenset(), now: datetime | None = None
) -> list[Suggestion]:
    """Everyone active with a score above nothing, best first, none of `exclude` (staff pks),
    at most `limit`; each with its score explained term by term."""
    settings = ScoreSettings.current()
    signals, points = _scored(now or timezone.now(), settings)
    if points.empty or limit <= 0:
        return []
    scored = points[(points["score"] > 0) & ~points.index.isin(list(exclude))]
    top = scored.sort_values("score", ascending=False, kind="stable").head(limit)
    people = _people(top.index)
    return [
        Suggestion(
            staff=people[i],
            score=float(points.at[i, "score"]),
            reasons=[row for row in breakdown(signals.loc[i], settings) if row["points"]],
        )
        for i in top.index
        if i in people
    ]
