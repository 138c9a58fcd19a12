"""Who each nudge is for at a moment, for everyone at once (`nudges.NudgeType.candidates`).

Each function makes a fixed number of queries whatever the number of people (pinned in
tests/notifications/test_nudge_candidates.py) and returns the people with an account who are
active in the directory and did not get this nudge within its interval (left out by the query
itself, `Check.not_nudged`, so a run after a send reads nobody twice), each once. The apps'
models are imported inside the functions: the registry is read when the models load.
"""

import math

import numpy as np
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse

from .nudges import LOOK_BACK, Candidate, Check, first_name

VIDEO = "wiifm_watched"  # the event of the WIIFM video (training)
THRESHOLDS = (25, 50, 75)  # the shares a team passing is worth telling its manager about
WIIFM_MINUTES = 7  # the WIIFM video's longest length, said when no video can be found


def informed_one_step(check: Check) -> list[Candidate]:
    """People one step from the tier that asks for the WIIFM video (Informed by default): they
    hold the tier just below it now, not that tier, their role's target is that tier or
    higher, and of that tier's requirements every one holds for them now except the video's
    (an either/or group counts as one: any alternative holding holds it; the group with the
    video must not hold). Requirements are evaluated by the tier engine, one query each;
    the tiers held come from the attainment periods in force now."""
    from portal.people.models import Staff
    from portal.tiers.engine import Rule, rule_intervals, to_us
    from portal.tiers.models import Tier
    from portal.tiers.selectors import attainments_held

    now = check.now
    tiers = list(Tier.objects.prefetch_related("requirements").order_by("order"))
    informed = next(
        (t for t in tiers if any(r.event_kind == VIDEO for r in t.requirements.all())), None
    )
    below = [t for t in tiers if informed is not None and t.order < informed.order]
    if not below:
        return []
    aware = below[-1]
    held = attainments_held(at=now)
    people = list(
        Staff.objects.filter(
            active=True,
            user__isnull=False,
            role__target_tier__order__gte=informed.order,
        )
        .filter(Exists(held.filter(staff=OuterRef("pk"), tier=aware)))
        .exclude(Exists(held.filter(staff=OuterRef("pk"), tier=informed)))
        .filter(check.not_nudged())
        .values_list("pk", "user_id", "display_name", "email")
        .order_by("pk")
    )
    if not people:
        return []
    groups: dict[tuple, list] = {}
    for r in informed.requirements.all():
        group = ("either", r.either_group) if r.either_group is not None else ("own", r.pk)
        groups.setdefault(group, []).append(r)
    now_us = to_us(now)
    eligible = {pk for pk, *_ in people}
    for group, requirements in groups.items():
        holding: set[int] = set()
        for r in requirements:
            intervals = rule_intervals(
                Rule(
                    tier_order=informed.order,
                    group=group,
                    kind=r.event_kind,
                    subject=r.subject,
                    min_count=r.min_count,
                    window_days=r.window_days,
                    distinct=r.distinct_subjects,
                    ended_by=r.ended_by,
                )
            )
            now_held = (intervals["start"] <= now_us) & (intervals["end"] > now_us)
            holding.update(intervals.loc[now_held, "staff_id"].tolist())
        if any(r.event_kind == VIDEO for r in requirements):
            eligible -= holding  # the video's group: the one step left
        else:
            eligible &= holding
    if not eligible:
        return []
    path, minutes = wiifm_place()
    context = {"minutes": str(minutes), "tier": informed.name, "path": path}
    return [
        Candidate(user_id, "", {**context, "first_name": first_name(name)}, email)
        for pk, user_id, name, email in people
        if pk in eligible
    ]


def wiifm_place() -> tuple[str, int]:
    """Where the WIIFM video is (the first live lesson with one, at the video) and its length
    in whole minutes; without one, the training index (or My path) and the longest length a
    WIIFM video may have."""
    from training.models import LessonPage, Video
    from training.selectors import training_index_url
    from training.structure import tracked_refs

    for lesson in LessonPage.objects.live().order_by("path"):
        ref = next((r for r in tracked_refs(lesson) if r.type == "wiifm_video"), None)
        if ref is None:
            continue
        seconds = (
            Video.objects.filter(pk=ref.video_id).values_list("duration", flat=True).first() or 0
        )
        minutes = max(1, math.ceil(seconds / 60)) if seconds else WIIFM_MINUTES
        return f"{lesson.url}#video-{ref.id}", minutes
    return training_index_url() or reverse("my_path"), WIIFM_MINUTES


def faq_new_for_role(check: Check) -> list[Candidate]:
    """People whose role an FAQ entry first published since the last check is for (`Check.
    fresh`: a day at most), who have not read it: the newest such entry each. Entries for
    everyone (no roles) are no one's in particular and are left out. Three queries (the
    entries, their roles, the people with whether each read each entry) and each entry's
    address; one when nothing was published."""
    from faq.models import FAQEntryPage
    from portal.people.models import Staff
    from portal.tiers.models import EngagementEvent

    entries = list(
        FAQEntryPage.objects.live()
        .filter(first_published_at__gt=check.fresh, first_published_at__lte=check.now)
        .prefetch_related("audiences")
        .order_by("-first_published_at", "-pk")
    )
    for_role: dict[int, list] = {}
    for entry in entries:
        for role in entry.audiences.all():
            for_role.setdefault(role.pk, []).append(entry)
    if not for_role:
        return []
    # Whether each person read each new entry, through the events' (kind, staff) index: a
    # person's few readings each, not every reading of the FAQ by anyone.
    read = {
        f"read_{e.pk}": Exists(
            EngagementEvent.objects.filter(
                staff=OuterRef("pk"), kind="faq_viewed", subject=str(e.pk)
            )
        )
        for e in entries
    }
    people = (
        Staff.objects.filter(active=True, user__isnull=False, role_id__in=list(for_role))
        .filter(check.not_nudged())
        .annotate(**read)
        .values_list("user_id", "display_name", "role_id", "email", *read)
        .order_by("pk")
    )
    position = {f"read_{e.pk}": i for i, e in enumerate(entries, start=4)}
    urls: dict[int, str] = {}
    candidates = []
    for row in people:
        user_id, name, role, email = row[:4]
        entry = next((e for e in for_role[role] if not row[position[f"read_{e.pk}"]]), None)
        if entry is None:
            continue
        if entry.pk not in urls:
            urls[entry.pk] = entry.url or ""
        candidates.append(
            Candidate(
                user_id,
                str(entry.pk),
                {"first_name": first_name(name), "question": entry.title, "path": urls[entry.pk]},
                email,
            )
        )
    return candidates


def team_passed(check: Check) -> list[Candidate]:
    """Managers whose line's share at its target tier passed 25, 50 or 75 % between the last
    check (`since`) and `now` (the highest one passed), as the adoption report counts a
    manager's line; never a line with fewer than REPORT_MIN_GROUP people with a target at
    either moment. A few queries for everyone (`reports.lines`), and one for who of them had
    it lately when any passed."""
    from portal.reports.lines import line_target_counts
    from portal.reports.tables import min_group

    counts = line_target_counts(moments=[check.since, check.now])
    smallest = min_group()
    path = reverse("reports")
    then, now_counted = counts.counted[:, 0], counts.counted[:, 1]
    seen = (counts.users > 0) & (then >= smallest) & (now_counted >= smallest)
    with np.errstate(divide="ignore", invalid="ignore"):  # lines of nobody are not `seen`
        before, after = counts.held[:, 0] / then, counts.held[:, 1] / now_counted
    highest = np.zeros(len(then), dtype=np.int64)
    for threshold in THRESHOLDS:  # in increasing order: the highest passed stays
        highest[seen & (before < threshold / 100) & (threshold / 100 <= after)] = threshold
    candidates = [
        Candidate(
            int(counts.users[i]),
            str(highest[i]),
            {"first_name": first_name(counts.names[i]), "percent": str(highest[i]), "path": path},
        )
        for i in np.flatnonzero(highest).tolist()
    ]
    if candidates:
        lately = set(
            check.recent.filter(user_id__in=[c.user_id for c in candidates]).values_list(
                "user_id", flat=True
            )
        )
        candidates = [c for c in candidates if c.user_id not in lately]
    return candidates


def wave_started(check: Check) -> list[Candidate]:
    """The members (not the waitlisted) of each wave whose sponsor wrote a message, started
    since the last check (`Check.fresh`: a day at most), and anyone added to such a wave of
    the last day since: the sponsor's words, once per person (their earliest such wave). Two
    queries; one when no wave started."""
    from portal.rollout.models import Wave, WaveMember

    waves = {
        wave.pk: wave
        for wave in Wave.objects.filter(
            started_at__gt=check.now - LOOK_BACK, started_at__lte=check.now
        ).exclude(sponsor_message="")
    }
    if not waves:
        return []
    started = [pk for pk, wave in waves.items() if wave.started_at > check.fresh]
    members = (
        WaveMember.objects.filter(
            Q(wave_id__in=started) | Q(added_at__gt=check.fresh),
            wave_id__in=list(waves),
            status=WaveMember.Status.MEMBER,
            staff__active=True,
            staff__user__isnull=False,
        )
        .filter(check.not_nudged("staff__user_id"))
        .values_list("staff__user_id", "staff__display_name", "wave_id", "staff__email", "staff_id")
        .order_by()  # sorted here: ordering by the wave's start makes SQLite read every member
    )
    members = sorted(members, key=lambda m: (waves[m[2]].started_at, m[2], m[4]))
    path = reverse("my_path")
    return [
        Candidate(
            user_id,
            str(wave),
            {
                "first_name": first_name(name),
                "sponsor_name": waves[wave].sponsor_name or "your sponsor",
                "sponsor_message": waves[wave].sponsor_message.strip(),
                "path": path,
            },
            email,
        )
        for user_id, name, wave, email, _ in members
    ]
