"""The demo training programme: the rules of engagement, a WIIFM video, the 30-minute module with
its recorded session and knowledge check, and progress for the demo staff at every stage.

The clips and their captions ship in `training/demo_media/` (made by `make_clips.sh`). Progress
follows each person's event history, so the pages agree with My path: people who watched the
WIIFM video have watched it here, people who completed the training passed the check, and some
are part-way. Idempotent: an existing training index is left as it is.
"""

import random
from datetime import timedelta
from pathlib import Path

from django.core.files import File
from django.utils import timezone

from portal.models import HomePage
from portal.people.models import Role, Staff
from portal.tiers.models import EngagementEvent, Tier

from . import codes
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
from .services.checks import answers_score
from .services.videos import video_create

MEDIA = Path(__file__).parent / "demo_media"

INDEX_INTRO = (
    "<p>Everything you need to take part in our community, at the depth your role needs. "
    "Start with the rules of engagement and the short WIIFM video; customer-facing roles "
    "then take the 30-minute recorded training and its knowledge check.</p>"
)

POLICY_BODY = """
<h2>Why we have rules</h2>
<p>When you post in the community, customers read it as the company speaking. These rules keep
that voice helpful, honest and safe, for them and for you.</p>
<h2>The rules</h2>
<ol>
<li><b>Say who you are.</b> Use your own account and make clear you work here.</li>
<li><b>Be helpful first.</b> Answer the question asked; link to documentation, not to a sales
page.</li>
<li><b>Never share what is not public.</b> No roadmap dates, customer names, prices or
security details.</li>
<li><b>Hand over when it is personal.</b> Account, billing and security questions move to a
private channel: say so in public, then follow up.</li>
<li><b>Stay calm.</b> If a thread turns heated, do not argue; flag it to a community
manager.</li>
<li><b>Correct yourself in public.</b> If you got something wrong, edit and say what
changed.</li>
</ol>
<h2>When in doubt</h2>
<p>Ask in office hours or in the community managers' channel before you post.</p>
"""

CUSTOMERS_CALLOUT = {
    "heading": "What's in it for my customers",
    "text": "<p>A customer who finds your answer in the community solves their problem the same "
    "day, without opening a ticket, and the next customer with the same question finds it "
    "too.</p>",
}

CHAPTERS = [
    ("0:12", "Why our community"),
    ("0:54", "The rules of engagement"),
    ("1:36", "Answering a customer"),
    ("2:18", "Where to get help"),
]

QUESTIONS = [
    (
        "A customer asks in the community when a feature will ship. What do you do?",
        "single",
        [
            ("Give the date from the internal roadmap", False),
            ("Say you cannot share dates, and point to the public roadmap page", True),
            ("Ignore the question", False),
        ],
        "Roadmap dates are not public. Saying so plainly, and pointing to what is public, is "
        "honest and still helpful.",
    ),
    (
        "Which questions should move to a private channel?",  # the page adds "tick all that apply"
        "multiple",
        [
            ("Billing questions about their own account", True),
            ("Security incidents", True),
            ("How to configure a public feature", False),
        ],
        "Anything about one customer's account or security goes private; how-to questions are "
        "best answered in public, where others find them.",
    ),
    (
        "How should you post?",
        "single",
        [
            ("From a shared team account", False),
            ("From your own account, saying you work here", True),
            ("Anonymously, so it does not look like marketing", False),
        ],
        "People trust answers when they know who gives them.",
    ),
    (
        "You notice your earlier answer was wrong. What now?",
        "single",
        [
            ("Delete it quietly", False),
            ("Edit it and say what changed", True),
            ("Leave it; someone will correct it", False),
        ],
        "Correcting in public shows the community that answers here are maintained.",
    ),
    (
        "Where can you get help before posting a tricky answer?",
        "multiple",
        [
            ("Weekly office hours", True),
            ("The community managers' channel", True),
            ("A customer's private email", False),
        ],
        "Office hours and the community managers are there exactly for this.",
    ),
]


def demo_seed(*, users: dict, rng: random.Random) -> bool:
    """Publish the demo programme under the home page unless training exists. True if it did."""
    home = HomePage.objects.first()
    if home is None or TrainingIndexPage.objects.exists():
        return False
    tiers = {t.order: t for t in Tier.objects.all()}
    index = _publish(home, TrainingIndexPage(title="Training", slug="training", intro=INDEX_INTRO))
    # Version 1: the event history's acknowledgements are of it ("v1").
    _publish(
        index,
        PolicyPage(title="Rules of engagement", slug="rules-of-engagement", body=POLICY_BODY),
    )
    wiifm_video = _video("What's in it for me, and for my customers", "wiifm")
    session_video = _video("Speaking for our community: the recorded session", "recorded_session")

    intro = _publish(
        index,
        ModulePage(
            title="Why our community matters",
            slug="why-our-community",
            summary="Seven minutes on what taking part does for you and for your customers. "
            "Watching the video counts toward the Informed tier.",
            estimated_minutes=10,
        ),
    )
    wiifm = _publish(
        intro,
        LessonPage(
            title="What's in it for you, and for your customers",
            slug="whats-in-it-for-you",
            estimated_minutes=7,
            body=[
                (
                    "text",
                    "<p>Colleagues who already take part explain, in under seven "
                    "minutes, why it is worth your time.</p>",
                ),
                ("wiifm_video", {"video": wiifm_video, "introduction": ""}),
                ("customers", CUSTOMERS_CALLOUT),
            ],
        ),
    )

    module = ModulePage(
        title="Speaking for our community",
        slug="speaking-for-our-community",
        summary="The 30-minute recorded training: how to answer, when to hand over, and how to "
        "speak for the company in public. Ends with a short knowledge check.",
        tier=tiers.get(3),
        estimated_minutes=30,
    )
    module.prerequisites = [ModulePrerequisite(required=intro)]
    assigned_on = timezone.localdate() - timedelta(days=60)  # so some people are overdue
    module.assignments = [
        ModuleAssignment(role=role, due_days=45, assigned_on=assigned_on)
        for role in Role.objects.filter(target_tier__order__gte=3)
    ]
    module = _publish(index, module)
    session = _publish(
        module,
        LessonPage(
            title="The recorded session",
            slug="recorded-session",
            estimated_minutes=25,
            body=[
                (
                    "text",
                    "<p>Watch the session from start to finish; use the chapters to come "
                    "back to a part later. The transcript is beside the video.</p>",
                ),
                (
                    "recorded_session",
                    {
                        "video": session_video,
                        "introduction": "",
                        "chapters": [{"start": s, "title": t} for s, t in CHAPTERS],
                    },
                ),
            ],
        ),
    )
    check = _publish(
        module,
        LessonPage(
            title="Knowledge check",
            slug="knowledge-check",
            estimated_minutes=5,
            body=[
                (
                    "text",
                    "<p>Five questions on what the session covered. You need four right "
                    "to pass, and you have three attempts.</p>",
                ),
                (
                    "knowledge_check",
                    {
                        "heading": "Knowledge check: speaking for our community",
                        "questions": [
                            {
                                "prompt": prompt,
                                "kind": kind,
                                "choices": [{"text": t, "correct": c} for t, c in choices],
                                "explanation": explanation,
                            }
                            for prompt, kind, choices, explanation in QUESTIONS
                        ],
                        "pass_mark": 80,
                        "attempt_limit": 3,
                    },
                ),
            ],
        ),
    )
    _progress_seed(rng, wiifm_video, session_video, intro, wiifm, module, session, check)
    return True


def _publish(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page.__class__.objects.get(pk=page.pk)


def _video(title: str, name: str):
    with open(MEDIA / f"{name}.webm", "rb") as clip, open(MEDIA / f"{name}.vtt", "rb") as vtt:
        return video_create(
            title=title,
            file=File(clip, name=f"{name}.webm"),
            captions=File(vtt, name=f"{name}.vtt"),
        )


def _progress_seed(rng, wiifm_video, session_video, intro, wiifm, module, session, check):
    """Rows that match each person's history: watched, part-way, passed, or failed once."""
    when = {}
    for kind, staff_id, at in EngagementEvent.objects.filter(
        kind__in=["policy_acknowledged", "wiifm_watched", "training_completed"]
    ).values_list("kind", "staff_id", "occurred_at"):
        when[kind, staff_id] = at
    people = {s.pk: s for s in Staff.objects.filter(active=True)}
    check_block = next(b for b in check.body if b.block_type == "knowledge_check")
    questions = check_block.value["questions"]
    right = {
        i: [c for c, ch in enumerate(q["choices"]) if ch["correct"]]
        for i, q in enumerate(questions)
    }
    wrong = {**right, 0: [0], 3: [0]}  # two wrong: 60 %, below the pass mark

    rows = {name: [] for name in ("progress", "lessons", "modules", "attempts", "certificates")}

    def watched(staff, video, at, share=1.0):
        end = round(video.duration * share, 2)
        rows["progress"].append(
            VideoProgress(
                staff=staff,
                video=video,
                segments=[[0, end]],
                played_seconds=end,
                position=end,
                reported_at=at,
                watched_at=at if share >= 0.9 else None,
            )
        )

    def completed(staff, module_page, lessons, at):
        rows["lessons"] += [
            LessonCompletion(staff=staff, lesson=le, completed_at=at) for le in lessons
        ]
        rows["modules"].append(ModuleCompletion(staff=staff, module=module_page, completed_at=at))
        if module_page.tier is not None:  # only a tier's training earns a certificate
            rows["certificates"].append(
                Certificate(
                    code=codes.code_new(),
                    staff=staff,
                    module=module_page,
                    name=staff.display_name,
                    module_title=module_page.title,
                    tier_name=module_page.tier.name,
                    issued_at=at,
                )
            )

    def attempt(staff, number, answers, at):
        results = answers_score(questions, answers)
        score = round(100 * sum(r["right"] for r in results) / len(results))
        rows["attempts"].append(
            QuizAttempt(
                staff=staff,
                lesson=check,
                block_id=check_block.id,
                number=number,
                results=results,
                score=score,
                passed=score >= check_block.value["pass_mark"],
                submitted_at=at,
            )
        )

    for staff_id, staff in people.items():
        seen_wiifm = when.get(("wiifm_watched", staff_id))
        trained = when.get(("training_completed", staff_id))
        aware = when.get(("policy_acknowledged", staff_id))
        if seen_wiifm:
            watched(staff, wiifm_video, seen_wiifm)
            completed(staff, intro, [wiifm], seen_wiifm)
        elif aware and rng.random() < 0.3:  # started the WIIFM video, stopped part-way
            watched(staff, wiifm_video, aware + timedelta(days=1), share=rng.uniform(0.2, 0.7))
        if trained:
            watched(staff, session_video, trained - timedelta(hours=1))
            if rng.random() < 0.25:
                attempt(staff, 1, wrong, trained - timedelta(minutes=30))
                attempt(staff, 2, right, trained)
            else:
                attempt(staff, 1, right, trained)
            completed(staff, module, [session, check], trained)
        elif seen_wiifm and rng.random() < 0.4:  # part-way through the recorded session
            at = seen_wiifm + timedelta(days=rng.randint(1, 20))
            watched(staff, session_video, at, share=rng.uniform(0.3, 0.85))
            if rng.random() < 0.3:
                attempt(staff, 1, wrong, at)
    VideoProgress.objects.bulk_create(rows["progress"], batch_size=1000)
    LessonCompletion.objects.bulk_create(rows["lessons"], batch_size=1000)
    ModuleCompletion.objects.bulk_create(rows["modules"], batch_size=1000)
    QuizAttempt.objects.bulk_create(rows["attempts"], batch_size=1000)
    Certificate.objects.bulk_create(rows["certificates"], batch_size=1000)
