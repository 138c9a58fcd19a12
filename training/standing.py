"""Where a person stands in a module: which videos are watched and checks passed, what locks a
check, what is left before the module completes, and the one place to go next.

Read from the lessons' stored data (`structure.tracked_refs`), so a whole programme's lessons
cost two queries: the videos with the person's progress, and their attempts at the checks.
The lesson page, the check's gate, the completion message and My path's exact places all
read it; `selectors` holds the functions the rest of the portal calls.
"""

from dataclasses import dataclass

from django.db.models import FilteredRelation, Q

from portal.people.models import Staff

from . import structure
from .models import LessonPage, QuizAttempt, Video
from .structure import TrackedRef


@dataclass
class LessonLink:
    """A lesson in its module's order, its address, and whether the person completed it."""

    lesson: LessonPage
    url: str
    done: bool


@dataclass(frozen=True)
class VideoFacts:
    """A video and how much of it one person has played."""

    pk: int
    title: str
    duration: float
    played: float = 0
    position: float = 0
    watched: bool = False

    @property
    def amount(self) -> str:
        """ "12 of 30 minutes" (seconds for a clip under two minutes)."""
        played = min(self.played, self.duration)
        if self.duration >= 120:
            return f"{int(played // 60)} of {round(self.duration / 60)} minutes"
        return f"{int(played)} of {round(self.duration)} seconds"


@dataclass(frozen=True)
class CheckLock:
    """Why a check is not open yet, in words, and where to go first."""

    sentence: str  # "Watch the recorded session first: 12 of 30 minutes watched."
    link: str  # "Go to the recorded session"
    url: str


@dataclass(frozen=True)
class Missing:
    """One thing left before a module completes: "watched | the recorded session | (12 of 30
    minutes)", the middle part linking to where it is done."""

    before: str
    what: str
    after: str
    url: str

    @property
    def text(self) -> str:
        return " ".join(part for part in (self.before, self.what, self.after) if part)


VIDEO_NOUNS = {"recorded_session": "the recorded session", "wiifm_video": "the WIIFM video"}


@dataclass
class Standing:
    """One person's standing in a module's tracked parts, in the module's order.

    What "before a check" means: a knowledge check tests the videos ahead of it, so it opens
    once every video before it in its module (earlier in its lesson, and in the module's
    earlier lessons) is watched. Earlier checks and reading-only lessons do not lock it: the
    first would let one failed check shut the next, the second would ask for a click that
    proves nothing.
    """

    lessons: list[LessonLink]
    refs: dict[int | None, list[TrackedRef]]
    videos: dict[int, VideoFacts]
    attempts: dict[tuple[int | None, str], list[QuizAttempt]]

    def _passed(self, lesson_pk, block_id) -> bool:
        return any(a.passed for a in self.attempts.get((lesson_pk, block_id), []))

    def _noun(self, ref: TrackedRef) -> str:
        noun = VIDEO_NOUNS.get(ref.type, "the video")
        same = sum(1 for refs in self.refs.values() for r in refs if r.type == ref.type)
        facts = self.videos.get(ref.video_id)
        return f"{noun} “{facts.title}”" if same > 1 and facts else noun

    @staticmethod
    def place(link: LessonLink, ref: TrackedRef | None = None) -> str:
        if ref is None:
            return f"{link.url}#completion"
        return f"{link.url}#{'video' if ref.is_video else 'check'}-{ref.id}"

    def unwatched(self, ref: TrackedRef) -> VideoFacts | None:
        facts = self.videos.get(ref.video_id) if ref.is_video else None
        return facts if facts is not None and not facts.watched else None

    def lock(self, lesson_pk: int | None, block_id: str) -> CheckLock | None:
        """What keeps the check open to `block_id` in that lesson shut, or None."""
        for link in self.lessons:
            for ref in self.refs.get(link.lesson.pk, []):
                if link.lesson.pk == lesson_pk and ref.id == block_id:
                    return None
                facts = self.unwatched(ref)
                if facts is not None:
                    noun = self._noun(ref)
                    return CheckLock(
                        f"Watch {noun} first: {facts.amount} watched.",
                        f"Go to {noun}",
                        self.place(link, ref),
                    )
        return None

    def missing(self, *, besides: int | None = None) -> list[Missing]:
        """What is left in the module's other lessons before it completes."""
        missing = []
        for link in self.lessons:
            if link.done or link.lesson.pk == besides:
                continue
            left = []
            for ref in self.refs.get(link.lesson.pk, []):
                if (facts := self.unwatched(ref)) is not None:
                    left.append(
                        Missing(
                            "watched", self._noun(ref), f"({facts.amount})", self.place(link, ref)
                        )
                    )
                elif not ref.is_video and not self._passed(link.lesson.pk, ref.id):
                    used = len(self.attempts.get((link.lesson.pk, ref.id), []))
                    spent = ref.attempt_limit is not None and used >= ref.attempt_limit
                    after = (
                        "(you have no attempts left; a community manager can help at office hours)"
                        if spent
                        else ""
                    )
                    left.append(Missing("passed", f"“{ref.heading}”", after, self.place(link, ref)))
            missing += left or [
                Missing("marked", f"“{link.lesson.title}”", "complete", self.place(link))
            ]
        return missing

    def next_place(self) -> str:
        """The next unfinished lesson, at its first unfinished video or check; "" when done."""
        for link in self.lessons:
            if link.done:
                continue
            for ref in self.refs.get(link.lesson.pk, []):
                if self.unwatched(ref) is not None or (
                    not ref.is_video and not self._passed(link.lesson.pk, ref.id)
                ):
                    return self.place(link, ref)
            return link.url
        return ""


def standing_of(staff: Staff | None, links: list[LessonLink]) -> Standing:
    """The person's standing in these lessons (a module's, in order). Two queries at most."""
    return standings_of(staff, [links])[0]


def standings_of(staff: Staff | None, groups: list[list[LessonLink]]) -> list[Standing]:
    """The person's standing in each group of lessons (each a module's). Two queries at most,
    however many modules: the videos with the person's progress on each, and their attempts
    at the checks."""
    refs = {link.lesson.pk: structure.tracked_refs(link.lesson) for g in groups for link in g}
    video_ids = {r.video_id for rs in refs.values() for r in rs if r.is_video and r.video_id}
    lesson_ids = [
        pk for pk, rs in refs.items() if pk is not None and any(not r.is_video for r in rs)
    ]
    attempts: dict[tuple[int | None, str], list[QuizAttempt]] = {}
    if staff is not None and lesson_ids:
        for attempt in QuizAttempt.objects.filter(staff=staff, lesson_id__in=lesson_ids).order_by(
            "number"
        ):
            attempts.setdefault((attempt.lesson_id, attempt.block_id), []).append(attempt)
    videos = videos_facts(staff, video_ids)
    return [
        Standing(g, {link.lesson.pk: refs[link.lesson.pk] for link in g}, videos, attempts)
        for g in groups
    ]


def videos_facts(staff: Staff | None, ids: set[int]) -> dict[int, VideoFacts]:
    """The videos, each with how much of it `staff` has played: one query."""
    if not ids:
        return {}
    videos = Video.objects.filter(pk__in=ids)
    if staff is None:
        return {
            pk: VideoFacts(pk, title, duration)
            for pk, title, duration in videos.values_list("pk", "title", "duration")
        }
    rows = videos.annotate(
        mine=FilteredRelation("progress", condition=Q(progress__staff=staff))
    ).values_list(
        "pk", "title", "duration", "mine__played_seconds", "mine__position", "mine__watched_at"
    )
    return {
        pk: VideoFacts(pk, title, duration, played or 0, position or 0, watched is not None)
        for pk, title, duration, played, position, watched in rows
    }
