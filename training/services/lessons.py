"""Completing lessons and modules, and the locks that prerequisites put on them.

A lesson is complete when its videos are watched and its checks passed, and the person marks
it (a reading-only lesson), or at once when the last video or check is done. A module is
complete when every live lesson in it is. A module that counts toward a tier is that tier's
training: completing it records `training_completed` and issues the certificate. All of it
happens under a lock on the person's row, so two tabs finishing the last two lessons at the
same moment still complete the module exactly once.
"""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from portal.people.models import Staff
from portal.tiers.services import engagement_record

from .. import selectors
from ..models import LessonCompletion, LessonPage, ModuleCompletion, ModulePage
from . import TrainingError, certificates


def lesson_open_check(*, staff: Staff, lesson: LessonPage) -> ModulePage:
    """The lesson's module, or TrainingError saying which module to complete first."""
    module = ModulePage.objects.parent_of(lesson).first()
    if module is None:
        raise TrainingError("This lesson is not in a module.")
    waiting = selectors.module_prerequisites_missing(staff=staff, module=module)
    if waiting:
        names = " and ".join(f"“{m.title}”" for m in waiting)
        raise TrainingError(f"This module opens once you complete {names}.")
    return module


def lesson_complete(
    *, staff: Staff, lesson: LessonPage, now: datetime | None = None
) -> tuple[LessonCompletion, bool]:
    """Mark the lesson complete for `staff`, or say what is still to do. Returns (row, created)."""
    now = now or timezone.now()
    with transaction.atomic():
        _lock_person(staff)
        module = lesson_open_check(staff=staff, lesson=lesson)
        todo = selectors.lesson_todo(staff=staff, lesson=lesson)
        if todo:
            raise TrainingError(f"Not yet: {todo[0]}")
        return _complete(staff, lesson, module, now)


def lesson_complete_if_done(*, staff: Staff, lesson: LessonPage, now: datetime) -> bool:
    """After a video is watched or a check passed: complete the lesson if nothing is left.

    Only lessons with something to track complete by themselves; a reading lesson waits for
    the person to say they have read it."""
    with transaction.atomic():
        _lock_person(staff)
        if selectors.lesson_todo(staff=staff, lesson=lesson):
            return False
        module = lesson_open_check(staff=staff, lesson=lesson)
        return _complete(staff, lesson, module, now)[1]


def _lock_person(staff: Staff) -> None:
    # Serialises one person's completions (PostgreSQL; SQLite's IMMEDIATE transactions queue).
    list(Staff.objects.select_for_update().filter(pk=staff.pk).values_list("pk"))


def _complete(staff, lesson, module, now) -> tuple[LessonCompletion, bool]:
    try:
        with transaction.atomic():
            completion = LessonCompletion.objects.create(
                staff=staff, lesson=lesson, completed_at=now
            )
    except IntegrityError:
        return LessonCompletion.objects.get(staff=staff, lesson=lesson), False
    _module_complete_if_done(staff, module, now)
    return completion, True


def _module_complete_if_done(staff: Staff, module: ModulePage, now: datetime) -> None:
    lesson_ids = set(LessonPage.objects.child_of(module).live().values_list("pk", flat=True))
    done = set(
        LessonCompletion.objects.filter(staff=staff, lesson_id__in=lesson_ids).values_list(
            "lesson_id", flat=True
        )
    )
    if not lesson_ids or done != lesson_ids:
        return
    try:
        with transaction.atomic():
            ModuleCompletion.objects.create(staff=staff, module=module, completed_at=now)
    except IntegrityError:
        return  # completed already: nothing more to record
    if module.tier_id is None:
        return  # an optional module: done, but it is no tier's training
    engagement_record(
        staff=staff,
        kind="training_completed",
        subject=str(module.pk),
        source="web",
        occurred_at=now,
        metadata={"module": module.title, "tier": module.tier_id},
        idempotency_key=f"training_completed:{staff.pk}:{module.pk}",
    )
    certificates.certificate_issue(staff=staff, module=module, now=now)
