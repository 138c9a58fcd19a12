"""A deliberately naive tier evaluator, written from the definition, to check the real one.

At every moment where anything could change (an event, or an event leaving a window), count
the events each requirement accepts and decide each tier; then read off the periods.
"""

from datetime import timedelta

FOREVER = None


def holds(requirement, events, at) -> bool:
    # An event of the ending kind at or before `at` ends it: only events after the last count.
    ended = max(
        (when for kind, _, when in events if requirement.ended_by == kind and when <= at),
        default=None,
    )
    counted = [
        subject
        for kind, subject, when in events
        if kind == requirement.event_kind
        and (not requirement.subject or subject == requirement.subject)
        and when <= at
        and (ended is None or when > ended)
        and (requirement.window_days is None or when > at - timedelta(days=requirement.window_days))
    ]
    count = len(set(counted)) if requirement.distinct_subjects else len(counted)
    return count >= requirement.min_count


def tier_holds(tier_requirements, events, at) -> bool:
    if not tier_requirements:
        return False
    groups: dict = {}
    for requirement in tier_requirements:
        key = requirement.either_group if requirement.either_group is not None else -requirement.pk
        groups.setdefault(key, []).append(requirement)
    return all(any(holds(r, events, at) for r in group) for group in groups.values())


def periods(tiers, events) -> set[tuple[int, object, object]]:
    """{(tier order, reached_at, lapsed_at)} for one person. `tiers`: [(order, [requirements])]."""
    moments = set()
    for _, requirements in tiers:
        for r in requirements:
            for kind, _, when in events:
                if kind == r.ended_by:
                    moments.add(when)
                if kind == r.event_kind:
                    moments.add(when)
                    if r.window_days is not None:
                        moments.add(when + timedelta(days=r.window_days))
    moments = sorted(moments)
    result = set()
    for position, (order, _) in enumerate(sorted(tiers)):
        below = sorted(tiers)[: position + 1]
        start = None
        for at in moments:
            held = all(tier_holds(reqs, events, at) for _, reqs in below)
            if held and start is None:
                start = at
            elif not held and start is not None:
                result.add((order, start, at))
                start = None
        if start is not None:
            result.add((order, start, FOREVER))
    return result
