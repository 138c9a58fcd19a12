"""Reads for training: where a person stands in each module and lesson, what is due, what to do.

Every function here makes a fixed number of queries, whatever the number of staff, events or
attempts: the pages that use them pin their counts in tests.
"""

import operator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import reduce

from django.db.models import Q
from django.utils import timezone

from portal.navigation import PageAddress
from portal.people.models import Staff
from portal.people.services import staff_link_user
from portal.rollout.selectors import invited_at, invited_on, rollout_started
from portal.tiers.models import EngagementEvent

from . import codes, structure
from .models import (
    Certificate,
    LessonCompletion,
    LessonPage,
    ModuleAssignment,
    ModuleCompletion,
    ModulePage,
    ModulePrerequisite,
    PolicyPage,
    QuizAttempt,
    TrainingIndexPage,
    VideoProgress,
)
from .structure import WATCHED_SHARE

# The addresses the menu and My path link to, cached and forgotten as the pages change.
training_index_url = PageAddress(TrainingIndexPage, "training:index-url")
policy_url = PageAddress(PolicyPage, "training:policy-url")


# Modules and prerequisites


def module_prerequisites_missing(*, staff: Staff, module: ModulePage) -> list[ModulePage]:
    """The prerequisite modules `staff` has not completed yet (two queries)."""
    required = list(
        ModulePage.objects.filter(
            pk__in=ModulePrerequisite.objects.filter(module=module).values("required_id")
        ).order_by("path")
    )
    if not required:
        return []
    done = set(
        ModuleCompletion.objects.filter(staff=staff, module__in=required).values_list(
            "module_id", flat=True
        )
    )
    return [m for m in required if m.pk not in done]


@dataclass
class LessonLink:
    lesson: LessonPage
    url: str
    done: bool


@dataclass
class ModuleState:
    module: ModulePage
    url: str
    lessons: list[LessonLink]
    waiting_for: list[ModulePage]  # prerequisites not yet completed: the module is locked
    completed_at: datetime | None
    certificate: Certificate | None
    due_on: date | None
    required: bool

    @property
    def locked(self) -> bool:
        return bool(self.waiting_for)

    @property
    def done_count(self) -> int:
        return sum(1 for link in self.lessons if link.done)

    @property
    def next_lesson(self) -> LessonLink | None:
        return next((link for link in self.lessons if not link.done), None)

    @property
    def overdue(self) -> bool:
        return (
            self.completed_at is None
            and self.due_on is not None
            and self.due_on < timezone.localdate()
        )


def modules_state(
    *, staff: Staff | None, modules: list[ModulePage], request=None
) -> list[ModuleState]:
    """Each module's lessons, locks, completion, certificate and due date for `staff`.

    Six queries for any number of modules (fewer without a person)."""
    ids = [m.pk for m in modules]
    lessons = (
        list(LessonPage.objects.live().filter(_children_of(modules)).order_by("path"))
        if modules
        else []
    )
    prereqs = list(ModulePrerequisite.objects.filter(module_id__in=ids).select_related("required"))
    done_lessons, done_modules, certificates, assignments = set(), {}, {}, {}
    if staff is not None and modules:
        done_lessons = set(
            LessonCompletion.objects.filter(
                staff=staff, lesson_id__in=[lesson.pk for lesson in lessons]
            ).values_list("lesson_id", flat=True)
        )
        required_ids = ids + [p.required_id for p in prereqs]
        done_modules = dict(
            ModuleCompletion.objects.filter(staff=staff, module_id__in=required_ids).values_list(
                "module_id", "completed_at"
            )
        )
        certificates = {
            c.module_id: c for c in Certificate.objects.filter(staff=staff, module_id__in=ids)
        }
        if staff.role_id:
            assignments = {
                a.module_id: a
                for a in ModuleAssignment.objects.filter(module_id__in=ids, role_id=staff.role_id)
            }
    # One more query, only for a person with required modules: when their wave invited them.
    invited = invited_on(staff=staff) if assignments else (False, None)
    states = []
    for module in modules:
        prefix = module.path
        own = [lesson for lesson in lessons if lesson.path.startswith(prefix)]
        assignment = assignments.get(module.pk)
        states.append(
            ModuleState(
                module=module,
                url=module.get_url(request),
                lessons=[
                    LessonLink(lesson, lesson.get_url(request), lesson.pk in done_lessons)
                    for lesson in own
                ],
                waiting_for=[
                    p.required
                    for p in prereqs
                    if p.module_id == module.pk and p.required_id not in done_modules
                ]
                if staff is not None
                else [],
                completed_at=done_modules.get(module.pk),
                certificate=certificates.get(module.pk),
                due_on=_due_on(staff, assignment, invited) if assignment else None,
                required=assignment is not None,
            )
        )
    return states


def _children_of(modules: list[ModulePage]) -> Q:
    """Lessons are the modules' children: one level below, under any module's path."""
    under = reduce(operator.or_, (Q(path__startswith=m.path) for m in modules))
    return under & Q(depth__in={m.depth + 1 for m in modules})


def _due_on(
    staff: Staff | None, assignment: ModuleAssignment, invited: tuple[bool, date | None]
) -> date | None:
    """`due_days` after the latest of the person's start, the day the module was assigned and,
    once the programme is rolled out in waves, the day their wave invited them (not due at
    all before that: the programme has not reached them yet)."""
    rolled_out, invited_on = invited
    if staff is None or staff.start_date is None or (rolled_out and invited_on is None):
        return None
    begins = max(staff.start_date, assignment.assigned_on, invited_on or date.min)
    return begins + timedelta(days=assignment.due_days)


# Lessons


@dataclass
class VideoState:
    percent: int
    position: float
    watched: bool


@dataclass
class CheckState:
    attempts: list[QuizAttempt]
    limit: int | None

    @property
    def latest(self) -> QuizAttempt | None:
        return self.attempts[-1] if self.attempts else None

    @property
    def passed(self) -> bool:
        return any(a.passed for a in self.attempts)

    @property
    def attempts_left(self) -> int | None:
        return None if self.limit is None else max(0, self.limit - len(self.attempts))

    @property
    def can_attempt(self) -> bool:
        return not self.passed and self.attempts_left != 0

    @property
    def next_number(self) -> int:
        return len(self.attempts) + 1

    @property
    def show_answers(self) -> bool:
        """Correct answers are revealed once they can no longer help a next attempt."""
        return self.passed or self.attempts_left == 0

    @property
    def review(self) -> list[dict]:
        """The latest attempt, question by question: right or not, what was chosen, and (once
        revealing cannot help a next attempt, or when it was right) the answer and why."""
        if self.latest is None:
            return []
        reveal = self.show_answers
        review = []
        for number, result in enumerate(self.latest.results, start=1):
            texts = result["choices"]
            review.append(
                {
                    "number": number,
                    "prompt": result["prompt"],
                    "right": result["right"],
                    "chosen": [texts[i] for i in result["chosen"] if i < len(texts)],
                    "correct": [texts[i] for i in result["correct"]] if reveal else [],
                    "explanation": result["explanation"] if reveal or result["right"] else "",
                }
            )
        return review


def check_questions(check, kept: dict[int, list[int]] | None = None) -> list[dict]:
    """A check's questions for its form, with the choices a person made ticked again."""
    kept = kept or {}
    return [
        {
            "index": i,
            "prompt": question["prompt"],
            "multiple": question["kind"] == "multiple",
            "choices": [
                {"index": c, "text": choice["text"], "checked": c in kept.get(i, [])}
                for c, choice in enumerate(question["choices"])
            ],
        }
        for i, question in enumerate(check["questions"])
    ]


@dataclass
class LessonItem:
    block: object  # a StreamField child (has .id, .block_type, .value)
    video: VideoState | None = None
    check: CheckState | None = None
    questions: list[dict] = field(default_factory=list)  # a check's form


@dataclass
class LessonView:
    lesson: LessonPage
    module: ModulePage
    module_url: str
    waiting_for: list[ModulePage]
    items: list[LessonItem]
    completed_at: datetime | None
    todo: list[str]
    previous: LessonLink | None = None
    next: LessonLink | None = None
    position: int = 0
    lesson_count: int = 0
    module_completed: bool = False
    certificate: Certificate | None = None

    def item(self, block_id: str) -> LessonItem | None:
        return next((i for i in self.items if i.block.id == block_id), None)


def lesson_view(*, staff: Staff | None, lesson: LessonPage, request=None) -> LessonView:
    """Everything the lesson page shows for `staff` (or for someone outside the directory, whose
    progress is not kept). A fixed number of queries."""
    module = ModulePage.objects.parent_of(lesson).first() if lesson.path else None
    if module is None:  # a preview of a lesson not yet saved anywhere
        state = ModuleState(None, "", [], [], None, None, None, False)
    else:
        state = modules_state(staff=staff, modules=[module], request=request)[0]
    tracked = structure.tracked_blocks(lesson)
    videos, checks = _tracked_progress(staff, lesson, tracked)
    by_id = {t.id: t for t in tracked}
    items = []
    for block in lesson.body:
        item = LessonItem(block=block)
        if block.id in by_id and by_id[block.id].is_video:
            item.video = videos.get(block.id)
        elif block.id in by_id:
            item.check = checks.get(block.id)
            item.questions = check_questions(block.value)
        items.append(item)
    links = state.lessons
    index = next((i for i, link in enumerate(links) if link.lesson.pk == lesson.pk), 0)
    this = links[index] if links else None
    return LessonView(
        lesson=lesson,
        module=module,
        module_url=state.url,
        waiting_for=state.waiting_for,
        items=items,
        completed_at=_completed_at(staff, lesson) if staff and this and this.done else None,
        todo=_todo(tracked, videos, checks),
        previous=links[index - 1] if index > 0 else None,
        next=links[index + 1] if index + 1 < len(links) else None,
        position=index + 1,
        lesson_count=len(links),
        module_completed=state.completed_at is not None,
        certificate=state.certificate,
    )


def _completed_at(staff: Staff, lesson: LessonPage) -> datetime | None:
    return (
        LessonCompletion.objects.filter(staff=staff, lesson=lesson)
        .values_list("completed_at", flat=True)
        .first()
    )


def lesson_todo(*, staff: Staff, lesson: LessonPage) -> list[str]:
    """What `staff` still has to do before the lesson counts as complete, in words."""
    tracked = structure.tracked_blocks(lesson)
    videos, checks = _tracked_progress(staff, lesson, tracked)
    return _todo(tracked, videos, checks)


def _tracked_progress(staff, lesson, tracked):
    """Video and check state per block id (two queries at most)."""
    video_blocks = [t for t in tracked if t.is_video]
    check_blocks = [t for t in tracked if not t.is_video]
    progress = {}
    if video_blocks and staff is not None:
        progress = {
            p.video_id: p
            for p in VideoProgress.objects.filter(
                staff=staff, video_id__in=[t.value["video"].pk for t in video_blocks]
            )
        }
    videos = {}
    for t in video_blocks:
        video = t.value["video"]
        p = progress.get(video.pk)
        share = (p.played_seconds / video.duration) if p and video.duration else 0
        videos[t.id] = VideoState(
            percent=min(100, int(share * 100)),
            position=p.position if p else 0,
            watched=bool(p and p.watched_at),
        )
    attempts: dict[str, list[QuizAttempt]] = {t.id: [] for t in check_blocks}
    if check_blocks and staff is not None:
        for attempt in QuizAttempt.objects.filter(
            staff=staff, lesson=lesson, block_id__in=list(attempts)
        ).order_by("number"):
            attempts[attempt.block_id].append(attempt)
    checks = {
        t.id: CheckState(attempts=attempts[t.id], limit=t.value["attempt_limit"])
        for t in check_blocks
    }
    return videos, checks


def _todo(tracked, videos, checks) -> list[str]:
    todo = []
    for t in tracked:
        if t.is_video and not videos[t.id].watched:
            todo.append(
                f"watch at least {int(WATCHED_SHARE * 100)} % of “{t.value['video'].title}” "
                f"({videos[t.id].percent} % so far)."
            )
        elif not t.is_video and not checks[t.id].passed:
            todo.append(f"pass the check “{t.value['heading']}”.")
    return todo


# The rules of engagement


@dataclass(frozen=True)
class PolicyStatus:
    policy: PolicyPage
    acknowledged_at: datetime | None  # of the current version
    earlier_version: str  # the last older version acknowledged, when the current one is not


def policy_status(*, staff: Staff, policy: PolicyPage) -> PolicyStatus:
    """Whether `staff` acknowledged the current version (one query). There is one policy page,
    so any acknowledgement event is of it."""
    events = list(
        EngagementEvent.objects.filter(staff=staff, kind="policy_acknowledged")
        .order_by("-occurred_at")
        .values_list("subject", "occurred_at")[:20]
    )
    current = next(
        (at for subject, at in events if subject == policy.acknowledgement_subject), None
    )
    earlier = "" if current else next((subject for subject, _ in events), "")
    return PolicyStatus(policy=policy, acknowledged_at=current, earlier_version=earlier)


# Certificates


def certificate_find(*, code: str) -> Certificate | None:
    code = codes.code_normal(code)
    return Certificate.objects.filter(code=code).first() if code else None


# Assignments


@dataclass(frozen=True)
class Overdue:
    staff: Staff
    module: ModulePage
    due_on: date


def assignments_overdue(*, today: date) -> list[Overdue]:
    """Every active person with an assigned module past its due date and not completed.

    One query per assignment rule (a handful), each set-wise over staff, and two for when
    people's waves invited them."""
    found = []
    rolled_out = rollout_started()
    first = invited_at() if rolled_out else {}  # when each person's wave invited them
    rules = ModuleAssignment.objects.select_related("module").filter(module__live=True)
    for rule in rules:
        if rule.assigned_on >= today - timedelta(days=rule.due_days):
            continue  # assigned too recently for anyone to be late
        people = Staff.objects.filter(
            active=True,
            role_id=rule.role_id,
            start_date__lt=today - timedelta(days=rule.due_days),
        ).exclude(
            pk__in=ModuleCompletion.objects.filter(module_id=rule.module_id).values("staff_id")
        )
        for person in people:
            invited = first.get(person.pk)
            day = timezone.localdate(invited[0]) if invited else None
            due_on = _due_on(person, rule, (rolled_out, day))
            if due_on is not None and due_on < today:
                found.append(Overdue(staff=person, module=rule.module, due_on=due_on))
    return found


# My path


def my_path_training(user) -> dict | None:
    """The *Your training* panel on My path: required modules with their due dates, and where
    to pick up. None when there is no training to show."""
    if not training_index_url():  # cached: no queries on a portal without training
        return None
    staff = staff_link_user(user=user)
    index = TrainingIndexPage.objects.live().first()
    if staff is None or index is None:
        return None
    modules = _modules_for(staff, index)
    states = modules_state(staff=staff, modules=modules)
    required = [s for s in states if s.required]
    current = next(
        (s for s in states if not s.locked and s.completed_at is None and s.lessons), None
    )
    if not required and current is None:
        return None
    return {
        "required": required,
        "current": current,
        "index_url": index.get_url(),
        "today": timezone.localdate(),
    }


def _modules_for(staff: Staff | None, index: TrainingIndexPage) -> list[ModulePage]:
    """The index's live modules for this person's role (or for everyone), in editors' order."""
    modules = ModulePage.objects.child_of(index).live().order_by("path")
    if staff is not None and staff.role_id:
        modules = modules.filter(Q(audiences=None) | Q(audiences=staff.role_id)).distinct()
    return list(modules)


def training_overview(*, staff: Staff | None, index: TrainingIndexPage, request=None) -> dict:
    """The training index for `staff`: their modules in order, and the rules of engagement."""
    modules = _modules_for(staff, index)
    policy = PolicyPage.objects.child_of(index).live().first()
    return {
        "modules": modules_state(staff=staff, modules=modules, request=request),
        "policy": policy,
        "policy_status": policy_status(staff=staff, policy=policy) if staff and policy else None,
    }
