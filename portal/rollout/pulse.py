"""Pulse answers that cannot be tied to the person who gave them.

Three things would tie them, and each is closed here:

- **Reading the results before and after someone answers.** An answer first joins the
  waiting answers. A group's published result (`PulseResult`, per wave or department and
  quarter) changes only when at least `REPORT_MIN_GROUP` new answers of that group are
  waiting; then all of them are added at once. The difference between two readings is the
  sum of five or more answers, never one.
- **Reading the rows.** The waiting answers are one sealed value (`sealing`: no one who reads
  the database without the portal's key can open it), rewritten whole, shuffled, by each
  answer. Released answers (`PulseAnswer`, for comments and any later analysis) carry a
  random id, the quarter and the answer, nothing about the person's groups, and are written
  in shuffled batches of `REPORT_MIN_GROUP` or more, so neither their ids nor their order on
  disk follows the order of `PulseAsked`, whose rows say only who was asked in a quarter
  (answering and "Not now" alike).
- **Small groups.** A group that never collects the threshold in a quarter is never
  published; once the quarter is over its waiting answers stop waiting for it (they still
  join a batch of released answers).

What a database administrator can and cannot learn is in `docs/audit-log-and-pulse.md`.
"""

import logging
import random
from collections import defaultdict
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from ..people.models import Staff
from .models import PulseAnswer, PulseAsked, PulsePending, PulseResult, WaveMember
from .sealing import Unsealable, seal, unseal
from .services import RolloutError, quarter_of

logger = logging.getLogger(__name__)
M = WaveMember.Status
GROUPINGS = ("wave", "department")
RELEASE = "answer"  # the waiting answer still owes its row in PulseAnswer
# Room for one waiting answer, sealed: its ids, quarter and up to 1,000 characters of text,
# escaped. The sealed value is padded to this per answer, so its size tells how many answers
# wait (which `PulseAsked` tells anyway), never how long the newest one is.
ANSWER_ROOM = 6_400
_shuffle = random.SystemRandom().shuffle


def pulse_answer(
    *, staff: Staff, confidence: int | None, what_would_help: str, now: datetime | None = None
) -> None:
    """Take an answer without the person: it waits, with the groups it is reported by (their
    wave and department) and the quarter, until its batches are released. Once a quarter."""
    now = now or timezone.now()
    if confidence is not None and not 1 <= confidence <= 5:
        raise RolloutError("Choose how confident you are, from 1 to 5.", field="confidence")
    text = what_would_help.strip()[:1000]
    if confidence is None and not text:
        raise RolloutError("Answer at least one question, or choose “Not now”.")
    quarter = quarter_of(timezone.localdate(now))
    membership = (
        WaveMember.objects.filter(staff=staff, status=M.MEMBER, wave__started_at__isnull=False)
        .order_by("wave__started_at")
        .first()
    )
    answer = {
        "wave": membership.wave_id if membership else 0,
        "department": staff.department_id or 0,
        "quarter": quarter,
        "confidence": confidence,
        "text": text,
        "owes": [*GROUPINGS, RELEASE],
    }
    try:
        with transaction.atomic():
            # First: on SQLite this write takes the database's lock before the pile is read.
            PulseAsked.objects.create(staff=staff, quarter=quarter)
            _pending_add(answer, quarter=quarter)
    except IntegrityError:
        raise RolloutError("You have already answered this quarter's pulse check.") from None


def pulse_skip(*, staff: Staff, now: datetime | None = None) -> None:
    """“Not now”: not asked again this quarter."""
    quarter = quarter_of(timezone.localdate(now or timezone.now()))
    PulseAsked.objects.get_or_create(staff=staff, quarter=quarter)


def _pending_add(answer: dict, *, quarter: str) -> None:
    """Add `answer` to the waiting ones and release every batch that is full, under the
    pile's row lock (one answer at a time; on SQLite the write lock does the same)."""
    PulsePending.objects.get_or_create(pk=1)
    pile = PulsePending.objects.select_for_update().get(pk=1)
    waiting = _opened(pile.sealed)
    waiting.append(answer)
    waiting = pulse_batches_release(waiting, quarter=quarter)
    _shuffle(waiting)
    pile.sealed = seal(waiting, size=ANSWER_ROOM * max(len(waiting), 1))
    pile.save(update_fields=["sealed"])


def _opened(sealed) -> list[dict]:
    if not sealed:
        return []
    try:
        return unseal(sealed)
    except Unsealable:
        # The key changed without the old one in SECRET_KEY_FALLBACKS: the waiting answers
        # are lost (never published), which is better than a pulse check that stops working.
        logger.warning("The waiting pulse answers could not be opened with the current keys")
        return []


def pulse_batches_release(waiting: list[dict], *, quarter: str) -> list[dict]:
    """Publish every group whose waiting answers reached the threshold, and write released
    answers once enough are waiting; returns the answers that still wait for something."""
    threshold = settings.REPORT_MIN_GROUP
    for answer in waiting:  # a past quarter's group can no longer fill up
        if answer["quarter"] < quarter:
            answer["owes"] = [o for o in answer["owes"] if o not in GROUPINGS]
    for grouping in GROUPINGS:
        groups = defaultdict(list)
        for answer in waiting:
            if grouping in answer["owes"]:
                groups[(answer[grouping], answer["quarter"])].append(answer)
        for (group_id, group_quarter), batch in groups.items():
            if len(batch) >= threshold:
                _publish(grouping, group_id, group_quarter, batch)
                for answer in batch:
                    answer["owes"].remove(grouping)
    unreleased = [a for a in waiting if RELEASE in a["owes"]]
    if len(unreleased) >= threshold:
        _shuffle(unreleased)
        PulseAnswer.objects.bulk_create(
            PulseAnswer(quarter=a["quarter"], confidence=a["confidence"], what_would_help=a["text"])
            for a in unreleased
        )
        for answer in unreleased:
            answer["owes"].remove(RELEASE)
    return [a for a in waiting if a["owes"]]


def _publish(grouping: str, group_id: int, quarter: str, batch: list[dict]) -> None:
    rated = [a["confidence"] for a in batch if a["confidence"] is not None]
    PulseResult.objects.get_or_create(grouping=grouping, group_id=group_id, quarter=quarter)
    PulseResult.objects.filter(grouping=grouping, group_id=group_id, quarter=quarter).update(
        answers=F("answers") + len(batch),
        rated=F("rated") + len(rated),
        confidence_sum=F("confidence_sum") + sum(rated),
    )
