"""The rules editors meet when publishing: the WIIFM video's seven minutes, captions, chapters."""

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from training import factories as f
from training.blocks import LessonStreamBlock

pytestmark = pytest.mark.django_db
MEDIA = Path(__file__).parent / "media"


def cell_clean(body, *, draft=False):
    stream = LessonStreamBlock()
    value = stream.to_python([{"type": kind, "value": _raw(v)} for kind, v in body])
    return stream.clean_deferred(value) if draft else stream.clean(value)


def _raw(value):
    return {k: (v.pk if hasattr(v, "pk") else v) for k, v in value.items()}


def _errors(body) -> str:
    with pytest.raises(ValidationError) as refusal:
        cell_clean(body)
    return str(refusal.value.as_json_data())


def test_the_duration_is_read_from_the_file_not_typed():
    video = f.video_make(title="Too long", path=MEDIA / "long_7m30s.mp4")
    assert round(video.duration) == 450 and video.content_type == "video/mp4"
    assert str(video) == "Too long (7:30)"


def test_a_wiifm_video_over_seven_minutes_is_refused_on_publish_but_not_in_a_draft():
    long = f.video_make(title="Too long", path=MEDIA / "long_7m30s.webm")
    assert "“Too long” lasts 7:30; a WIIFM video may last at most 7:00" in _errors(
        [f.wiifm_block(long)]
    )
    cell_clean([f.wiifm_block(long)], draft=True)  # an editor may save work in progress
    exact = f.video_make(title="Seven", path=MEDIA / "exactly_7m.webm")
    cell_clean([f.wiifm_block(exact)])
    cell_clean([f.session_block(long)])  # a recorded session may be long


def test_a_video_without_captions_is_refused_on_publish():
    bare = f.video_make(title="No captions", captions=False)
    assert bare.transcript == []
    for block in (f.wiifm_block(bare), f.session_block(bare)):
        assert "“No captions” has no captions" in _errors([block])
        cell_clean([block], draft=True)


def test_chapters_must_be_times_in_order_inside_the_video():
    video = f.video_make(title="Session", name="recorded_session")
    assert "12:30 or 1:02:03" in _errors([f.session_block(video, [("soon", "Intro")])])
    assert "in time order" in _errors([f.session_block(video, [("1:00", "B"), ("0:30", "A")])])
    assert "after the video ends" in _errors([f.session_block(video, [("4:00", "Late")])])
    cell_clean([f.session_block(video, [("0:00", "Intro"), ("0:54", "Rules")])])


def test_a_question_needs_a_right_answer_and_one_answer_questions_exactly_one():
    none_right = f.question("Q?", correct=())
    two_right = f.question("Q?", correct=(0, 1))
    assert "at least one choice as correct" in _errors([f.check_block(questions=[none_right])])
    assert "exactly one correct" in _errors([f.check_block(questions=[two_right])])
    cell_clean([f.check_block(questions=[f.question("Q?", correct=(0, 1), multiple=True)])])


def test_an_upload_that_is_not_a_video_is_refused_in_words(tmp_path):
    fake = tmp_path / "clip.mp4"
    fake.write_bytes(b"this is not a video at all" * 10)
    with pytest.raises(ValidationError) as refusal:
        f.video_make(title="Fake", path=fake)
    assert "file" in refusal.value.message_dict


def test_community_managers_may_manage_videos_and_staff_may_not(community_manager, staff_user):
    for action in ("add", "change", "delete"):
        assert community_manager.has_perm(f"training.{action}_video")
        assert not staff_user.has_perm(f"training.{action}_video")
