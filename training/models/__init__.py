"""Training's pages (content), its videos (files with captions) and their uploads on the way to
storage, and people's progress (state)."""

from .pages import (
    LessonPage,
    ModuleAssignment,
    ModulePage,
    ModulePrerequisite,
    PolicyPage,
    TrainingIndexPage,
)
from .progress import (
    AssignmentReminder,
    Certificate,
    LessonCompletion,
    ModuleCompletion,
    QuizAttempt,
    VideoProgress,
)
from .uploads import VideoUpload
from .videos import Video

__all__ = [
    "AssignmentReminder",
    "Certificate",
    "LessonCompletion",
    "LessonPage",
    "ModuleAssignment",
    "ModuleCompletion",
    "ModulePage",
    "ModulePrerequisite",
    "PolicyPage",
    "QuizAttempt",
    "TrainingIndexPage",
    "Video",
    "VideoUpload",
    "VideoProgress",
]
