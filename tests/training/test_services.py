"""Training's writes: watch tracking, checks, lesson and module completion, prerequisites, the
rules of engagement and its versions, certificates and overdue reminders."""

from datetime import timedelta

import pytest
from django.utils import timezone

from portal.factories import RoleFactory, StaffFactory, UserFactory
from portal.tiers.models import EngagementEvent, Requirement, Tier
from portal.tiers.selectors import attainments_held
from portal.tiers.services import engagement_record
from tests.outbox import delivered
from training import factories as f
from training import selectors
from training.models import (
    AssignmentReminder,
    Certificate,
    LessonCompletion,
    ModuleCompletion,
    QuizAttempt,
    VideoProgress,
)
from training.services import TrainingError, checks, lessons, policy, videos
from training.services.assignments import assignment_reminders_send
from training.services.checks import CheckInvalid

pytestmark = pytest.mark.django_db


@pytest.fixture
def person():
    return StaffFactory(user=UserFactory())


@pytest.fixture
def video():
    return f.video_make()  # the 40-second demo WIIFM clip, with captions


@pytest.fixture
def trained_tier():
    return Tier.objects.get(order=3)


def _events(kind):
    return EngagementEvent.objects.filter(kind=kind)


# Watch tracking


def test_scrubbing_to_the_end_does_not_count_as_watched(person, video):
    module = f.module_make()
    lesson = f.lesson_make(module=module, body=[f.wiifm_block(video)])
    block = f.block_id(lesson, "wiifm_video")
    # Played two seconds, dragged to the end, played the last two: position is at the end.
    progress = videos.video_progress_record(
        staff=person, lesson=lesson, block_id=block, played=[[0, 2], [38, 40]], position=40
    )
    assert progress.watched_at is None
    assert progress.played_seconds == 4
    assert progress.position == 40  # resume would start there; completion does not care
    assert not _events("video_watched").exists() and not _events("wiifm_watched").exists()
    assert not LessonCompletion.objects.exists()


def test_played_segments_add_up_across_reports_and_count_once(person, video):
    module = f.module_make()
    lesson = f.lesson_make(module=module, body=[f.wiifm_block(video)])
    block = f.block_id(lesson, "wiifm_video")
    for played in ([[0, 15]], [[10, 25]], [[0, 25]]):  # overlaps are not counted twice
        progress = videos.video_progress_record(
            staff=person, lesson=lesson, block_id=block, played=played, position=played[0][1]
        )
    assert progress.segments == [[0, 25]] and progress.watched_at is None
    progress = videos.video_progress_record(
        staff=person, lesson=lesson, block_id=block, played=[[24, 36]], position=36
    )
    assert progress.played_seconds == 36 == 0.9 * video.duration
    assert progress.watched_at is not None
    videos.video_progress_record(
        staff=person, lesson=lesson, block_id=block, played=[[0, 40]], position=40
    )
    assert _events("video_watched").count() == 1
    assert _events("wiifm_watched").get().subject == str(video.pk)
    # The lesson had only the video: it completed by itself, and so did the module.
    assert LessonCompletion.objects.filter(staff=person, lesson=lesson).count() == 1
    assert ModuleCompletion.objects.filter(staff=person, module=module).exists()


@pytest.mark.parametrize(
    "junk",
    [
        "0-40",
        [[0, "40"]],
        [[float("nan"), 40]],
        [[0, float("inf")]],
        [[True, 40]],
        [[40, 0]],
        [[0, 40, 5]],
        [{"start": 0, "end": 40}],
        None,
    ],
)
def test_malformed_segments_are_ignored_not_trusted(person, video, junk):
    lesson = f.lesson_make(module=f.module_make(), body=[f.wiifm_block(video)])
    progress = videos.video_progress_record(
        staff=person,
        lesson=lesson,
        block_id=f.block_id(lesson, "wiifm_video"),
        played=junk,
        position=float("nan"),
    )
    assert progress.played_seconds == 0 and progress.watched_at is None and progress.position == 0


def test_segments_are_clamped_to_the_video(person, video):
    lesson = f.lesson_make(module=f.module_make(), body=[f.wiifm_block(video)])
    progress = videos.video_progress_record(
        staff=person,
        lesson=lesson,
        block_id=f.block_id(lesson, "wiifm_video"),
        played=[[-50, 10], [30, 9999]],
        position=9999,
    )
    assert progress.segments == [[0, 10], [30, 40]] and progress.position == 40


def test_a_recorded_session_is_not_the_wiifm_video(person):
    session = f.video_make(title="Session", name="recorded_session")
    lesson = f.lesson_make(module=f.module_make(), body=[f.session_block(session)])
    videos.video_progress_record(
        staff=person,
        lesson=lesson,
        block_id=f.block_id(lesson, "recorded_session"),
        played=[[0, session.duration]],
        position=0,
    )
    assert _events("video_watched").count() == 1
    assert not _events("wiifm_watched").exists()


# Knowledge checks


def _check_lesson(**check):
    module = f.module_make()
    lesson = f.lesson_make(module=module, body=[("text", "<p>Read me</p>"), f.check_block(**check)])
    return module, lesson, f.block_id(lesson, "knowledge_check")


def test_a_check_is_scored_on_the_server_and_passing_is_recorded_once(person):
    questions = [
        f.question("Pick A", correct=(0,)),
        f.question("Pick B and C", correct=(1, 2), multiple=True),
        f.question("Pick C", correct=(2,)),
    ]
    _, lesson, block = _check_lesson(questions=questions, pass_mark=66)
    first = checks.check_submit(
        staff=person, lesson=lesson, block_id=block, answers={0: [0], 1: [1], 2: [0]}, attempt=1
    )
    # B alone is not "B and C": multiple choice is right only when exactly right.
    assert [r["right"] for r in first.results] == [True, False, False]
    assert (first.score, first.passed) == (33, False)
    second = checks.check_submit(
        staff=person, lesson=lesson, block_id=block, answers={0: [0], 1: [2, 1], 2: [2]}, attempt=2
    )
    assert (second.score, second.passed) == (100, True)
    assert _events("quiz_passed").get().subject == f"{lesson.pk}:{block}"
    assert LessonCompletion.objects.filter(staff=person, lesson=lesson).exists()
    with pytest.raises(TrainingError, match="already passed"):
        checks.check_submit(
            staff=person,
            lesson=lesson,
            block_id=block,
            answers={0: [0], 1: [1, 2], 2: [2]},
            attempt=3,
        )
    assert QuizAttempt.objects.count() == 2


def test_a_blank_question_stores_nothing_and_says_which(person):
    _, lesson, block = _check_lesson()
    with pytest.raises(CheckInvalid, match="Answer question 2") as refusal:
        checks.check_submit(
            staff=person, lesson=lesson, block_id=block, answers={0: [0]}, attempt=1
        )
    assert refusal.value.question == 1
    assert not QuizAttempt.objects.exists()


def test_two_answers_to_a_one_answer_question_are_refused(person):
    _, lesson, block = _check_lesson()
    with pytest.raises(CheckInvalid, match="takes one answer"):
        checks.check_submit(
            staff=person, lesson=lesson, block_id=block, answers={0: [0, 1], 1: [1]}, attempt=1
        )


def test_submitting_the_same_attempt_twice_is_refused_in_words(person):
    _, lesson, block = _check_lesson()
    wrong = {0: [2], 1: [2]}
    checks.check_submit(staff=person, lesson=lesson, block_id=block, answers=wrong, attempt=1)
    with pytest.raises(TrainingError, match="Attempt 1 was already submitted"):
        checks.check_submit(staff=person, lesson=lesson, block_id=block, answers=wrong, attempt=1)
    assert QuizAttempt.objects.count() == 1


def test_the_attempt_limit_holds(person):
    _, lesson, block = _check_lesson(attempt_limit=2)
    wrong = {0: [2], 1: [2]}
    for attempt in (1, 2):
        checks.check_submit(
            staff=person, lesson=lesson, block_id=block, answers=wrong, attempt=attempt
        )
    with pytest.raises(TrainingError, match="used all 2 attempts"):
        checks.check_submit(
            staff=person, lesson=lesson, block_id=block, answers={0: [0], 1: [1]}, attempt=3
        )
    assert QuizAttempt.objects.count() == 2 and not _events("quiz_passed").exists()


# Lessons, modules, prerequisites


def test_a_reading_lesson_completes_when_marked_and_only_once(person):
    module = f.module_make()
    lesson = f.lesson_make(module=module, body=[("text", "<p>Read me</p>")])
    f.lesson_make(module=module, title="Second", body=[("text", "<p>More</p>")])
    completion, created = lessons.lesson_complete(staff=person, lesson=lesson)
    again, created_again = lessons.lesson_complete(staff=person, lesson=lesson)
    assert created and not created_again and completion.pk == again.pk
    assert not ModuleCompletion.objects.exists()  # one lesson of two


def test_a_lesson_with_a_video_cannot_be_marked_before_it_is_watched(person, video):
    lesson = f.lesson_make(module=f.module_make(), body=[f.wiifm_block(video)])
    with pytest.raises(TrainingError, match="watch at least 90 %"):
        lessons.lesson_complete(staff=person, lesson=lesson)
    assert not LessonCompletion.objects.exists()


def test_completing_a_tiers_module_records_training_and_issues_one_certificate(
    person, trained_tier
):
    module = f.module_make(tier=trained_tier)
    one = f.lesson_make(module=module, body=[("text", "<p>1</p>")])
    two = f.lesson_make(module=module, title="Two", body=[("text", "<p>2</p>")])
    lessons.lesson_complete(staff=person, lesson=one)
    lessons.lesson_complete(staff=person, lesson=two)
    lessons.lesson_complete(staff=person, lesson=two)
    event = _events("training_completed").get()
    assert event.subject == str(module.pk) and event.staff == person
    certificate = Certificate.objects.get()
    assert (certificate.name, certificate.module_title, certificate.tier_name) == (
        person.display_name,
        module.title,
        trained_tier.name,
    )
    assert len(certificate.code) == 12


def test_an_optional_module_completes_without_counting_toward_a_tier(person):
    module = f.module_make(tier=None)
    lesson = f.lesson_make(module=module, body=[("text", "<p>1</p>")])
    lessons.lesson_complete(staff=person, lesson=lesson)
    assert ModuleCompletion.objects.filter(module=module).exists()
    assert not _events("training_completed").exists() and not Certificate.objects.exists()


def test_prerequisites_lock_a_module_with_an_explanation(person):
    first = f.module_make(title="Basics")
    first_lesson = f.lesson_make(module=first, body=[("text", "<p>1</p>")])
    second = f.module_make(title="Advanced", prerequisites=[first])
    lesson = f.lesson_make(module=second, body=[("text", "<p>2</p>")])
    with pytest.raises(TrainingError, match="opens once you complete “Basics”"):
        lessons.lesson_complete(staff=person, lesson=lesson)
    assert selectors.module_prerequisites_missing(staff=person, module=second) == [first]
    lessons.lesson_complete(staff=person, lesson=first_lesson)
    assert selectors.module_prerequisites_missing(staff=person, module=second) == []
    assert lessons.lesson_complete(staff=person, lesson=lesson)[1]


def test_a_locked_modules_check_and_video_refuse_too(person, video):
    first = f.module_make(title="Basics")
    f.lesson_make(module=first, body=[("text", "<p>1</p>")])
    second = f.module_make(title="Advanced", prerequisites=[first])
    lesson = f.lesson_make(module=second, body=[f.wiifm_block(video), f.check_block()])
    with pytest.raises(TrainingError, match="opens once"):
        checks.check_submit(
            staff=person,
            lesson=lesson,
            block_id=f.block_id(lesson, "knowledge_check"),
            answers={0: [0], 1: [1]},
            attempt=1,
        )
    with pytest.raises(TrainingError, match="opens once"):
        videos.video_progress_record(
            staff=person,
            lesson=lesson,
            block_id=f.block_id(lesson, "wiifm_video"),
            played=[[0, 40]],
            position=40,
        )
    assert not QuizAttempt.objects.exists() and not VideoProgress.objects.exists()


def test_a_module_cannot_require_itself_in_a_circle():
    from django.core.exceptions import ValidationError

    from training.models import ModulePrerequisite

    first = f.module_make(title="First")
    second = f.module_make(title="Second", prerequisites=[first])
    first.prerequisites = [ModulePrerequisite(required=second)]
    with pytest.raises(ValidationError, match="circle"):
        first.full_clean()


# The rules of engagement


def _aware_person():
    person = StaffFactory(user=UserFactory())
    for entry in range(5):
        engagement_record(
            staff=person,
            kind="faq_viewed",
            subject=f"e{entry}",
            source="test",
            idempotency_key=f"read:{person.pk}:{entry}",
        )
    return person


def _policy(version=1):
    from training.models import PolicyPage

    index = f.training_index_make()
    page = PolicyPage(title="Rules of engagement", body="<p>Be kind.</p>", version=version)
    index.add_child(instance=page)
    page.save_revision().publish()
    return PolicyPage.objects.get(pk=page.pk)


def _aware(person) -> bool:
    return attainments_held().filter(staff=person, tier__order=1).exists()


def test_a_new_version_asks_everyone_again_and_the_tier_follows(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        page = _policy(version=1)
    requirement = Requirement.objects.get(event_kind="policy_acknowledged")
    assert requirement.subject == "v1"
    person = _aware_person()
    with django_capture_on_commit_callbacks(execute=True):
        event, created = policy.policy_acknowledge(staff=person, policy=page)
        again = policy.policy_acknowledge(staff=person, policy=page)
    assert created and not again[1] and event.subject == "v1"
    assert _aware(person)

    page.version = 2
    page.change_summary = "New rule on customer names."
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    requirement.refresh_from_db()
    assert requirement.subject == "v2"
    assert not _aware(person)  # asked again
    status = selectors.policy_status(staff=person, policy=page)
    assert status.acknowledged_at is None and status.earlier_version == "v1"

    with django_capture_on_commit_callbacks(execute=True):
        policy.policy_acknowledge(staff=person, policy=page)
    assert _aware(person)
    assert selectors.policy_status(staff=person, policy=page).acknowledged_at is not None


def test_the_version_cannot_go_back():
    from django.core.exceptions import ValidationError

    page = _policy(version=3)
    page.version = 2
    with pytest.raises(ValidationError, match="cannot go back"):
        page.full_clean()


# Overdue reminders


def test_an_overdue_assignment_is_reminded_once_however_often_the_sweep_runs():
    role = RoleFactory()
    module = f.module_make(assignments=[(role, 30)])
    lesson = f.lesson_make(module=module, body=[("text", "<p>1</p>")])
    today = timezone.localdate()
    late = StaffFactory(role=role, start_date=today - timedelta(days=45))
    done = StaffFactory(role=role, start_date=today - timedelta(days=45))
    lessons.lesson_complete(staff=done, lesson=lesson)
    StaffFactory(role=role, start_date=today - timedelta(days=10))  # not due yet
    StaffFactory(role=role, start_date=None)  # no start date: no due date
    StaffFactory(start_date=today - timedelta(days=400))  # another role
    StaffFactory(role=role, start_date=today - timedelta(days=400), active=False)

    assert assignment_reminders_send() == 1
    assert assignment_reminders_send() == 0
    assert len(delivered()) == 1
    message = delivered()[0]
    assert message.to == [late.email] and module.title in message.subject
    assert module.url in message.body
    reminder = AssignmentReminder.objects.get()
    assert reminder.staff == late and reminder.due_on == late.start_date + timedelta(days=30)


def test_the_overdue_reminder_is_plain_text_with_names_as_written():
    role = RoleFactory()
    module = f.module_make(title="Customers' questions & <answers>", assignments=[(role, 30)])
    f.lesson_make(module=module, body=[("text", "<p>1</p>")])
    StaffFactory(
        role=role,
        display_name="Siobhán O'Brien",
        start_date=timezone.localdate() - timedelta(days=45),
    )
    assert assignment_reminders_send() == 1
    body = delivered()[0].body
    assert "Hello Siobhán O'Brien," in body
    assert '"Customers\' questions & <answers>" is required' in body


def test_my_path_shows_what_is_due_and_overdue():
    role = RoleFactory()
    today = timezone.localdate()
    f.module_make(title="Overdue one", assignments=[(role, 10)])
    f.module_make(title="Due one", assignments=[(role, 60)])
    f.module_make(title="Not assigned")
    user = UserFactory()
    StaffFactory(user=user, email=user.email, role=role, start_date=today - timedelta(days=20))
    panel = selectors.my_path_training(user)
    states = {s.module.title: s for s in panel["required"]}
    assert set(states) == {"Overdue one", "Due one"}
    assert states["Overdue one"].overdue and states["Overdue one"].due_on == today - timedelta(10)
    assert not states["Due one"].overdue
    assert states["Due one"].due_on == today + timedelta(days=40)


def test_a_newly_assigned_module_counts_its_days_from_today_for_people_already_here():
    role = RoleFactory()
    module = f.module_make(assignments=[(role, 30)], assigned_days_ago=0)
    today = timezone.localdate()
    old_hand = StaffFactory(role=role, start_date=today - timedelta(days=900))
    assert assignment_reminders_send() == 0  # no morning of "overdue" emails
    state = selectors.modules_state(staff=old_hand, modules=[module])[0]
    assert state.due_on == today + timedelta(days=30) and not state.overdue


@pytest.mark.worker
def test_the_reminder_sweep_in_a_real_worker_sends_each_reminder_once(celery_worker):
    from training.tasks import assignment_reminders_sweep

    role = RoleFactory()
    f.module_make(assignments=[(role, 30)])
    late = StaffFactory(role=role, start_date=timezone.localdate() - timedelta(days=45))
    assert celery_worker.run(assignment_reminders_sweep) == 1
    assert celery_worker.run(assignment_reminders_sweep) == 0  # the task ran twice: one email
    reminder = AssignmentReminder.objects.get()
    assert reminder.staff == late and reminder.sent_at is not None
