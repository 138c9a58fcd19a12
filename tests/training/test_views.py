"""Training pages over HTTP: plain and htmx, bad input, byte ranges, certificates, query counts."""

import json

import pytest
from django.urls import reverse
from django.utils.html import escape

from portal.factories import StaffFactory, UserFactory
from portal.tiers.models import Tier
from tests.pdf_text import pdf_text
from training import factories as f
from training.models import Certificate, LessonCompletion, QuizAttempt, VideoProgress
from training.services import lessons, videos

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def me(client):
    user = UserFactory()
    staff = StaffFactory(user=user, email=user.email)
    client.force_login(user)
    return staff


@pytest.fixture
def video():
    return f.video_make()


def _progress_url(lesson, block):
    return f"{lesson.url}videos/{block}/progress/"


def test_lesson_page_shows_player_captions_transcript_and_resume_point(client, me, video):
    lesson = f.lesson_make(module=f.module_make(), body=[f.wiifm_block(video)])
    block = f.block_id(lesson, "wiifm_video")
    videos.video_progress_record(
        staff=me, lesson=lesson, block_id=block, played=[[0, 12]], position=12
    )
    html = client.get(lesson.url).content.decode()
    assert f'data-progress-url="{_progress_url(lesson, block)}"' in html
    assert 'data-resume="12.00"' in html
    assert reverse("training_video_file", args=[video.pk, "captions"]) in html
    assert 'kind="captions"' in html
    assert "Watched 30 % so far" in html
    assert escape(video.transcript[0][2]) in html  # the transcript beside the player


def test_progress_report_answers_json_and_refuses_bad_bodies(client, me, video):
    lesson = f.lesson_make(module=f.module_make(), body=[f.wiifm_block(video)])
    url = _progress_url(lesson, f.block_id(lesson, "wiifm_video"))
    post = lambda body: client.post(url, body, content_type="application/json")  # noqa: E731
    ok = post(json.dumps({"played": [[0, 38]], "position": 38}))
    assert ok.status_code == 200 and ok.json() == {"percent": 95, "watched": True, "position": 38}
    assert post("not json").status_code == 400
    assert post(json.dumps({"position": 3})).status_code == 400
    assert post(json.dumps({"played": [], "pad": "x" * 40_000})).status_code == 400
    other = _progress_url(lesson, "00000000-0000-0000-0000-000000000000")
    stale = client.post(other, '{"played": []}', content_type="application/json")
    assert stale.status_code == 404
    assert client.get(url).status_code == 405
    assert VideoProgress.objects.get().played_seconds == 38


def test_the_video_file_is_served_in_byte_ranges_to_signed_in_people(client, me, video):
    url = reverse("training_video_file", args=[video.pk, "video"])
    whole = client.get(url)
    size = video.file.size
    assert whole.status_code == 200 and whole["Accept-Ranges"] == "bytes"
    assert int(whole["Content-Length"]) == size
    part = client.get(url, HTTP_RANGE="bytes=100-199")
    assert part.status_code == 206 and part["Content-Range"] == f"bytes 100-199/{size}"
    body = b"".join(part.streaming_content)
    with video.file.open("rb") as handle:
        handle.seek(100)
        assert body == handle.read(100)
    tail = client.get(url, HTTP_RANGE="bytes=-10")
    assert tail["Content-Range"] == f"bytes {size - 10}-{size - 1}/{size}"
    assert client.get(url, HTTP_RANGE=f"bytes={size}-").status_code == 416
    captions = client.get(reverse("training_video_file", args=[video.pk, "captions"]))
    assert captions["Content-Type"].startswith("text/vtt")
    assert b"".join(captions.streaming_content).startswith(b"WEBVTT")
    client.logout()
    assert client.get(url).status_code == 302  # deny by default


def test_marking_complete_with_htmx_swaps_the_section_and_plain_redirects(client, me):
    module = f.module_make()
    first = f.lesson_make(module=module, body=[("text", "<p>One</p>")])
    second = f.lesson_make(module=module, title="Two", body=[("text", "<p>Two</p>")])
    response = client.post(f"{first.url}complete/", **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert 'id="completion"' in html and "Lesson complete" in html and "Next lesson: Two" in html
    response = client.post(f"{second.url}complete/")
    assert response.status_code == 302 and response["Location"].endswith("#completion")
    assert LessonCompletion.objects.filter(staff=me).count() == 2


def test_marking_a_video_lesson_complete_too_early_says_why(client, me, video):
    lesson = f.lesson_make(module=f.module_make(), body=[f.wiifm_block(video)])
    response = client.post(f"{lesson.url}complete/", **HTMX)
    assert response.status_code == 409
    assert "Not yet: watch at least 90 %" in response.content.decode()


def test_a_check_with_a_blank_question_answers_400_and_keeps_the_choices(client, me):
    lesson = f.lesson_make(
        module=f.module_make(),
        body=[f.check_block(questions=[f.question("A?"), f.question("B?", multiple=True)])],
    )
    block = f.block_id(lesson, "knowledge_check")
    url = f"{lesson.url}checks/{block}/"
    for extra in ({}, HTMX):
        response = client.post(url, {"attempt": "1", "q0": "2"}, **extra)
        html = response.content.decode()
        assert response.status_code == 400
        assert "Answer question 2" in html
        assert f'id="q{block}-0-2" checked' in html  # the answer given is kept
        assert f'id="q{block}-0-1" checked' not in html
    assert not QuizAttempt.objects.exists()


def test_a_check_answered_with_htmx_returns_the_result_and_the_completion(client, me):
    lesson = f.lesson_make(module=f.module_make(), body=[f.check_block(pass_mark=100)])
    block = f.block_id(lesson, "knowledge_check")
    url = f"{lesson.url}checks/{block}/"
    response = client.post(url, {"attempt": "1", "q0": "0", "q1": "1"}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and "Passed" in html
    assert 'hx-swap-oob="outerHTML"' in html and "Lesson complete" in html
    again = client.post(url, {"attempt": "1", "q0": "0", "q1": "1"}, **HTMX)
    assert again.status_code == 409 and "already passed" in again.content.decode()
    plain = client.post(url, {"attempt": "2", "q0": "0", "q1": "1"})
    assert plain.status_code == 302  # refused, with the reason as a message on the page
    assert client.post(url, {"q0": "0"}).status_code == 400  # no attempt number


def test_a_locked_lesson_explains_instead_of_showing_content(client, me):
    basics = f.module_make(title="Basics")
    f.lesson_make(module=basics, body=[("text", "<p>1</p>")])
    advanced = f.module_make(title="Advanced", prerequisites=[basics])
    lesson = f.lesson_make(module=advanced, body=[("text", "<p>Secret sauce</p>")])
    html = client.get(lesson.url).content.decode()
    assert "This lesson is not open yet" in html and "Basics" in html
    assert "Secret sauce" not in html
    assert "opens once you complete" in client.get(advanced.url).content.decode()


def test_acknowledging_the_rules_with_and_without_htmx(client, me):
    from training.models import PolicyPage

    index = f.training_index_make()
    page = PolicyPage(title="Rules of engagement", body="<p>Be kind.</p>")
    index.add_child(instance=page)
    page.save_revision().publish()
    html = client.get(page.url).content.decode()
    assert "I have read and will follow these rules" in html
    response = client.post(f"{page.url}acknowledge/", **HTMX)
    assert response.status_code == 200 and "Acknowledged" in response.content.decode()
    assert client.post(f"{page.url}acknowledge/").status_code == 302
    html = client.get(page.url).content.decode()
    assert "You acknowledged these rules on" in html
    assert "version" not in html.lower() and "(v1)" not in html  # versions are the admin's


# Certificates


def _certificate_for(staff):
    module = f.module_make(title="Speaking for our community", tier=Tier.objects.get(order=3))
    lesson = f.lesson_make(module=module, body=[("text", "<p>1</p>")])
    lessons.lesson_complete(staff=staff, lesson=lesson)
    return Certificate.objects.get(staff=staff)


def test_the_certificate_pdf_holds_the_name_and_module_for_its_owner_only(client, me):
    certificate = _certificate_for(me)
    response = client.get(reverse("certificate_pdf", args=[certificate.code]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert me.display_name in text
    assert "Speaking for our community" in text
    assert "-".join([certificate.code[:4], certificate.code[4:8], certificate.code[8:]]) in text

    someone_else = UserFactory()
    StaffFactory(user=someone_else, email=someone_else.email)
    client.force_login(someone_else)
    assert client.get(reverse("certificate_pdf", args=[certificate.code])).status_code == 404


def test_the_public_verification_page_shows_name_module_date_and_nothing_else(client, me):
    certificate = _certificate_for(me)
    client.logout()  # anyone may check a certificate
    spaced = f"{certificate.code[:4].lower()} {certificate.code[4:]}"
    typed = client.get(reverse("certificate_verify_form"), {"code": spaced})
    assert typed.status_code == 302
    response = client.get(typed["Location"])
    html = response.content.decode()
    assert response.status_code == 200 and "Valid" in html
    assert me.display_name in html and "Speaking for our community" in html
    assert certificate.issued_at.strftime("%Y") in html
    assert me.email not in html and me.employee_id not in html
    assert me.role.name not in html and me.department.name not in html
    made_up = client.get(reverse("certificate_verify", args=["ABCDEFGHJKMN"]))
    assert made_up.status_code == 404 and "No certificate has this code" in made_up.content.decode()


# Query counts: fixed whatever the number of staff, events, attempts and lessons


def _busy_organisation(video, lesson, module, people):
    block = f.block_id(lesson, "wiifm_video")
    for _ in range(people):
        other = StaffFactory()
        videos.video_progress_record(
            staff=other, lesson=lesson, block_id=block, played=[[0, 40]], position=40
        )
    f.lesson_make(module=module, title=f"Extra {people}", body=[("text", "<p>x</p>")])


@pytest.mark.parametrize("people", [1, 12])
def test_lesson_and_module_pages_make_a_fixed_number_of_queries(
    client, me, video, people, django_assert_num_queries
):
    module = f.module_make()
    lesson = f.lesson_make(
        module=module,
        body=[f.wiifm_block(video), ("text", "<p>Between</p>"), f.check_block(attempt_limit=9)],
    )
    check = f.block_id(lesson, "knowledge_check")
    _busy_organisation(video, lesson, module, people)
    block = f.block_id(lesson, "wiifm_video")  # watched, so the check after it is open
    videos.video_progress_record(
        staff=me, lesson=lesson, block_id=block, played=[[0, 40]], position=40
    )
    for attempt in range(1, 1 + people % 5):
        response = client.post(
            f"{lesson.url}checks/{check}/", {"attempt": attempt, "q0": 2, "q1": 2}
        )
        assert response.status_code == 302  # wrong: an attempt used
    assert QuizAttempt.objects.filter(staff=me).count() == people % 5
    client.get(lesson.url)  # the menu's cached lookups
    # Most of these are Wagtail routing down the tree (a page per level, its specific row, view
    # restrictions); ours are the person, the module's lessons, prerequisites, completions,
    # certificates, assignments, video progress, attempts and the videos, once each.
    with django_assert_num_queries(25):
        assert client.get(lesson.url).status_code == 200
    with django_assert_num_queries(20):
        assert client.get(module.url).status_code == 200
    with django_assert_num_queries(20):
        assert client.get(f.training_index_make().url).status_code == 200


def test_a_lesson_not_yet_saved_can_be_previewed(rf, me, video):
    """Wagtail previews a new lesson before it has a place in the tree."""
    from training import selectors
    from training.models import LessonPage

    draft = LessonPage(title="Draft", body=[f.wiifm_block(video), ("text", "<p>Hi</p>")])
    view = selectors.lesson_view(staff=me, lesson=draft)
    assert view.module is None and view.lesson_count == 0
    assert [item.block.block_type for item in view.items] == ["wiifm_video", "text"]


def test_absurd_answer_values_are_ignored_not_a_server_error(client, me):
    lesson = f.lesson_make(module=f.module_make(), body=[f.check_block()])
    url = f"{lesson.url}checks/{f.block_id(lesson, 'knowledge_check')}/"
    response = client.post(url, {"attempt": "1", "q0": "9" * 5000})
    assert response.status_code == 400 and "Answer question 1" in response.content.decode()
    assert client.post(url, {"attempt": "1", "q" + "1" * 5000: "1"}).status_code == 400
