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

from . import structure
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
)
from .standing import (
    CheckLock,
    LessonLink,
    Missing,
    Standing,
    standing_of,
    standings_of,
    videos_facts,
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
    *, staff: Staff | None, modules: list[ModulePage], request=None, dues: bool = True
) -> list[ModuleState]:
    """Each module's lessons, locks, completion, certificate and due date for `staff`.

    Six queries for any number of modules (fewer without a person); four without `dues`
    (certificates and due dates left out, for finding where a person is)."""
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
        if dues:
            certificates = {
                c.module_id: c for c in Certificate.objects.filter(staff=staff, module_id__in=ids)
            }
        if dues and staff.role_id:
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
    lock: CheckLock | None = None  # a check whose session is not watched yet


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
    module_missing: list[Missing] = field(default_factory=list)  # the rest of the module

    def item(self, block_id: str) -> LessonItem | None:
        return next((i for i in self.items if i.block.id == block_id), None)

    def checks_after(self, block_id: str) -> set[str]:
        """The block ids of the checks not yet passed that follow `block_id` in the lesson."""
        ids = [i.block.id for i in self.items]
        if block_id not in ids:
            return set()
        later = self.items[ids.index(block_id) + 1 :]
        return {i.block.id for i in later if i.check is not None and not i.check.passed}


def lesson_view(*, staff: Staff | None, lesson: LessonPage, request=None) -> LessonView:
    """Everything the lesson page shows for `staff` (or for someone outside the directory, whose
    progress is not kept). A fixed number of queries."""
    module = (
        ModulePage.objects.select_related("tier").parent_of(lesson).first() if lesson.path else None
    )
    if module is None:  # a preview of a lesson not yet saved anywhere
        state = ModuleState(None, "", [], [], None, None, None, False)
    else:
        state = modules_state(staff=staff, modules=[module], request=request)[0]
    links = _with_lesson(state.lessons, lesson)
    standing = standing_of(staff, links)
    tracked = structure.tracked_blocks(lesson)
    videos, checks = _states(lesson, tracked, standing)
    by_id = {t.id: t for t in tracked}
    items = []
    for block in lesson.body:
        item = LessonItem(block=block)
        if block.id in by_id and by_id[block.id].is_video:
            item.video = videos.get(block.id)
        elif block.id in by_id:
            item.check = checks.get(block.id)
            item.questions = check_questions(block.value)
            if item.check is not None and not item.check.passed:
                item.lock = standing.lock(lesson.pk, block.id)
        items.append(item)
    index = next((i for i, link in enumerate(links) if link.lesson.pk == lesson.pk), 0)
    done = staff is not None and links[index].done
    return LessonView(
        lesson=lesson,
        module=module,
        module_url=state.url,
        waiting_for=state.waiting_for,
        items=items,
        completed_at=_completed_at(staff, lesson) if done else None,
        todo=_todo(tracked, videos, checks),
        previous=links[index - 1] if index > 0 else None,
        next=links[index + 1] if index + 1 < len(links) else None,
        position=index + 1,
        lesson_count=len(links) if module is not None else 0,
        module_completed=state.completed_at is not None,
        certificate=state.certificate,
        module_missing=[] if state.completed_at else standing.missing(besides=lesson.pk),
    )


def _with_lesson(links: list[LessonLink], lesson: LessonPage) -> list[LessonLink]:
    """The module's lessons with this one as shown (a preview shows its draft), in order."""
    if not any(link.lesson.pk == lesson.pk for link in links):
        return [*links, LessonLink(lesson, lesson.url or "" if lesson.pk else "", False)]
    return [
        LessonLink(lesson, link.url, link.done) if link.lesson.pk == lesson.pk else link
        for link in links
    ]


def _completed_at(staff: Staff, lesson: LessonPage) -> datetime | None:
    return (
        LessonCompletion.objects.filter(staff=staff, lesson=lesson)
        .values_list("completed_at", flat=True)
        .first()
    )


def lesson_todo(*, staff: Staff, lesson: LessonPage) -> list[str]:
    """What `staff` still has to do before the lesson counts as complete, in words."""
    tracked = structure.tracked_blocks(lesson)
    videos, checks = _states(lesson, tracked, standing_of(staff, [LessonLink(lesson, "", False)]))
    return _todo(tracked, videos, checks)


def lesson_to_mark_done(*, staff: Staff, module: ModulePage) -> LessonPage | None:
    """The module's first lesson `staff` has not completed, when it asks for nothing but to
    say it was read (no video or check left): what a chat message's "Mark the lesson done"
    can complete."""
    done = LessonCompletion.objects.filter(staff=staff).values("lesson_id")
    lesson = (
        LessonPage.objects.live().child_of(module).exclude(pk__in=done).order_by("path").first()
    )
    if lesson is None or lesson_todo(staff=staff, lesson=lesson):
        return None
    return lesson


def _states(lesson, tracked, standing: Standing):
    """Each of the lesson's videos and checks, by block id, from the person's standing."""
    videos = {}
    for t in tracked:
        if t.is_video:
            facts = standing.videos.get(t.value["video"].pk)
            share = (facts.played / facts.duration) if facts and facts.duration else 0
            videos[t.id] = VideoState(
                percent=min(100, int(share * 100)),
                position=facts.position if facts else 0,
                watched=bool(facts and facts.watched),
            )
    checks = {
        t.id: CheckState(
            attempts=standing.attempts.get((lesson.pk, t.id), []), limit=t.value["attempt_limit"]
        )
        for t in tracked
        if not t.is_video
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


def check_lock(*, staff: Staff, lesson: LessonPage, block_id: str) -> CheckLock | None:
    """Why `staff` may not take this check yet (a video before it is not watched), or None.
    Three queries: the module, its lessons, and the videos with the person's progress."""
    module = ModulePage.objects.parent_of(lesson).first()
    lessons = list(LessonPage.objects.child_of(module).live().order_by("path")) if module else []
    links = _with_lesson([LessonLink(le, le.url or "", False) for le in lessons], lesson)
    refs = {link.lesson.pk: structure.tracked_refs(link.lesson) for link in links}
    video_ids = {r.video_id for rs in refs.values() for r in rs if r.is_video and r.video_id}
    return Standing(links, refs, videos_facts(staff, video_ids), {}).lock(lesson.pk, block_id)


# The rules of engagement


@dataclass(frozen=True)
class PolicyStatus:
    policy: PolicyPage
    acknowledged_at: datetime | None  # of the current version
    earlier_version: str  # the last older version acknowledged, when the current one is not
    earlier_at: datetime | None = None  # when that older version was acknowledged


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
    earlier, earlier_at = ("", None) if current or not events else events[0]
    return PolicyStatus(
        policy=policy, acknowledged_at=current, earlier_version=earlier, earlier_at=earlier_at
    )


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
    """The *Your training* panel on My path: required modules with their due dates, where to
    pick up (the exact lesson, video or check), and the certificates earned. None when there
    is no training to show."""
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
    certificates = [s for s in states if s.certificate]
    if not required and current is None and not certificates:
        return None
    return {
        "required": required,
        "current": current,
        "current_url": (standing_of(staff, current.lessons).next_place() or current.url)
        if current
        else "",
        "certificates": certificates,
        "index_url": index.get_url(),
        "today": timezone.localdate(),
    }


# The exact places of My path's steps (`EventKind.where_for`): a fixed number of queries each.


def policy_place(staff: Staff) -> str:
    """The rules of engagement, to read and acknowledge. Cached: no query."""
    return policy_url()


def wiifm_place(staff: Staff) -> str:
    """The WIIFM video this person should watch: the first one in their modules that they
    have not watched (in an open module if there is one), at the video. Eight queries."""
    places = []
    for state, standing in _pathstandings_of(staff):
        for link in standing.lessons:
            for ref in standing.refs.get(link.lesson.pk, []):
                if ref.type == "wiifm_video":
                    unwatched = standing.unwatched(ref) is not None
                    places.append((not unwatched, state.locked, standing.place(link, ref)))
    return min(places, key=lambda p: p[:2])[2] if places else ""


def training_place(staff: Staff) -> str:
    """Where this person's training goes on: the next unfinished lesson, in order, of the
    first unfinished module open to them, at its first unwatched video or unpassed check.
    "" when there is none (the training index serves then). Eight queries."""
    for state, standing in _pathstandings_of(staff):
        if not state.locked and state.completed_at is None and state.lessons:
            return standing.next_place() or state.url
    return ""


def _pathstandings_of(staff: Staff) -> list[tuple[ModuleState, Standing]]:
    """The person's modules, each with their standing in it: the index, the modules, four
    reads of lessons, locks and completions, and two of videos and attempts."""
    if staff is None or not training_index_url():  # cached
        return []
    index = TrainingIndexPage.objects.live().first()
    if index is None:
        return []
    states = modules_state(staff=staff, modules=_modules_for(staff, index), dues=False)
    return list(zip(states, standings_of(staff, [s.lessons for s in states]), strict=True))


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
