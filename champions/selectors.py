"""Reads for the champion programme: who is an active champion (one definition for every screen
and report), the review queue and every nomination with its reasons, one person's record,
coverage by team, the directory, the champion report, and a nominator's own nominations. Each
is a fixed number of queries (plus, for the queue and coverage, the scoring pass over the
event log)."""

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pandas as pd
from django.core.paginator import Paginator
from django.db.models import Count, F, IntegerField, Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone

from portal.people.models import Department, Location, Staff
from portal.tiers import events
from portal.tiers.models import EngagementEvent, Tier
from portal.tiers.selectors import attainments_held

from . import scoring
from .models import Champion, Nomination, NominationReason, ScoreSettings

S = Champion.Status
OUT_OF_QUEUE = (S.INVITED, S.ACTIVE, S.ALUMNI, S.DISMISSED, S.DECLINED)
DEFER_DAYS = 90  # a deferred candidate comes back to the queue after this long


# Who is an active champion: one definition


def champions_active_q(*, champion: str = "", person: str = "staff__") -> Q:
    """The one definition of an active champion, for every screen and report of the
    programme: someone in the staff directory now (`Staff.active`) who accepted an invitation
    and has not moved to alumni since (status active). Leaving the directory or moving to
    alumni ends it.

    The paths from the model queried: to the `Champion` (`champion`) and to the `Staff`
    (`person`). From a `Champion` the defaults; from `Staff`, `champion="champion__",
    person=""`; from an event, `champion="staff__champion__"`."""
    return Q(**{f"{champion}status": S.ACTIVE, f"{person}active": True})


def champions_active() -> QuerySet[Champion]:
    """Active champions (see `champions_active_q`), longest-serving first."""
    return (
        Champion.objects.filter(champions_active_q())
        .select_related("staff__department", "staff__location")
        .order_by("active_since", "pk")
    )


def champion_tier() -> Tier | None:
    """The tier that asks for joining the programme (`champion_joined`): Champion by default."""
    return Tier.objects.filter(requirements__event_kind="champion_joined").order_by("order").first()


def tier_held(*, staff: Staff, at: datetime | None = None) -> Tier | None:
    """The highest tier `staff` holds now (None: none yet). One query."""
    held = (
        attainments_held(at=at).filter(staff=staff).select_related("tier").order_by("-tier__order")
    )
    first = held.first()
    return first.tier if first is not None else None


def _highest_held(at: datetime, person: str = "staff") -> dict:
    """Annotations for a queryset reaching a person at `person`: the order and the name of
    the highest tier they hold at `at` (None: none)."""
    held = attainments_held(at=at).filter(staff=OuterRef(person)).order_by("-tier__order")
    return {
        "tier_order": Subquery(held.values("tier__order")[:1], output_field=IntegerField()),
        "tier_name": Subquery(held.values("tier__name")[:1]),
    }


@dataclass
class Candidate:
    staff: Staff
    score: float
    breakdown: list[dict]
    status: str = S.CANDIDATE
    nomination: Nomination | None = None  # with its reasons, if colleagues nominated them


def _scored(now: datetime, settings: ScoreSettings) -> tuple[pd.DataFrame, pd.DataFrame]:
    signals = scoring.signals_frame(now=now)
    return signals, scoring.points_frame(signals, settings)


def champion_candidates(*, now: datetime | None = None, limit: int = 100) -> list[Candidate]:
    """The review queue: people at or above the cutoff, best first, not already decided on.

    People a manager deferred come back after 90 days; invited, active, alumni, dismissed and
    declined people do not come back by themselves."""
    now = now or timezone.now()
    settings = ScoreSettings.current()
    signals, points = _scored(now, settings)
    if points.empty:
        return []
    cutoff = scoring.review_cutoff(points["score"], settings)
    decided = Champion.objects.filter(
        Q(status__in=OUT_OF_QUEUE)
        | Q(status=S.DEFERRED, updated_at__gt=now - timedelta(days=DEFER_DAYS))
    ).values_list("staff_id", flat=True)
    eligible = points[(points["score"] >= cutoff) & ~points.index.isin(list(decided))]
    top = eligible.sort_values("score", ascending=False, kind="stable").head(limit)
    candidates = _candidates(top.index, signals, points, settings)
    nominations = Nomination.objects.filter(nominee_id__in=[c.staff.pk for c in candidates])
    by_nominee = {n.nominee_id: n for n in _with_reasons(nominations)}
    for candidate in candidates:
        candidate.nomination = by_nominee.get(candidate.staff.pk)
    return candidates


def _people(ids) -> dict[int, Staff]:
    return Staff.objects.select_related("department", "role", "location").in_bulk(list(ids))


def _candidates(ids, signals, points, settings, people=None) -> list[Candidate]:
    people = people if people is not None else _people(ids)
    return [
        Candidate(
            staff=people[i],
            score=float(points.at[i, "score"]),
            breakdown=scoring.breakdown(signals.loc[i], settings),
        )
        for i in ids
        if i in people
    ]


def _with_reasons(nominations: QuerySet[Nomination]) -> QuerySet[Nomination]:
    """Nominations with every reason and its nominator (one more query), oldest reason first."""
    return nominations.select_related("nominee", "endorsed_by").prefetch_related(
        Prefetch(
            "reasons",
            queryset=NominationReason.objects.select_related("nominator").order_by(
                "created_at", "pk"
            ),
        )
    )


# Every nomination, for community managers


NOMINATIONS_PER_PAGE = 25
OPEN = "open"  # waiting for a decision: nobody decided yet, or deferred
DECIDED = "decided"
EVERY = "all"
NOMINATION_SHOWS = {OPEN: "Waiting for a decision", DECIDED: "Decided", EVERY: "All"}
_DECIDED = (S.INVITED, S.ACTIVE, S.ALUMNI, S.DISMISSED, S.DECLINED)


@dataclass
class NominationRow:
    """One nominated person, for reviewers: every reason, who gave it and when, the score
    today and whether it reaches the queue, and where the person stands in the programme."""

    nomination: Nomination
    score: float | None  # None: no longer in the directory
    in_queue: bool
    status: str | None  # the programme status; None: nobody decided anything yet

    @property
    def nominee(self) -> Staff:
        return self.nomination.nominee

    @property
    def stage(self) -> str:
        if not self.nominee.active:
            return "No longer in the staff directory"
        if self.status in (None, S.CANDIDATE):
            return "Waiting for a decision"
        return S(self.status).label


def _waiting_q() -> Q:
    """A nomination waits for a decision: the nominee is in the directory and nobody decided
    on them yet (or they were deferred)."""
    return Q(nominee__active=True) & (
        Q(nominee__champion__isnull=True) | ~Q(nominee__champion__status__in=_DECIDED)
    )


def nominations_waiting_count() -> int:
    """How many nominated people wait for a decision, whatever their score. One query."""
    return Nomination.objects.filter(_waiting_q()).count()


def nominations_for_review(
    *, show: str = OPEN, search: str = "", page: int | str = 1, now: datetime | None = None
) -> dict:
    """Every nomination, whatever the nominee's score, newest reason first, a page at a time:
    `show` is "open" (nobody decided yet, or deferred; people still in the directory),
    "decided" or "all"; `search` narrows by the nominee's name or email.

    For community managers only: the reasons are the nominators' words. The reviewers' notes
    (`Champion.reason`) are not read here. A fixed number of queries, plus one scoring pass."""
    now = now or timezone.now()
    show = show if show in NOMINATION_SHOWS else OPEN
    nominations = Nomination.objects.annotate(
        latest=Max("reasons__created_at"), status=F("nominee__champion__status")
    )
    waiting = _waiting_q()
    counts = nominations.aggregate(
        **{
            OPEN: Count("pk", filter=waiting),
            DECIDED: Count("pk", filter=~waiting),
            EVERY: Count("pk"),
        }
    )
    if show == OPEN:
        nominations = nominations.filter(waiting)
    elif show == DECIDED:
        nominations = nominations.exclude(waiting)
    search = search.replace("\x00", "").strip()[:60]
    if search:
        nominations = nominations.filter(
            Q(nominee__display_name__icontains=search) | Q(nominee__email__icontains=search)
        )
    paginator = Paginator(
        _with_reasons(
            nominations.select_related(
                "nominee__department", "nominee__role", "nominee__location"
            ).order_by("-latest", "-pk")
        ),
        NOMINATIONS_PER_PAGE,
    )
    page_obj = paginator.get_page(page)
    settings = ScoreSettings.current()
    _, points = _scored(now, settings)
    cutoff = scoring.review_cutoff(points["score"], settings) if not points.empty else None
    rows = []
    for nomination in page_obj.object_list:
        i = nomination.nominee_id
        score = float(points.at[i, "score"]) if i in points.index else None
        rows.append(
            NominationRow(
                nomination=nomination,
                score=score,
                in_queue=score is not None and cutoff is not None and score >= cutoff,
                status=nomination.status,
            )
        )
    return {
        "rows": rows,
        "page": page_obj,
        "show": show,
        "search": search,
        "counts": counts,
        "cutoff": cutoff,
        "shows": [(key, label, counts[key]) for key, label in NOMINATION_SHOWS.items()],
    }


# One person's record, for community managers


@dataclass
class PersonRecord:
    staff: Staff
    champion: Champion | None  # with the reviewers' note and who decided
    nomination: Nomination | None  # with every reason
    score: float | None
    breakdown: list[dict]
    tier: Tier | None  # held now
    minimum: Tier | None  # the programme's minimum tier to be invited

    @property
    def below_minimum(self) -> bool:
        return self.minimum is not None and (
            self.tier is None or self.tier.order < self.minimum.order
        )

    @property
    def decisions(self) -> list[str]:
        """The decisions a community manager can take on them now."""
        status = self.champion.status if self.champion else S.CANDIDATE
        if status == S.ACTIVE:
            return ["retire"]
        if status == S.CANDIDATE:
            return ["invite", "defer", "dismiss"]
        if status == S.DEFERRED:
            return ["invite", "dismiss"]
        return []


def person_record(*, staff: Staff, now: datetime | None = None) -> PersonRecord:
    """Everything the programme knows about one person, for reviewers: where they stand and
    the last decision with its note, every nomination reason, their score term by term, and
    the tier they hold against the minimum to be invited. A fixed number of queries."""
    now = now or timezone.now()
    settings = ScoreSettings.objects.select_related("min_invite_tier").order_by("pk").first()
    settings = settings or ScoreSettings.current()
    champion = Champion.objects.select_related("decided_by").filter(staff=staff).first()
    nomination = _with_reasons(Nomination.objects.filter(nominee=staff)).first()
    signals = scoring.signals_frame(now=now, staff_ids=[staff.pk])
    breakdown = (
        scoring.breakdown(signals.loc[staff.pk], settings) if staff.pk in signals.index else []
    )
    return PersonRecord(
        staff=staff,
        champion=champion,
        nomination=nomination,
        score=sum(term["points"] for term in breakdown) if breakdown else None,
        breakdown=breakdown,
        tier=tier_held(staff=staff, at=now),
        minimum=settings.min_invite_tier,
    )


# Coverage


@dataclass
class CoverageRow:
    name: str
    staff: int
    champions: int
    target: int
    best: list[Candidate] = field(default_factory=list)

    @property
    def gap(self) -> int:
        return max(0, self.target - self.champions)

    @property
    def none(self) -> bool:
        return self.champions == 0


def coverage(*, by: str = "department", now: datetime | None = None) -> list[CoverageRow]:
    """Active champions per department (or location) against the target: one per N staff, and
    at least one. Teams without a champion come first, each with its best three candidates."""
    now = now or timezone.now()
    settings = ScoreSettings.current()
    column = "department_id" if by == "department" else "location_id"
    model = Department if by == "department" else Location
    names = dict(model.objects.values_list("pk", "name"))
    people = pd.DataFrame(
        Staff.objects.filter(active=True).values_list("pk", column),
        columns=["staff_id", "team"],
    ).set_index("staff_id")
    active = set(Champion.objects.filter(champions_active_q()).values_list("staff_id", flat=True))
    taken = set(Champion.objects.filter(status__in=OUT_OF_QUEUE).values_list("staff_id", flat=True))
    signals, points = _scored(now, settings)
    people["champion"] = people.index.isin(list(active))
    people["score"] = points["score"].reindex(people.index).fillna(0)
    teams = []
    for team, group in people.groupby("team", dropna=True):
        best = group[~group.index.isin(list(taken)) & (group["score"] > 0)]
        best = best.sort_values("score", ascending=False, kind="stable").head(3)
        teams.append((team, group, best.index))
    named = _people(i for _, _, best in teams for i in best)  # one query for every team
    rows = [
        CoverageRow(
            name=names.get(team, "?"),
            staff=len(group),
            champions=int(group["champion"].sum()),
            target=max(1, math.ceil(len(group) / settings.staff_per_champion)),
            best=_candidates(best, signals, points, settings, named),
        )
        for team, group, best in teams
    ]
    rows.sort(key=lambda r: (not r.none, -r.gap, r.name))
    return rows


# The directory


def directory(*, department_id=None, location_id=None, focus: str = "") -> dict:
    """Active champions who published a profile, filtered; and how many others there are
    (counted, never named: nothing personal is shown without the opt-in)."""
    active = Champion.objects.filter(champions_active_q())
    if department_id:
        active = active.filter(staff__department_id=department_id)
    if location_id:
        active = active.filter(staff__location_id=location_id)
    public = active.filter(public_profile=True)
    if focus:
        public = public.filter(focus_areas__icontains=focus)
    return {
        "champions": list(
            public.select_related("staff__department", "staff__location", "staff__role").order_by(
                "staff__display_name"
            )
        ),
        "unlisted": active.filter(public_profile=False).count(),
    }


# The champion report


def champion_report(*, now: datetime | None = None) -> dict:
    """For leaders and community managers: who is active, the pipeline, the gaps, the
    nominations, and what the champions did this month.

    Active champions are `champions_active_q`'s, the pipeline counts people in the directory
    (so its "Active" row is the same number), and each active champion carries the highest
    tier they hold: those below the Champion tier are named apart, as they are the difference
    between this count and the adoption report's tier funnel."""
    now = now or timezone.now()
    month_start = timezone.localtime(now).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    pipeline = dict(
        Champion.objects.filter(staff__active=True).values_list("status").annotate(n=Count("pk"))
    )
    # What they did as champions: this month, and not before they joined.
    activity = dict(
        EngagementEvent.objects.filter(
            champions_active_q(champion="staff__champion__"),
            Q(occurred_at__gte=month_start),
            Q(occurred_at__gte=F("staff__champion__active_since")),
        )
        .values_list("kind")
        .annotate(n=Count("pk"))
    )
    rows = coverage(now=now)
    tier = champion_tier()
    active = list(
        Champion.objects.filter(champions_active_q())
        .select_related("staff__department", "staff__location")
        .annotate(**_highest_held(now))
        .order_by("staff__department__name", "staff__display_name")
    )
    below = [c for c in active if tier is None or (c.tier_order or 0) < tier.order]
    nominations = Nomination.objects.aggregate(
        total=Count("pk"),
        waiting=Count("pk", filter=_waiting_q()),
    )
    return {
        "now": now,
        "month_start": month_start,
        "active": active,
        "champion_tier": tier,
        "below_tier": below,
        "at_tier": len(active) - len(below),
        # Candidates are computed, not stored (the review queue); the rest are decisions.
        "pipeline": [(label, pipeline.get(v, 0)) for v, label in S.choices if v != S.CANDIDATE],
        "nominations": nominations["total"],
        "nominations_waiting": nominations["waiting"],
        "coverage": rows,
        "gaps": [row for row in rows if row.gap],
        "activity": [
            (events.registry[kind].label if kind in events.registry else kind, n)
            for kind, n in sorted(activity.items(), key=lambda kv: -kv[1])
        ],
    }


# A nominator's own nominations


@dataclass(frozen=True)
class Stage:
    """Where a nomination stands, in the words a nominator may see: never the reviewers' notes,
    score or who decided; a deferral reads as still under review, and the person's own "no"
    reads like the reviewers' (“Not this time”), so neither is told apart."""

    key: str
    label: str
    next: str  # what happens next, one sentence


STAGES = {
    "review": Stage(
        "review",
        "Under review",
        "Community managers read it alongside what the person already does in the community.",
    ),
    "invited": Stage(
        "invited",
        "Invited to the programme",
        "They have been invited to become a champion; the choice is theirs now.",
    ),
    "champion": Stage("champion", "Now a champion", "Thank you for bringing them along."),
    "alumni": Stage(
        "alumni", "Was a champion", "They were a champion and have since stepped back."
    ),
    "closed": Stage(
        "closed",
        "Not this time",
        "Not every nomination leads to an invitation; thank you for putting them forward.",
    ),
    "left": Stage("left", "No longer in the staff directory", "Nothing more will happen."),
}
_STAGE_OF_STATUS = {
    None: "review",
    S.CANDIDATE: "review",
    S.DEFERRED: "review",
    S.INVITED: "invited",
    S.ACTIVE: "champion",
    S.ALUMNI: "alumni",
    S.DISMISSED: "closed",
    S.DECLINED: "closed",
}


def _stage(status: str | None, active: bool) -> Stage:
    if not active:
        return STAGES["left"]
    return STAGES[_STAGE_OF_STATUS.get(status, "review")]


def nomination_stage(nominee: Staff) -> Stage:
    """Where a nomination of `nominee` stands, for a nominator: one query."""
    status = Champion.objects.filter(staff=nominee).values_list("status", flat=True).first()
    return _stage(status, nominee.active)


@dataclass(frozen=True)
class MyNomination:
    nominee: Staff
    yourself: bool
    reason: str
    nominated_at: datetime
    stage: Stage


def nominations_made_by(
    *, nominator: Staff | None = None, user=None, limit: int | None = None
) -> list[MyNomination]:
    """The nominations `nominator` (or the person signed in as `user`) made, newest first, each
    with their own reason and its stage. One query; only the champion's status is read, so
    nothing the reviewers wrote can reach a page."""
    if nominator is not None:
        reasons = NominationReason.objects.filter(nominator=nominator)
    elif user is not None and user.is_authenticated:
        reasons = NominationReason.objects.filter(nominator__user=user)
    else:
        return []
    rows = (
        reasons.select_related("nomination__nominee__department")
        .annotate(champion_status=F("nomination__nominee__champion__status"))
        .order_by("-created_at", "-pk")
    )
    if limit is not None:
        rows = rows[:limit]
    return [
        MyNomination(
            nominee=row.nomination.nominee,
            yourself=row.nomination.nominee_id == row.nominator_id,
            reason=row.reason,
            nominated_at=row.created_at,
            stage=_stage(row.champion_status, row.nomination.nominee.active),
        )
        for row in rows
    ]


PANEL_SHOWN = 3


def my_path_nominations(user) -> dict | None:
    """The "Your nominations" panel on My path: the latest few, or nothing. One query."""
    shown = nominations_made_by(user=user, limit=PANEL_SHOWN + 1)
    if not shown:
        return None
    return {
        "nominations": shown[:PANEL_SHOWN],
        "more": len(shown) > PANEL_SHOWN,
        "url": reverse("champions_nominate") + "#my-nominations",
    }
