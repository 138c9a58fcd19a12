"""What the training buttons in a Slack message do in place ("Mark the lesson done")."""

from notifications.actions import ActionError
from portal.people.models import Staff

from .models import LessonPage
from .services import TrainingError
from .services.lessons import lesson_complete


def lesson_done(user, argument: str) -> str:
    """Complete the lesson `argument` for the person, if everything it asks is done."""
    staff = Staff.objects.filter(user=user, active=True).first()
    lesson = LessonPage.objects.live().filter(pk=int(argument) if argument.isdigit() else 0)
    lesson = lesson.first()
    if staff is None or lesson is None:
        raise ActionError("This lesson is no longer available; open Training in the portal.")
    try:
        _, created = lesson_complete(staff=staff, lesson=lesson)
    except TrainingError as refusal:
        raise ActionError(str(refusal)) from None
    return f"Done: {lesson.title} is complete." if created else f"{lesson.title} was already done."
