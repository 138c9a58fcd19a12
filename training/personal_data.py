"""What training keeps about a person (`portal.privacy.holdings`): progress stays under the
pseudonymous entry after an erasure, so completion numbers hold; certificates, which carry the
person's name, go."""

from portal.privacy.holdings import Delete, Export, Holding, Keep, register

from .models import (
    AssignmentReminder,
    Certificate,
    LessonCompletion,
    ModuleCompletion,
    QuizAttempt,
    VideoProgress,
    VideoUpload,
)

PSEUDONYMOUS = "progress, with no name: it counts under the pseudonymous entry"

register(
    Holding(
        VideoProgress,
        links=("staff",),
        export=Export(
            "video_progress",
            "The parts of each video you played, and where you left off.",
            {
                "video": "video__title",
                "played_seconds": "played_seconds",
                "played_parts": "segments",
                "position": "position",
                "last_reported": "reported_at",
                "watched": "watched_at",
            },
        ),
        erase=Keep(PSEUDONYMOUS),
    ),
    Holding(
        QuizAttempt,
        links=("staff",),
        export=Export(
            "quiz_attempts",
            "Your answers to knowledge checks, as they were asked.",
            {
                "lesson": "lesson__title",
                "attempt": "number",
                "score_percent": "score",
                "passed": "passed",
                "submitted": "submitted_at",
                "answers": "results",
            },
            order_by=("submitted_at", "pk"),
        ),
        erase=Keep(PSEUDONYMOUS),
    ),
    Holding(
        LessonCompletion,
        links=("staff",),
        export=Export(
            "lesson_completions",
            "Lessons you completed.",
            {"lesson": "lesson__title", "completed": "completed_at"},
        ),
        erase=Keep(PSEUDONYMOUS),
    ),
    Holding(
        ModuleCompletion,
        links=("staff",),
        export=Export(
            "module_completions",
            "Training modules you completed.",
            {"module": "module__title", "completed": "completed_at"},
        ),
        erase=Keep(PSEUDONYMOUS),
    ),
    Holding(
        Certificate,
        links=("staff",),
        export=Export(
            "certificates",
            "Your certificates (the PDF of each is on the Certificates page).",
            {
                "code": "code",
                "name": "name",
                "module": "module_title",
                "tier": "tier_name",
                "issued": "issued_at",
            },
        ),
        erase=Delete(),  # it carries the name it was issued to, and anyone with the code reads it
        identifies={"name": "name"},
    ),
    Holding(
        AssignmentReminder,
        links=("staff",),
        export=Export(
            "training_reminders",
            "Reminders that an assigned module was due.",
            {"module": "module__title", "due": "due_on", "sent": "sent_at"},
        ),
        erase=Keep(PSEUDONYMOUS),
    ),
    Holding(
        VideoUpload,
        links=("user",),
        left_out="a training video an editor is uploading: the organisation's content",
        erase=Keep("the organisation's content; the uploader is the pseudonymous account"),
    ),
)
