"""A knowledge check opens once the videos before it in its module are watched; until then the
page says what to watch (and how much is watched) and links there, and the server refuses a
premature answer with 409 and the same sentence. After a check or a lesson, the page says
exactly what still keeps the module from completing, or offers the certificate, and the next
step."""

import pytest
from django.urls import reverse

from portal.factories import StaffFactory, UserFactory
from portal.tiers.models import Tier
from training import certificate_selectors, selectors
from training import factories as f
from training.models import QuizAttempt
from training.services import TrainingError, checks, lessons, videos
from training.services.checks import CheckLocked

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
RIGHT = {"attempt": "1", "q0": "0", "q1": "1"}


@pytest.fixture
def me(client):
    user = UserFactory()
    staff = StaffFactory(user=user, email=user.email)
    client.force_login(user)
    return staff


@pytest.fixture
def session_video():
    return f.video_make(title="Speaking for our community", name="recorded_session")


def _play(staff, lesson, seconds, block_type="recorded_session"):
    videos.video_progress_record(
        staff=staff,
        lesson=lesson,
        block_id=f.block_id(lesson, block_type),
        played=[[0, seconds]],
        position=seconds,
    )


def _minutes(video):
    return round(video.duration / 60)


def test_a_check_after_the_session_in_its_lesson_is_locked_until_the_session_is_watched(
    client, me, session_video
):
    lesson = f.lesson_make(
        module=f.module_make(), body=[f.session_block(session_video), f.check_block()]
    )
    session, check = f.block_id(lesson, "recorded_session"), f.block_id(lesson, "knowledge_check")
    total = _minutes(session_video)
    _play(me, lesson, 70)
    sentence = f"Watch the recorded session first: 1 of {total} minutes watched."
    html = client.get(lesson.url).content.decode()
    assert sentence in html and "Not open yet" in html
    assert f'href="{lesson.url}#video-{session}">Go to the recorded session</a>' in html
    assert 'name="attempt"' not in html  # no form to fill in

    # Answering anyway (a stale tab, a crafted post): 409 with the sentence, nothing stored.
    url = f"{lesson.url}checks/{check}/"
    for extra in (HTMX, {}):
        response = client.post(url, RIGHT, **extra)
        assert response.status_code == 409
        assert sentence in response.content.decode()
    assert not QuizAttempt.objects.exists()
    with pytest.raises(CheckLocked, match="Watch the recorded session first"):
        checks.check_submit(
            staff=me, lesson=lesson, block_id=check, answers={0: [0], 1: [1]}, attempt=1
        )

    _play(me, lesson, session_video.duration)
    html = client.get(lesson.url).content.decode()
    assert "Not open yet" not in html and 'name="attempt"' in html
    assert client.post(url, RIGHT, **HTMX).status_code == 200
    assert QuizAttempt.objects.get().passed


def test_the_session_in_an_earlier_lesson_locks_the_check_in_the_next(client, me, session_video):
    module = f.module_make()
    session = f.lesson_make(module=module, title="Session", body=[f.session_block(session_video)])
    check = f.lesson_make(module=module, title="Check", body=[f.check_block()])
    lock = selectors.check_lock(
        staff=me, lesson=check, block_id=f.block_id(check, "knowledge_check")
    )
    assert lock.sentence == (
        f"Watch the recorded session first: 0 of {_minutes(session_video)} minutes watched."
    )
    assert lock.url == f"{session.url}#video-{f.block_id(session, 'recorded_session')}"
    _play(me, session, session_video.duration)
    assert (
        selectors.check_lock(staff=me, lesson=check, block_id=f.block_id(check, "knowledge_check"))
        is None
    )


def test_what_does_not_lock_a_check(me, session_video):
    """Reading lessons, checks before it (even failed for good) and videos after it."""
    module = f.module_make()
    f.lesson_make(module=module, title="Reading", body=[("text", "<p>Read</p>")])
    first = f.lesson_make(module=module, title="First check", body=[f.check_block(attempt_limit=1)])
    second = f.lesson_make(
        module=module, title="Second", body=[f.check_block(), f.session_block(session_video)]
    )
    checks.check_submit(
        staff=me,
        lesson=first,
        block_id=f.block_id(first, "knowledge_check"),
        answers={0: [2], 1: [2]},
        attempt=1,
    )
    passed = checks.check_submit(
        staff=me,
        lesson=second,
        block_id=f.block_id(second, "knowledge_check"),
        answers={0: [0], 1: [1]},
        attempt=1,
    )
    assert passed.passed


def test_watching_the_session_brings_the_opened_check_along(client, me, session_video):
    lesson = f.lesson_make(
        module=f.module_make(), body=[f.session_block(session_video), f.check_block()]
    )
    session, check = f.block_id(lesson, "recorded_session"), f.block_id(lesson, "knowledge_check")
    _play(me, lesson, session_video.duration)
    response = client.get(lesson.url, {"part": "completion", "watched": session}, **HTMX)
    html = response.content.decode()
    assert 'id="completion"' in html
    assert f'id="check-{check}"' in html and 'hx-swap-oob="outerHTML"' in html
    assert 'name="attempt"' in html and "Not open yet" not in html
    plain = client.get(lesson.url, {"part": "completion"}, **HTMX).content.decode()
    assert f'id="check-{check}"' not in plain  # no video named: the completion alone


# What is left of the module, in words


def _tiered_module(session_video):
    """A module whose check comes before its recorded session, then a reading lesson."""
    module = f.module_make(title="Speaking for our community", tier=Tier.objects.get(order=3))
    check = f.lesson_make(module=module, title="Check first", body=[f.check_block()])
    session = f.lesson_make(module=module, title="Session", body=[f.session_block(session_video)])
    summary = f.lesson_make(module=module, title="Summary", body=[("text", "<p>Sum</p>")])
    return module, check, session, summary


def test_passing_the_check_says_what_the_module_still_waits_for(client, me, session_video):
    module, check, session, summary = _tiered_module(session_video)
    _play(me, session, 130)
    url = f"{check.url}checks/{f.block_id(check, 'knowledge_check')}/"
    html = client.post(url, RIGHT, **HTMX).content.decode()
    total = _minutes(session_video)
    assert "Lesson complete" in html
    assert "“Speaking for our community” is complete once you have also watched " in html
    assert (
        f'<a href="{session.url}#video-{f.block_id(session, "recorded_session")}">the recorded '
        f"session</a> (2 of {total} minutes) and marked "
        f'<a href="{summary.url}#completion">“Summary”</a> complete.'
    ) in html
    assert "Then it counts toward the Trained tier and earns your certificate." in html
    assert 'role="status" data-swap-focus' in html
    assert 'class="continue"' in html  # the next step on the person's path
    view = selectors.lesson_view(staff=me, lesson=check)
    assert [m.text for m in view.module_missing] == [
        f"watched the recorded session (2 of {total} minutes)",
        "marked “Summary” complete",
    ]


def test_the_last_lesson_completes_the_module_and_offers_the_certificate(client, me, session_video):
    module, check, session, summary = _tiered_module(session_video)
    _play(me, session, session_video.duration)
    checks.check_submit(
        staff=me,
        lesson=check,
        block_id=f.block_id(check, "knowledge_check"),
        answers={0: [0], 1: [1]},
        attempt=1,
    )
    html = client.post(f"{summary.url}complete/", **HTMX).content.decode()
    certificate = certificate_selectors.certificates_of(staff=me)[0]
    assert "You have completed <strong>Speaking for our community</strong>." in html
    assert reverse("certificate_pdf", args=[certificate.code]) in html
    assert reverse("certificates_mine") in html
    assert "complete once you have also" not in html
    assert 'class="continue"' in html


def test_a_check_with_no_attempts_left_says_who_can_help(me, session_video):
    module = f.module_make()
    done = f.lesson_make(module=module, title="Reading", body=[("text", "<p>1</p>")])
    check = f.lesson_make(module=module, title="Check", body=[f.check_block(attempt_limit=1)])
    checks.check_submit(
        staff=me,
        lesson=check,
        block_id=f.block_id(check, "knowledge_check"),
        answers={0: [2], 1: [2]},
        attempt=1,
    )
    lessons.lesson_complete(staff=me, lesson=done)
    view = selectors.lesson_view(staff=me, lesson=done)
    assert [m.text for m in view.module_missing] == [
        "passed “Check” (you have no attempts left; a community manager can help at office hours)"
    ]
    with pytest.raises(TrainingError, match="used your one attempt"):
        checks.check_submit(
            staff=me,
            lesson=check,
            block_id=f.block_id(check, "knowledge_check"),
            answers={0: [0], 1: [1]},
            attempt=2,
        )


def test_acknowledging_the_rules_offers_the_next_step(client, me):
    from training.models import PolicyPage

    page = PolicyPage(title="Rules of engagement", body="<p>Be kind.</p>", version=3)
    f.training_index_make().add_child(instance=page)
    page.save_revision().publish()
    html = client.post(f"{page.url}acknowledge/", **HTMX).content.decode()
    assert 'role="status" data-swap-focus' in html and "You acknowledged these rules on" in html
    assert 'class="continue"' in html
    assert "v3" not in html and "version" not in html.lower()


def test_a_blank_question_marks_its_choices_invalid(client, me):
    lesson = f.lesson_make(module=f.module_make(), body=[f.check_block()])
    block = f.block_id(lesson, "knowledge_check")
    html = client.post(f"{lesson.url}checks/{block}/", {"attempt": "1", "q0": "0"}, **HTMX)
    html = html.content.decode()
    assert f'id="check-{block}-error" role="alert"' in html
    assert html.count('aria-invalid="true"') == 3  # question 2's three choices
    assert f'id="q{block}-1-0" aria-invalid="true"' in html
