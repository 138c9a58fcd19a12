"""Builders for training content in tests: an index, modules, lessons, videos and checks.

Plain functions rather than factory_boy classes: pages must be added under a parent and
published, which reads more plainly as calls than as factory declarations.
"""

from datetime import timedelta
from pathlib import Path

from django.core.files import File
from django.utils import timezone

from portal.models import HomePage

from .models import LessonPage, ModuleAssignment, ModulePage, ModulePrerequisite, TrainingIndexPage
from .services.videos import video_create

DEMO_MEDIA = Path(__file__).parent / "demo_media"


def video_make(*, title="What's in it for me", name="wiifm", path=None, captions=True):
    """A video from the shipped demo clips (40 s WIIFM, 3 min session) or any file `path`."""
    path = Path(path) if path else DEMO_MEDIA / f"{name}.webm"
    with open(path, "rb") as clip:
        if not captions:
            return video_create(title=title, file=File(clip, name=path.name))
        vtt_path = DEMO_MEDIA / f"{name}.vtt" if name else DEMO_MEDIA / "wiifm.vtt"
        with open(vtt_path, "rb") as vtt:
            return video_create(
                title=title,
                file=File(clip, name=path.name),
                captions=File(vtt, name=vtt_path.name),
            )


def training_index_make(*, title="Training", slug="training") -> TrainingIndexPage:
    existing = TrainingIndexPage.objects.first()
    if existing:
        return existing
    return _publish(HomePage.objects.first(), TrainingIndexPage(title=title, slug=slug))


def module_make(
    *,
    index=None,
    title="Speaking for our community",
    tier=None,
    prerequisites=(),
    assignments=(),
    audiences=(),
    assigned_days_ago=365,
) -> ModulePage:
    """A published module; `assignments` are (role, due_days) pairs, assigned long ago unless
    `assigned_days_ago` says otherwise."""
    index = index or training_index_make()
    module = ModulePage(title=title, summary=f"All about {title.lower()}.", tier=tier)
    module.prerequisites = [ModulePrerequisite(required=m) for m in prerequisites]
    assigned_on = timezone.localdate() - timedelta(days=assigned_days_ago)
    module.assignments = [
        ModuleAssignment(role=r, due_days=d, assigned_on=assigned_on) for r, d in assignments
    ]
    module.audiences = list(audiences)
    return _publish(index, module)


def lesson_make(*, module, title="A lesson", body=()) -> LessonPage:
    """A published lesson; `body` is a list of (block type, value) pairs."""
    return _publish(module, LessonPage(title=title, body=list(body)))


def wiifm_block(video) -> tuple[str, dict]:
    return ("wiifm_video", {"video": video, "introduction": ""})


def session_block(video, chapters=()) -> tuple[str, dict]:
    return (
        "recorded_session",
        {
            "video": video,
            "introduction": "",
            "chapters": [{"start": s, "title": t} for s, t in chapters],
        },
    )


def question(prompt="Which?", correct=(0,), choices=("Yes", "No", "Maybe"), multiple=False):
    return {
        "prompt": prompt,
        "kind": "multiple" if multiple else "single",
        "choices": [{"text": text, "correct": i in correct} for i, text in enumerate(choices)],
        "explanation": f"The answer: {', '.join(choices[i] for i in correct) or 'none'}.",
    }


def check_block(*, questions=None, pass_mark=50, attempt_limit=None, heading="Check"):
    return (
        "knowledge_check",
        {
            "heading": heading,
            "questions": questions or [question("One?"), question("Two?", correct=(1,))],
            "pass_mark": pass_mark,
            "attempt_limit": attempt_limit,
        },
    )


def block_id(lesson: LessonPage, block_type: str) -> str:
    """The StreamField id of the lesson's first block of this type."""
    return next(b.id for b in lesson.body if b.block_type == block_type)


def _publish(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page.__class__.objects.get(pk=page.pk)
