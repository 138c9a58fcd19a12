"""Two tabs at once (PostgreSQL): finishing the last two lessons together completes the module
once, and double-submitting a check records one attempt. Never a lost completion."""

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
from django.db import connections

from portal.factories import StaffFactory
from portal.tiers.models import EngagementEvent, Tier
from training import factories as f
from training.models import Certificate, LessonCompletion, ModuleCompletion, QuizAttempt
from training.services import TrainingError, checks, lessons

ROUNDS = 8


def _together(*calls):
    """Run the calls in threads released at the same moment; return results or errors."""
    barrier = Barrier(len(calls))

    def run(call):
        try:
            barrier.wait()
            return call()
        except TrainingError as refusal:
            return refusal
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_finishing_the_last_two_lessons_in_two_tabs_completes_the_module_once():
    module = f.module_make(tier=Tier.objects.get(order=3))
    one = f.lesson_make(module=module, title="One", body=[("text", "<p>1</p>")])
    two = f.lesson_make(module=module, title="Two", body=[("text", "<p>2</p>")])
    people = [StaffFactory() for _ in range(ROUNDS)]
    for person in people:
        _together(
            lambda p=person: lessons.lesson_complete(staff=p, lesson=one),
            lambda p=person: lessons.lesson_complete(staff=p, lesson=two),
            lambda p=person: lessons.lesson_complete(staff=p, lesson=two),
        )
    assert LessonCompletion.objects.count() == 2 * ROUNDS
    # Every person completed the module: neither tab assumed the other would.
    assert ModuleCompletion.objects.count() == ROUNDS
    assert Certificate.objects.count() == ROUNDS
    assert EngagementEvent.objects.filter(kind="training_completed").count() == ROUNDS


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_double_submitted_check_records_one_attempt():
    lesson = f.lesson_make(module=f.module_make(), body=[f.check_block()])
    block = f.block_id(lesson, "knowledge_check")
    person = StaffFactory()
    outcomes = _together(
        *[
            lambda: checks.check_submit(
                staff=person, lesson=lesson, block_id=block, answers={0: [2], 1: [2]}, attempt=1
            )
            for _ in range(4)
        ]
    )
    assert QuizAttempt.objects.count() == 1
    refusals = [o for o in outcomes if isinstance(o, TrainingError)]
    assert len(refusals) == 3
    assert all("already submitted" in str(r) for r in refusals)
