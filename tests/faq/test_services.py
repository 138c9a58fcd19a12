"""FAQ writes: readings that count once a day toward the Aware tier, votes, questions and the
loop from a question to a published answer, and the search-gap log."""

from datetime import date, timedelta

import pytest

from faq import services
from faq.factories import FAQEntryPageFactory, QuestionFactory
from faq.models import FAQVote, Question, SearchGap
from portal.factories import UserFactory
from portal.models import EngagementEvent, Tier, TierAttainment
from portal.tiers.services import engagement_record
from tests.outbox import delivered

pytestmark = pytest.mark.django_db


def test_reading_counts_once_per_person_entry_and_day(guide, person):
    today = date(2026, 11, 2)
    assert services.faq_view_record(staff=person, entry=guide.book, day=today)
    assert not services.faq_view_record(staff=person, entry=guide.book, day=today)
    assert services.faq_view_record(staff=person, entry=guide.disclose, day=today)
    assert services.faq_view_record(staff=person, entry=guide.book, day=today + timedelta(1))
    events = EngagementEvent.objects.filter(staff=person, kind="faq_viewed")
    assert events.count() == 3
    assert sorted(events.values_list("subject", flat=True)) == sorted(
        [str(guide.book.pk), str(guide.disclose.pk), str(guide.book.pk)]
    )


def test_readings_and_the_acknowledgement_reach_the_aware_tier(
    guide, person, django_capture_on_commit_callbacks
):
    aware = Tier.objects.get(order=1)
    needed = aware.requirements.get(event_kind="faq_viewed").min_count
    entries = [FAQEntryPageFactory(parent=guide.help) for _ in range(needed)]
    with django_capture_on_commit_callbacks(execute=True):
        engagement_record(staff=person, kind="policy_acknowledged", source="test")
        for entry in entries[:-1]:
            services.faq_view_record(staff=person, entry=entry)
            services.faq_view_record(staff=person, entry=entry)  # the same day: not counted
    assert not TierAttainment.objects.filter(staff=person, tier=aware).exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.faq_view_record(staff=person, entry=entries[-1])
    assert TierAttainment.objects.filter(staff=person, tier=aware, lapsed_at=None).exists()


def test_one_entry_read_on_many_days_is_still_one_entry(
    guide, person, django_capture_on_commit_callbacks
):
    aware = Tier.objects.get(order=1)
    with django_capture_on_commit_callbacks(execute=True):
        engagement_record(staff=person, kind="policy_acknowledged", source="test")
        for day in range(10):
            services.faq_view_record(staff=person, entry=guide.book, day=date(2026, 11, 1 + day))
    assert EngagementEvent.objects.filter(staff=person, kind="faq_viewed").count() == 10
    assert not TierAttainment.objects.filter(staff=person, tier=aware).exists()


def test_a_vote_can_change_and_stays_one_row(guide):
    user = UserFactory()
    services.faq_vote_cast(user=user, entry=guide.book, helpful=True)
    vote = services.faq_vote_cast(user=user, entry=guide.book, helpful=False, comment="  Vague. ")
    assert FAQVote.objects.filter(user=user, entry=guide.book).count() == 1
    assert (vote.helpful, vote.comment) == (False, "Vague.")


def test_an_over_long_comment_is_refused_in_words(guide):
    with pytest.raises(services.FAQError, match="under 1,000 characters"):
        services.faq_vote_cast(
            user=UserFactory(), entry=guide.book, helpful=True, comment="x" * 1001
        )
    assert not FAQVote.objects.exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [("", "in a few words"), ("help", "in a few words"), ("why " * 80, "under 300 characters")],
)
def test_a_question_needs_a_few_words_and_no_more_than_fit(text, message):
    with pytest.raises(services.FAQError, match=message):
        services.question_ask(user=UserFactory(), text=text)
    assert not Question.objects.exists()


def test_asking_the_same_open_question_twice_keeps_one():
    user = UserFactory()
    first = services.question_ask(user=user, text="Can I  expense a meetup?")
    again = services.question_ask(user=user, text="can i expense a meetup?")
    assert first.pk == again.pk
    assert first.text == "Can I expense a meetup?"


def test_publishing_the_draft_answers_the_question_and_emails_the_asker(
    guide, django_capture_on_commit_callbacks
):
    question = QuestionFactory(text="Can I expense a meetup?")
    editor = UserFactory()
    entry = services.question_entry_draft(question=question, category=guide.help, user=editor)
    assert (entry.title, entry.live) == ("Can I expense a meetup?", False)
    assert entry.get_parent().pk == guide.help.pk
    # starting again carries on with the same draft
    assert (
        services.question_entry_draft(question=question, category=guide.rules, user=editor) == entry
    )
    question.refresh_from_db()
    assert question.status == Question.Status.OPEN

    entry.answer = "<p>Yes, within reason.</p>"
    with django_capture_on_commit_callbacks(execute=True):
        entry.save_revision(user=editor).publish()
    question.refresh_from_db()
    assert question.status == Question.Status.ANSWERED
    assert question.notified_at is not None
    assert len(delivered()) == 1
    assert delivered()[0].to == [question.asker.email]
    assert "Can I expense a meetup?" in delivered()[0].body
    assert entry.get_url() in delivered()[0].body

    # publishing again (an edit) neither re-answers nor re-sends
    with django_capture_on_commit_callbacks(execute=True):
        entry.save_revision(user=editor).publish()
    assert len(delivered()) == 1


def test_answering_with_an_existing_entry_and_closing(guide, django_capture_on_commit_callbacks):
    answered, closed = QuestionFactory(), QuestionFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.question_answer_with(question=answered, entry=guide.book)
        services.question_close(question=closed, reply="The expenses policy covers this.")
    assert answered.status == Question.Status.ANSWERED and answered.entry == guide.book
    assert closed.status == Question.Status.CLOSED
    assert len(delivered()) == 2
    assert "The expenses policy covers this." in delivered()[1].body
    with pytest.raises(services.FAQError, match="no longer waiting"):
        services.question_close(question=answered, reply="Again")


def test_a_draft_cannot_answer_and_a_close_needs_a_reason(guide):
    question = QuestionFactory()
    draft = FAQEntryPageFactory(parent=guide.help, live=False)
    with pytest.raises(services.FAQError, match="not published"):
        services.question_answer_with(question=question, entry=draft)
    with pytest.raises(services.FAQError, match="why it is closed"):
        services.question_close(question=question, reply="  ")
    question.refresh_from_db()
    assert question.status == Question.Status.OPEN


def test_search_gaps_are_counted_by_normal_form_without_personal_data():
    services.search_gap_log(query="Expenses for a MEETUP?")
    services.search_gap_log(query="  expenses for a meetup ")
    gap = services.search_gap_log(query="expenses,  for a meetup!!")
    assert (gap.query, gap.searches) == ("expenses for a meetup", 3)
    logged = services.search_gap_log(query="call jane.doe@example.com on +44 20 7946 0958 re swag")
    assert logged.query == "call on re swag"
    assert services.search_gap_log(query="how do I") is None  # nothing meaningful left
    assert SearchGap.objects.count() == 2


def test_a_gap_becomes_a_draft_and_leaves_the_list(guide):
    gap = services.search_gap_log(query="swag for meetups")
    entry = services.search_gap_entry_draft(gap=gap, category=guide.help, user=UserFactory())
    assert entry.title == "Swag for meetups?"
    gap.refresh_from_db()
    assert gap.entry_id == entry.pk
