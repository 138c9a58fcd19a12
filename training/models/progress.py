"""What people have done in training. Plain models, never pages.

Every "once per person" rule is a unique constraint, so two tabs completing the same lesson, or a
double-clicked check, leave one row; the services catch the clash and answer in words.
"""

from django.db import models

from portal.people.models import Staff

from .pages import LessonPage, ModulePage
from .videos import Video


class VideoProgress(models.Model):
    """The parts of a video a person has actually played, as merged [start, end] seconds.

    Not the scrubber position: dragging to the end adds nothing here. `position` is where they
    left off, to resume from; `watched_at` is set once the played parts reach 90 %.
    """

    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="+")
    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="progress")
    segments = models.JSONField(default=list)
    played_seconds = models.FloatField(default=0)
    position = models.FloatField(default=0)
    reported_at = models.DateTimeField()
    watched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["staff", "video"], name="video_progress_once")
        ]

    def __str__(self):
        return f"staff {self.staff_id} on video {self.video_id}: {self.played_seconds:.0f} s"


class QuizAttempt(models.Model):
    """One submitted attempt at a knowledge check, with the questions as they were asked."""

    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="+")
    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="+")
    block_id = models.CharField(max_length=64)
    number = models.PositiveSmallIntegerField()
    results = models.JSONField(default=list)  # per question: prompt, choices, chosen, correct
    score = models.PositiveSmallIntegerField()  # percent
    passed = models.BooleanField()
    submitted_at = models.DateTimeField()

    class Meta:
        ordering = ["number"]
        constraints = [
            # The attempt number is the double-submit guard: two posts of attempt 2 make one row.
            models.UniqueConstraint(
                fields=["staff", "lesson", "block_id", "number"], name="quiz_attempt_number_once"
            )
        ]

    def __str__(self):
        return f"attempt {self.number} by staff {self.staff_id}: {self.score} %"


class LessonCompletion(models.Model):
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="+")
    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="completions")
    completed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["staff", "lesson"], name="lesson_completion_once")
        ]

    def __str__(self):
        return f"staff {self.staff_id} completed lesson {self.lesson_id}"


class ModuleCompletion(models.Model):
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="+")
    module = models.ForeignKey(ModulePage, on_delete=models.CASCADE, related_name="completions")
    completed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["staff", "module"], name="module_completion_once")
        ]

    def __str__(self):
        return f"staff {self.staff_id} completed module {self.module_id}"


class Certificate(models.Model):
    """Proof of a completed module, checkable by anyone with its code.

    The name, module and tier are copied at issue time: a certificate says what was true then,
    even if the module is renamed later.
    """

    code = models.CharField(max_length=16, unique=True)
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="+")
    module = models.ForeignKey(ModulePage, on_delete=models.SET_NULL, null=True, related_name="+")
    name = models.CharField(max_length=200)
    module_title = models.CharField(max_length=255)
    tier_name = models.CharField(max_length=60, blank=True)
    issued_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["staff", "module"], name="certificate_once")]

    def __str__(self):
        return f"certificate {self.code}"


class AssignmentReminder(models.Model):
    """Overdue reminders owed: one row per person and module, queued in the outbox once."""

    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="+")
    module = models.ForeignKey(ModulePage, on_delete=models.CASCADE, related_name="+")
    due_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["staff", "module"], name="assignment_reminder_once")
        ]

    def __str__(self):
        return f"reminder to staff {self.staff_id} for module {self.module_id}"
