"""The exact place of each of My path's training steps (`EventKind.where_for`): the rules, the
WIIFM video a person should watch, the next unfinished lesson (at its video or check), and the
My path panel that links to the module, the lesson and the certificates."""

import pytest
from django.urls import reverse

from portal.factories import RoleFactory, StaffFactory, UserFactory
from portal.tiers import events
from portal.tiers.models import Tier
from portal.tiers.selectors import my_path
from portal.tiers.services import engagement_record
from training import certificate_selectors, selectors
from training import factories as f
from training.models import PolicyPage
from training.services import checks, lessons, videos
from training.services import policy as policy_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def me(client):
    user = UserFactory()
    staff = StaffFactory(user=user, email=user.email, role=RoleFactory(name="Support engineer"))
    client.force_login(user)
    return staff


def _watch(staff, lesson, block_type):
    block = f.block_id(lesson, block_type)
    duration = next(b for b in lesson.body if b.id == block).value["video"].duration
    return videos.video_progress_record(
        staff=staff, lesson=lesson, block_id=block, played=[[0, duration]], position=duration
    )


def _programme():
    """The demo's shape: a short module with the WIIFM video, then the Trained tier's module
    (which needs it first) with the recorded session and, in its own lesson, the check."""
    index = f.training_index_make()
    policy = PolicyPage(title="Rules of engagement", body="<p>Be kind.</p>")
    index.add_child(instance=policy)
    policy.save_revision().publish()
    intro = f.module_make(title="Why our community matters")
    wiifm = f.lesson_make(
        module=intro,
        title="What's in it for you",
        body=[
            ("text", "<p>Why.</p>"),
            f.wiifm_block(f.video_make()),
        ],
    )
    module = f.module_make(
        title="Speaking for our community", tier=Tier.objects.get(order=3), prerequisites=[intro]
    )
    session = f.lesson_make(
        module=module,
        title="The recorded session",
        body=[
            f.session_block(f.video_make(title="The session", name="recorded_session")),
        ],
    )
    check = f.lesson_make(module=module, title="Knowledge check", body=[f.check_block()])
    return policy, intro, wiifm, module, session, check


def test_training_kinds_name_their_exact_place():
    places = {code: events.registry[code].where_for for code in events.registry}
    assert places["policy_acknowledged"] is selectors.policy_place
    assert places["wiifm_watched"] is selectors.wiifm_place
    for code in ("video_watched", "quiz_passed", "training_completed"):
        assert places[code] is selectors.training_place


def test_each_step_points_at_the_place_where_the_person_stands(me):
    policy, intro, wiifm, module, session, check = _programme()
    wiifm_block = f.block_id(wiifm, "wiifm_video")
    session_block = f.block_id(session, "recorded_session")
    check_block = f.block_id(check, "knowledge_check")
    assert selectors.policy_place(me) == policy.url

    # Nothing done: the WIIFM video, for its own step and as where training goes on.
    assert selectors.wiifm_place(me) == f"{wiifm.url}#video-{wiifm_block}"
    assert selectors.training_place(me) == f"{wiifm.url}#video-{wiifm_block}"

    # Watched: that module is complete, the next one opens at its recorded session...
    _watch(me, wiifm, "wiifm_video")
    assert selectors.training_place(me) == f"{session.url}#video-{session_block}"
    # ...then, once the session is watched, at the check in the next lesson.
    _watch(me, session, "recorded_session")
    assert selectors.training_place(me) == f"{check.url}#check-{check_block}"
    url = events.registry["quiz_passed"].url_for(me)
    assert url == f"{check.url}#check-{check_block}"

    # Passed: nothing left, so the step falls back to the training index.
    checks.check_submit(
        staff=me, lesson=check, block_id=check_block, answers={0: [0], 1: [1]}, attempt=1
    )
    assert selectors.training_place(me) == ""
    assert events.registry["training_completed"].url_for(me) == f.training_index_make().url


def test_my_path_links_each_outstanding_step_to_its_exact_place(
    me, django_capture_on_commit_callbacks
):
    policy, intro, wiifm, module, session, check = _programme()
    path = my_path(staff=me)
    urls = {step.kind: step.url for step in path.next_steps}
    assert urls["policy_acknowledged"] == policy.url  # Aware: the first tier not held
    assert "faq_viewed" in urls

    with django_capture_on_commit_callbacks(execute=True):  # tiers follow on commit
        policy_services.policy_acknowledge(staff=me, policy=policy)
        for n in range(5):
            engagement_record(staff=me, kind="faq_viewed", subject=str(n), source="web")
    steps = my_path(staff=me).next_steps
    assert [(s.kind, s.url) for s in steps] == [
        ("wiifm_watched", f"{wiifm.url}#video-{f.block_id(wiifm, 'wiifm_video')}")
    ]


def test_the_wiifm_step_skips_modules_for_other_roles_and_watched_videos(me):
    f.training_index_make()
    others = f.module_make(title="For sales", audiences=[RoleFactory(name="Sales")])
    f.lesson_make(module=others, body=[f.wiifm_block(f.video_make())])
    mine = f.module_make(title="For everyone")
    first = f.lesson_make(module=mine, title="First", body=[f.wiifm_block(f.video_make())])
    second = f.lesson_make(
        module=mine, title="Second", body=[f.wiifm_block(f.video_make(title="Another"))]
    )
    assert selectors.wiifm_place(me).startswith(first.url)
    _watch(me, first, "wiifm_video")
    assert selectors.wiifm_place(me) == f"{second.url}#video-{f.block_id(second, 'wiifm_video')}"


def test_a_reading_lesson_is_the_place_itself(me):
    module = f.module_make()
    reading = f.lesson_make(module=module, title="Read me", body=[("text", "<p>Hi</p>")])
    assert selectors.training_place(me) == reading.url
    lessons.lesson_complete(staff=me, lesson=reading)
    assert selectors.training_place(me) == ""


def test_no_training_no_place(me):
    assert selectors.training_place(me) == "" and selectors.wiifm_place(me) == ""


def _grow(n):
    """n more modules, each with a watched video, a failed check and a reading lesson."""
    for i in range(n):
        module = f.module_make(title=f"Module {i}")
        watched = f.lesson_make(
            module=module,
            title=f"Video {i}",
            body=[
                f.session_block(f.video_make(title=f"Session {i}", name="recorded_session")),
                f.check_block(),
            ],
        )
        f.lesson_make(module=module, title=f"Reading {i}", body=[("text", "<p>x</p>")])
        yield watched


@pytest.mark.parametrize("modules", [1, 6])
def test_places_take_a_fixed_number_of_queries(me, modules, django_assert_num_queries):
    f.training_index_make()
    for lesson in _grow(modules):
        _watch(me, lesson, "recorded_session")
        block = f.block_id(lesson, "knowledge_check")
        checks.check_submit(
            staff=me, lesson=lesson, block_id=block, answers={0: [2], 1: [2]}, attempt=1
        )
    selectors.training_index_url()  # cached across requests
    selectors.policy_url()
    with django_assert_num_queries(0):
        selectors.policy_place(me)
    # The index, the modules, their lessons, prerequisites, lesson and module completions, the
    # videos with the person's progress, and their attempts.
    with django_assert_num_queries(8):
        assert selectors.training_place(me).startswith("/")
    with django_assert_num_queries(8):
        selectors.wiifm_place(me)


def test_the_my_path_panel_links_the_module_the_lesson_and_the_certificates(client, me):
    module = f.module_make(title="Speaking for our community", tier=Tier.objects.get(order=3))
    done = f.lesson_make(module=module, title="Done", body=[("text", "<p>1</p>")])
    f.lesson_make(module=module, title="Next up", body=[("text", "<p>2</p>")])
    optional = f.module_make(title="Optional extra", tier=Tier.objects.get(order=2))
    extra = f.lesson_make(module=optional, body=[("text", "<p>x</p>")])
    lessons.lesson_complete(staff=me, lesson=extra)  # a certificate from another module
    lessons.lesson_complete(staff=me, lesson=done)
    html = client.get(reverse("my_path")).content.decode()
    certificate = certificate_selectors.certificates_of(staff=me)[0]
    assert f'href="{module.url}">Speaking for our community</a>' in html
    assert ">Next up</a>" in html and "1 of 2 lessons done" in html
    assert f'href="{reverse("certificates_mine")}"' in html and "Your certificates (1)" in html
    assert certificate.module_title == "Optional extra"
    pdf = reverse("certificate_pdf", args=[certificate.code])
    assert f'<a href="{pdf}">Optional extra (PDF)</a>' in html
