"""Knowledge checks: scored on the server, attempts counted, passing recorded once.

A check opens once the videos before it in its module are watched (`training.standing`); a
submission before that is refused in words, with nothing stored. The form carries the attempt
number it was shown for. Two posts of the same attempt (a double click, two tabs) make one row,
because (person, lesson, check, number) is unique; the second is told it was already
submitted. Numbers above the limit are refused before anything is stored.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from portal.people.models import Staff
from portal.tiers.services import engagement_record

from .. import selectors, structure
from ..blocks import QuestionBlock
from ..models import LessonPage, QuizAttempt
from . import NotInLesson, TrainingError, lessons


@dataclass
class CheckInvalid(TrainingError):
    """Answers that cannot be scored (a question left blank): nothing is stored or counted."""

    message: str
    question: int  # 0-based index of the first question at fault

    def __str__(self):
        return self.message


class CheckLocked(TrainingError):
    """A check taken before the videos it tests are watched: nothing is stored or counted."""


def check_submit(
    *,
    staff: Staff,
    lesson: LessonPage,
    block_id: str,
    answers: dict[int, list[int]],
    attempt: int,
    now: datetime | None = None,
) -> QuizAttempt:
    """Score `answers` (question index -> chosen choice indexes) as attempt number `attempt`."""
    now = now or timezone.now()
    block = structure.tracked_block(lesson, block_id, video=False)
    if block is None:
        raise NotInLesson("This check is not part of the lesson.")
    lessons.lesson_open_check(staff=staff, lesson=lesson)
    lock = selectors.check_lock(staff=staff, lesson=lesson, block_id=block_id)
    if lock is not None:  # a check tests the videos before it: "Watch the session first: ..."
        raise CheckLocked(lock.sentence)
    check = block.value
    results = answers_score(check["questions"], answers)
    right = sum(1 for r in results if r["right"])
    score = round(100 * right / len(results))
    passed = score >= check["pass_mark"]

    with transaction.atomic():
        earlier = list(
            QuizAttempt.objects.filter(staff=staff, lesson=lesson, block_id=block_id).values_list(
                "number", "passed"
            )
        )
        if any(was_passed for _, was_passed in earlier):
            raise TrainingError("You have already passed this check.")
        limit = check["attempt_limit"]
        if limit and len(earlier) >= limit:
            used = "your one attempt" if limit == 1 else f"all {limit} attempts"
            raise TrainingError(
                f"You have used {used} at this check. A community manager can help: ask at "
                "office hours."
            )
        if attempt != len(earlier) + 1:
            raise TrainingError(
                f"Attempt {attempt} was already submitted; your result is below."
                if attempt <= len(earlier)
                else "This form is out of date; reload the page and try again."
            )
        try:
            with transaction.atomic():
                row = QuizAttempt.objects.create(
                    staff=staff,
                    lesson=lesson,
                    block_id=block_id,
                    number=attempt,
                    results=results,
                    score=score,
                    passed=passed,
                    submitted_at=now,
                )
        except IntegrityError:
            raise TrainingError(
                f"Attempt {attempt} was already submitted; your result is below."
            ) from None
        if passed:
            engagement_record(
                staff=staff,
                kind="quiz_passed",
                subject=f"{lesson.pk}:{block_id}",
                source="web",
                occurred_at=now,
                metadata={"score": score, "attempt": attempt},
                idempotency_key=f"quiz_passed:{staff.pk}:{lesson.pk}:{block_id}",
            )
            lessons.lesson_complete_if_done(staff=staff, lesson=lesson, now=now)
    return row


def answers_score(questions, answers: dict[int, list[int]]) -> list[dict]:
    """Each question as asked, what was chosen, and whether it was exactly right."""
    results = []
    for index, question in enumerate(questions):
        chosen = sorted(set(answers.get(index, [])))
        choices = list(question["choices"])
        if not chosen:
            raise CheckInvalid(f"Answer question {index + 1}: it has no answer yet.", index)
        if any(not 0 <= c < len(choices) for c in chosen):
            raise CheckInvalid(
                f"Question {index + 1} changed since the page was loaded; reload it.", index
            )
        if question["kind"] == QuestionBlock.SINGLE and len(chosen) > 1:
            raise CheckInvalid(f"Question {index + 1} takes one answer.", index)
        correct = [i for i, choice in enumerate(choices) if choice["correct"]]
        results.append(
            {
                "prompt": question["prompt"],
                "kind": question["kind"],
                "choices": [choice["text"] for choice in choices],
                "chosen": chosen,
                "correct": correct,
                "right": chosen == correct,
                "explanation": question["explanation"],
            }
        )
    return results
