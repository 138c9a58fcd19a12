"""Writes for the FAQ guide: reading, voting, asking, answering, and logging search gaps.

Every function is keyword-only and answers bad input with `FAQError`, a sentence for the
person. One-per-person rules (a vote per entry, a reading per entry per day, a count per
search) are database constraints; these functions lean on them instead of checking first.
"""

from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone

from notifications.content import Action, Content
from notifications.services import Email, notify
from portal.navigation import absolute_url
from portal.people.models import Staff
from portal.tiers.services import engagement_record

from . import search
from .models import FAQCategoryPage, FAQEntryPage, FAQVote, Question, SearchGap


class FAQError(ValueError):
    """A request that cannot be done, in words the person can act on."""


def faq_view_record(*, staff: Staff, entry: FAQEntryPage, day: date | None = None) -> bool:
    """Count `staff` reading `entry`: once per person, entry and day (the portal's time zone).

    True when this was the first reading of the day. The tier update follows on commit.
    """
    day = day or timezone.localdate()
    _, created = engagement_record(
        staff=staff,
        kind="faq_viewed",
        subject=str(entry.pk),
        source="web",
        idempotency_key=f"faq_viewed:{staff.pk}:{entry.pk}:{day.isoformat()}",
    )
    return created


def faq_vote_cast(*, user, entry: FAQEntryPage, helpful: bool, comment: str = "") -> FAQVote:
    """Record or change `user`'s vote on `entry`. Two tabs voting at once leave one row."""
    comment = comment.strip()
    if len(comment) > FAQVote._meta.get_field("comment").max_length:
        raise FAQError("Please keep your comment under 1,000 characters.")
    values = {"helpful": helpful, "comment": comment, "updated_at": timezone.now()}
    if FAQVote.objects.filter(user=user, entry=entry).update(**values):
        return FAQVote.objects.get(user=user, entry=entry)
    try:
        with transaction.atomic():
            return FAQVote.objects.create(user=user, entry=entry, **values)
    except IntegrityError:  # the other tab got there first: this vote is the later one
        FAQVote.objects.filter(user=user, entry=entry).update(**values)
        return FAQVote.objects.get(user=user, entry=entry)


def question_ask(
    *, user, text: str, details: str = "", source: str = Question.Source.STAFF
) -> Question:
    """Put a question in the editors' queue. The same open question twice is one question."""
    text, details = " ".join(text.split()), details.strip()
    if len(search.words(text)) < 2:
        raise FAQError("Please write your question in a few words, so an editor can answer it.")
    if len(text) > Question._meta.get_field("text").max_length:
        raise FAQError("Please keep the question under 300 characters; add detail below it.")
    if len(details) > Question._meta.get_field("details").max_length:
        raise FAQError("Please keep the details under 2,000 characters.")
    if source not in Question.Source.values:
        raise FAQError(f"Unknown source of a question: {source!r}.")
    existing = Question.objects.filter(
        asker=user, text__iexact=text, status=Question.Status.OPEN
    ).first()
    if existing:
        return existing
    return Question.objects.create(asker=user, text=text, details=details, source=source)


def question_entry_draft(*, question: Question, category: FAQCategoryPage, user) -> FAQEntryPage:
    """Start an entry from a question: a draft in `category`, titled with the question.

    The question is answered, and its asker told, when the entry is published. Asking twice
    returns the draft already started.
    """
    if question.status != Question.Status.OPEN:
        raise FAQError("This question is no longer waiting for an answer.")
    if question.entry_id:
        return question.entry
    entry = _entry_draft(category=category, title=question.text, user=user)
    Question.objects.filter(pk=question.pk).update(entry=entry)
    question.entry = entry
    return entry


def question_answer_with(*, question: Question, entry: FAQEntryPage) -> Question:
    """Answer a question with an entry that is already published, and tell the asker."""
    if not entry.live:
        raise FAQError("That entry is not published yet; publish it, or choose a live one.")
    return _question_settle(
        question, status=Question.Status.ANSWERED, entry=entry, answered_at=timezone.now()
    )


def question_close(*, question: Question, reply: str) -> Question:
    """Close a question without an entry (out of scope, a duplicate), telling the asker why."""
    reply = reply.strip()
    if not reply:
        raise FAQError("Say in a sentence why it is closed; the person who asked will read it.")
    if len(reply) > Question._meta.get_field("reply").max_length:
        raise FAQError("Please keep the reply under 2,000 characters.")
    return _question_settle(
        question, status=Question.Status.CLOSED, reply=reply, answered_at=timezone.now()
    )


def questions_answer_by(*, entry: FAQEntryPage) -> int:
    """`entry` was published: the open questions drafted into it are answered. How many."""
    with transaction.atomic():
        questions = Question.objects.filter(entry=entry, status=Question.Status.OPEN)
        ids = list(questions.values_list("pk", flat=True))
        answered = questions.filter(pk__in=ids).update(
            status=Question.Status.ANSWERED, answered_at=timezone.now()
        )
        for question in Question.objects.filter(pk__in=ids).select_related("asker", "entry"):
            _question_notice_queue(question)
    return answered


def _question_notice_queue(question: Question) -> None:
    """Tell the asker their question was answered or closed, once, through the outbox (in the
    transaction that settled it)."""
    if question.asker is None or not question.asker.email:
        return
    Question.objects.filter(pk=question.pk, notified_at__isnull=True).update(
        notified_at=timezone.now()
    )
    path = question.entry.get_url() if question.entry_id and question.entry.live else ""
    url = absolute_url(path) if path else ""
    answered = question.status == Question.Status.ANSWERED
    subject = "Your question has an answer" if answered else "About the question you asked"
    notify(
        user=question.asker,
        key=f"faq.question_settled:{question.pk}",
        content=Content(
            kind="faq.question_settled",
            title=subject,
            text=f"You asked: {question.text}"[:1000],
            url=path,
            actions=(Action("Read the answer", path, primary=True),) if path else (),
        ),
        email=Email(
            subject=subject,
            body=render_to_string(
                "faq/email/question_settled.txt",
                {"question": question, "entry_url": url, "portal_name": settings.PORTAL_NAME},
            ),
        ),
    )


SETTLED = (Question.Status.ANSWERED, Question.Status.CLOSED)


def _question_settle(question: Question, **values) -> Question:
    """Move an open question to answered or closed, once, and queue the asker's notice with it."""
    with transaction.atomic():
        moved = Question.objects.filter(pk=question.pk, status=Question.Status.OPEN).update(
            **values
        )
        if not moved:
            raise FAQError("This question is no longer waiting for an answer.")
        question.refresh_from_db()
        _question_notice_queue(question)
    return question


def search_gap_log(*, query: str) -> SearchGap | None:
    """Count a search that found nothing, by its normal form; None if nothing is left of it."""
    normal = search.gap_normal_form(query)
    if not normal:
        return None
    now = timezone.now()
    if not SearchGap.objects.filter(query=normal).update(searches=F("searches") + 1, last_seen=now):
        try:
            with transaction.atomic():
                return SearchGap.objects.create(query=normal, last_seen=now)
        except IntegrityError:  # counted by a simultaneous search a moment ago
            SearchGap.objects.filter(query=normal).update(searches=F("searches") + 1, last_seen=now)
    return SearchGap.objects.get(query=normal)


def search_gap_entry_draft(*, gap: SearchGap, category: FAQCategoryPage, user) -> FAQEntryPage:
    """Start an entry from a search that found nothing; the gap leaves the list."""
    title = gap.query[:1].upper() + gap.query[1:]
    title = title if title.endswith("?") else title + "?"
    entry = _entry_draft(category=category, title=title, user=user)
    SearchGap.objects.filter(pk=gap.pk).update(entry=entry)
    return entry


def search_gap_dismiss(*, gap: SearchGap) -> None:
    SearchGap.objects.filter(pk=gap.pk).update(dismissed_at=timezone.now())


def _entry_draft(*, category: FAQCategoryPage, title: str, user) -> FAQEntryPage:
    """A draft entry, logged as created by `user`. Its answer is written before publishing."""
    entry = FAQEntryPage(title=title, answer="", live=False, owner=user)
    category.add_child(instance=entry)
    entry.save_revision(user=user, clean=False, log_action=True)
    return entry
