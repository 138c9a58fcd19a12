"""Nudges: a short message at the moment it helps ("one step from Informed: the 4-minute
video"), switched on and worded by community managers, sent by a periodic task.

Each nudge type is code: who it is for (`candidates(check)`, computed for everyone at once in
a fixed number of queries, never one per person, leaving out who had it lately), what its
words may fill in, where its button leads and what counts as having taken the step (for the
report). What community
managers decide is a `NudgeRule` row per type: on or off (off until they switch it on), the
title and text with placeholders such as {first_name}, at most how often one person gets it,
and optionally its channels. Each type is also a kind of notification (`nudges.<type>`), so
people choose its channels or unsubscribe from it like any other kind.

`nudges_evaluate` (the task `notifications.tasks.nudges_evaluate`, every 15 minutes) runs each
enabled rule: its candidates, less everyone who got this nudge within its interval, go to
`bulk.notify_many` (SEND_CHUNK people to a transaction) under keys
`nudges.<type>:<user>:<period>` (the period: `every_days` days long), so a retried or doubled
run sends once.
"""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from string import Formatter

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from portal.audit import actions as audit_actions
from portal.audit.services import record

from . import kinds
from .bulk import Item, notify_many
from .content import Action, Content

logger = logging.getLogger(__name__)

CHANGED = "nudge.changed"
audit_actions.register(CHANGED, "Changed a nudge")

GROUP = "Nudges"
FIRST_NAME = "first_name"
LOOK_BACK = timedelta(days=1)  # a rule never looks further back than this for what happened
# What happened shortly before the last check counts again: a change (a wave started, an
# entry published) may commit after a check that began before it. Whoever had the nudge is
# left out anyway.
OVERLAP = timedelta(minutes=15)
STEP_DAYS = 7  # the report counts a step taken within this many days of the nudge
# People notified per transaction: a send to the whole organisation (a wave of everyone) must
# not hold the embedded profile's one SQLite writer for longer than about a second, or web
# requests that write would time out waiting (20 s). Each chunk is a constant number of
# queries (`bulk.notify_many`); a key already sent is skipped, so a run cut short is resumed.
SEND_CHUNK = 1000


@dataclass(frozen=True)
class Candidate:
    """One person a nudge is for now: their account, what it is about (an FAQ entry, a wave,
    a threshold; "" when nothing in particular), its placeholders' values and `path`, the place
    on this site the nudge leads to, and their work address in the directory."""

    user_id: int
    subject: str
    context: dict[str, str]
    address: str = ""


@dataclass(frozen=True)
class Check:
    """One evaluation of a nudge: its moment, the last check before it, and the people who got
    this nudge within its interval (`recent`, notification rows), whom the candidates' own
    queries leave out (`not_nudged`), so a steady run reads only who is left."""

    now: datetime
    since: datetime
    recent: QuerySet

    @property
    def fresh(self) -> datetime:
        """What happened after this counts as new: the last check, less OVERLAP."""
        return self.since - OVERLAP

    @classmethod
    def of(cls, *, nudge: str, now: datetime, since: datetime, every_days: int) -> "Check":
        from .models import Notification

        recent = Notification.objects.filter(
            nudge=nudge, created_at__gt=now - timedelta(days=every_days)
        )
        return cls(now=now, since=since, recent=recent)

    def not_nudged(self, user: str = "user_id") -> Q:
        """A filter for a queryset whose `user` is a person's account: not nudged lately. An
        uncorrelated `NOT IN`: read once per query (SQLite would otherwise probe the nudge's
        index for every person, since it cannot tell the person's own index is better)."""
        return ~Q(**{f"{user}__in": self.recent.values("user_id")})


@dataclass(frozen=True)
class NudgeType:
    key: str  # "informed_one_step"
    label: str  # what community managers and people read: the kind's label
    description: str  # who gets it and when, for the admin
    placeholders: dict[str, str]  # beyond {first_name}: name -> what it is filled in with
    title: str  # the default wording
    text: str
    button: str  # the label of the button to `path`
    candidates: Callable[[Check], list[Candidate]]
    # The report's "led to the step": events of these kinds within STEP_DAYS after the nudge;
    # `step_subject`: only events about the nudge's subject. No kinds: no step to count.
    step_kinds: tuple[str, ...] = ()
    step_subject: bool = False
    step_label: str = ""
    any_event: bool = False  # any engagement at all counts as the step
    # Its subjects are news for everyone (a wave, an FAQ entry): a rule may also post each
    # once in the community channel (`NudgeRule.announce`).
    announces: bool = False

    @property
    def kind(self) -> str:
        return f"nudges.{self.key}"

    def names(self) -> list[str]:
        return [FIRST_NAME, *self.placeholders]


registry: dict[str, NudgeType] = {}


def register(nudge: NudgeType) -> None:
    registry.setdefault(nudge.key, nudge)


def type_choices() -> list[tuple[str, str]]:
    return [(key, nudge.label) for key, nudge in registry.items()]


def kinds_register() -> None:
    """Each nudge is a kind people can choose channels for or unsubscribe from (`ready()`)."""
    for nudge in registry.values():
        kinds.register(kinds.Kind(nudge.kind, label=nudge.label, group=GROUP, nudge=True))


# Wording --------------------------------------------------------------------------------------


def wording_problems(text: str, names: Iterable[str]) -> list[str]:
    """What is wrong with `text` as a nudge's wording that may fill in `names`, in words
    (empty when nothing is). Only {name} is filled in: no formats, attributes or indexes."""
    known = list(names)
    try:
        parts = list(Formatter().parse(text))
    except ValueError:
        return [
            "A brace is opened and not closed, or closed and not opened. Write a placeholder as "
            "{first_name}, and a brace itself as {{ or }}."
        ]
    problems = []
    for _, name, spec, conversion in parts:
        if name is None:
            continue
        written = (
            "{"
            + name
            + (f"!{conversion}" if conversion else "")
            + (f":{spec}" if spec else "")
            + "}"
        )
        if name not in known or spec or conversion:
            problems.append(
                f"{written} is not something this nudge can fill in. It knows "
                f"{_listed('{' + n + '}' for n in known)}."
            )
    return list(dict.fromkeys(problems))


def wording_fill(text: str, values: dict[str, str]) -> str:
    """`text` with each {name} replaced by its value (checked words only: see
    `wording_problems`). Values are inserted as they are, never read as placeholders."""
    out = []
    for literal, name, _, _ in Formatter().parse(text):
        out.append(literal)
        if name is not None:
            out.append(str(values.get(name, "")))
    return "".join(out)


def _listed(items: Iterable[str]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


# The rules ------------------------------------------------------------------------------------


def nudge_rules() -> list:
    """Every nudge type's rule, its default wording written (switched off) the first time it
    is read: one query, two the first time."""
    from .models import NudgeRule

    rules = list(NudgeRule.objects.all())
    missing = [key for key in registry if key not in {r.type for r in rules}]
    if missing:
        NudgeRule.objects.bulk_create(
            [
                NudgeRule(
                    type=key, title=registry[key].title, text=registry[key].text, enabled=False
                )
                for key in missing
            ],
            ignore_conflicts=True,
        )
        rules = list(NudgeRule.objects.all())
    return rules


def nudge_rule_save(*, rule, by) -> None:
    """Keep a community manager's edit of a nudge (its words checked by the admin's form) and
    say in the audit log what changed: the switch, the interval and the channels as values,
    the title and text as changed (free text stays out of the log)."""
    from .models import NudgeRule

    watched = ("enabled", "every_days", "channels", "announce", "title", "text")
    before = NudgeRule.objects.filter(pk=rule.pk).values(*watched).first() or {}
    rule.save()
    changed = {}
    for name in watched:
        then, now = before.get(name), getattr(rule, name)
        if then != now:
            changed[name] = "changed" if name in ("title", "text") else [then, now]
    if changed:
        record(actor=by, action=CHANGED, target=rule, detail=changed)


def nudges_evaluate(*, now: datetime | None = None) -> dict[str, int]:
    """Send every enabled nudge to the people it is for now. How many each sent."""
    now = now or timezone.now()
    return {
        rule.type: nudge_send(rule=rule, now=now)
        for rule in nudge_rules()
        if rule.enabled and rule.type in registry
    }


def nudge_send(*, rule, now: datetime) -> int:
    """One rule, set-wise: its candidates, who did not get it within `every_days` (each person
    once), notified SEND_CHUNK people to a transaction. How many were notified."""
    from .models import NudgeRule

    nudge = registry[rule.type]
    problems = wording_problems(rule.title, nudge.names()) + wording_problems(
        rule.text, nudge.names()
    )
    if problems:  # the admin form refuses these; a row changed some other way is skipped
        logger.warning("Nudge %s not sent: its wording has errors", rule.type)
        return 0
    since = max(rule.checked_at or now - LOOK_BACK, now - LOOK_BACK)
    check = Check.of(nudge=rule.type, now=now, since=since, every_days=rule.every_days)
    candidates = nudge.candidates(check)
    period = int(now.timestamp() // 86400) // rule.every_days
    items, seen = [], set()
    for candidate in candidates:
        if candidate.user_id in seen:
            continue
        seen.add(candidate.user_id)  # one per person, the first candidate
        items.append(_item(nudge, rule, candidate, f"{nudge.kind}:{candidate.user_id}:{period}"))
    sent = 0
    for start in range(0, len(items), SEND_CHUNK):
        with transaction.atomic():
            sent += len(
                notify_many(
                    kind=nudge.kind,
                    items=items[start : start + SEND_CHUNK],
                    now=now,
                    nudge=rule.type,
                    channels=rule.channels or None,
                    not_now=True,
                )
            )
    if rule.announce and nudge.announces:
        with transaction.atomic():
            announcement_post(nudge, rule, candidates)
    NudgeRule.objects.filter(pk=rule.pk).update(checked_at=now)
    logger.info("Nudge %s: %s candidates, %s sent", rule.type, len(candidates), sent)
    return sent


def announcement_post(nudge: NudgeType, rule, candidates: list[Candidate]) -> int:
    """Post the nudge once per subject (the wave, the FAQ entry) to the community channels the
    portal is connected to, in the rule's words addressed to everyone, its link untracked (no
    one person's). Keyed by subject and channel in the outbox, so a later run that finds a
    newcomer to the same wave posts nothing again. How many posts were queued."""
    from portal.outbox.services import message_queue

    from .channels import renderer_of, slack, teams
    from .links import absolute

    places = []
    if teams.is_configured(to_person=False):
        places.append((kinds.TEAMS, "channel"))
    if settings.SLACK_CHANNEL.strip() and slack.is_configured():
        places.append((kinds.SLACK, settings.SLACK_CHANNEL.strip()))
    first_of = {}
    for candidate in candidates:
        first_of.setdefault(candidate.subject, candidate)
    posted = 0
    for subject, candidate in first_of.items():
        values = {**candidate.context, FIRST_NAME: "everyone"}
        url = absolute(values["path"]) if values.get("path") else ""
        content = Content(
            kind=nudge.kind,
            title=" ".join(wording_fill(rule.title, values).split())[:300],
            text=wording_fill(rule.text, values),
            url=url,
            actions=(Action(nudge.button, url, primary=True),) if url else (),
        )
        for channel, to in places:
            posted += bool(
                message_queue(
                    key=f"{nudge.kind}:announce:{subject}:{channel}",
                    kind=nudge.kind,
                    channel=channel,
                    to=to,
                    subject=content.title,
                    payload=renderer_of(channel)(content),
                )
            )
    return posted


def _item(nudge: NudgeType, rule, candidate: Candidate, key: str) -> Item:
    values = candidate.context
    path = values.get("path", "")
    return Item(
        user_id=candidate.user_id,
        key=key,
        subject=candidate.subject,
        address=candidate.address,
        content=Content(
            kind=nudge.kind,
            title=" ".join(wording_fill(rule.title, values).split())[:300],
            text=wording_fill(rule.text, values),
            url=path,
            actions=(Action(nudge.button, path, primary=True),) if path else (),
        ),
    )


def first_name(display_name: str) -> str:
    """What {first_name} says: the first word of the directory's name ("there" without one)."""
    words = (display_name or "").split()
    return words[0] if words else "there"


def _register_types() -> None:
    """The nudge types, registered when this module is first imported."""
    from . import nudge_candidates as c

    register(
        NudgeType(
            key="informed_one_step",
            label="One step from the next tier: the WIIFM video",
            description="People whose tier is the one below the tier that asks for the WIIFM "
            "video, whose role asks for that tier or more, and who have done everything it asks "
            "but the video.",
            placeholders={
                "minutes": "the video's length in whole minutes, e.g. 4",
                "tier": "the name of the tier the video completes, e.g. Informed",
            },
            title="One step from {tier}: the {minutes}-minute video",
            text="Hi {first_name}, you have done everything {tier} asks but one thing: the "
            "{minutes}-minute video on what is in it for you and for your customers.",
            button="Watch the video",
            candidates=c.informed_one_step,
            step_kinds=("wiifm_watched",),
            step_label="watched the WIIFM video",
        )
    )
    register(
        NudgeType(
            key="faq_new_for_role",
            label="A new FAQ entry for your role",
            description="People whose role an FAQ entry published in the last day is for (an "
            "entry for everyone is no one's in particular), who have not read it yet. The "
            "newest such entry, if there are several.",
            placeholders={"question": "the new entry's question"},
            title="New in the FAQ for your role: {question}",
            text="Hi {first_name}, there is a new answer in the FAQ guide for people in your "
            "role: {question}",
            button="Read the answer",
            candidates=c.faq_new_for_role,
            step_kinds=("faq_viewed",),
            step_subject=True,
            step_label="read that FAQ entry",
            announces=True,
        )
    )
    register(
        NudgeType(
            key="team_passed_25",
            label="Your team passed 25, 50 or 75 % (managers)",
            description="Managers whose line's share at its target tier passed 25, 50 or 75 % "
            "since the last check, counted as the adoption report counts a manager's line. "
            "Never about a line with fewer people with a target than the report shows "
            "(REPORT_MIN_GROUP).",
            placeholders={"percent": "the share passed: 25, 50 or 75"},
            title="Your team passed {percent} %",
            text="Hi {first_name}, {percent} % of the people in your team are now at the tier "
            "their role asks for. See who is there, and who could use a hand.",
            button="See your team's report",
            candidates=c.team_passed,
            step_label="",
        )
    )
    register(
        NudgeType(
            key="wave_started",
            label="A message from your rollout's sponsor",
            description="The members of a rollout wave that started in the last day, if its "
            "sponsor wrote a message.",
            placeholders={
                "sponsor_name": "the sponsor's name as the wave gives it",
                "sponsor_message": "the sponsor's message, as written on the wave",
            },
            title="A word from {sponsor_name}",
            text="Hi {first_name}, our community programme starts for your group today. "
            "{sponsor_name} writes:\n\n{sponsor_message}",
            button="See your path",
            candidates=c.wave_started,
            any_event=True,
            step_label="did anything in the programme",
            announces=True,
        )
    )


_register_types()
