"""The FAQ section of the adoption report: do the answers help, and what is still missing?

Leaders read it to see whether people in view use the guide (votes, questions) and whether it
helps them (the share of helpful votes). Searches that found nothing are logged without anyone's
identity (`SearchGap`), so they cannot be attributed to a line or a filter: they are shown only
in the whole-organisation view without filters, and simply left out elsewhere.

Per-people numbers are withheld when fewer than 5 people are behind them. Three queries (four in
the whole-organisation view): whether the guide has entries at all (no section before the app
is used), one aggregate over votes, one over questions, one over the open search gaps.
"""

from datetime import datetime

from django.db.models import Count, Q, QuerySet, Sum

from portal.people.models import Staff
from portal.reports.tables import (
    COUNT,
    PERCENT,
    SUPPRESSED,
    TEXT,
    Cell,
    Column,
    Table,
    count,
    min_group,
    share,
)

from .models import FAQEntryPage, FAQVote, Question, SearchGap


def faq_table(
    *, people: QuerySet[Staff], since: datetime, now: datetime, whole_organisation: bool
) -> Table | None:
    """Votes and questions by the people in view in [since, now), and, for the whole
    organisation only, the searches that found nothing; None while the guide has no entries
    (a vote needs an entry, so no entries also means no votes)."""
    if not FAQEntryPage.objects.exists():
        return None
    votes = FAQVote.objects.filter(
        user__staff__in=people, updated_at__gte=since, updated_at__lt=now
    ).aggregate(
        votes=Count("pk"),
        helpful=Count("pk", filter=Q(helpful=True)),
        voters=Count("user", distinct=True),
    )
    questions = Question.objects.filter(
        asker__staff__in=people, created_at__gte=since, created_at__lt=now
    ).aggregate(questions=Count("pk"), askers=Count("asker", distinct=True))

    voters = votes["voters"]
    helpful = SUPPRESSED if voters < min_group() else share(votes["helpful"], votes["votes"])
    rows: list[list[Cell]] = [
        ["Votes cast", count(votes["votes"], voters), None],
        ["Found it helpful", count(votes["helpful"], voters), helpful],
        ["People who voted", count(voters, voters), None],
        ["Questions asked", count(questions["questions"], questions["askers"]), None],
    ]
    gaps = None
    if whole_organisation:
        gaps = SearchGap.objects.filter(
            entry__isnull=True,
            dismissed_at__isnull=True,
            last_seen__gte=since,
            last_seen__lt=now,
        ).aggregate(searches=Sum("searches", default=0), terms=Count("pk"))
        rows += [
            ["Searches that found nothing", gaps["searches"], None],
            ["Open unanswered search terms", gaps["terms"], None],
        ]
    return Table(
        key="faq",
        title="FAQ guide",
        columns=[Column("Measure", TEXT), Column("Number", COUNT), Column("Share", PERCENT)],
        rows=rows,
        summary=_summary(votes, helpful, questions, gaps),
        note=_note(whole_organisation),
    )


def _summary(votes: dict, helpful: Cell, questions: dict, gaps: dict | None) -> str:
    if isinstance(helpful, float):
        sentences = [
            f"{votes['voters']:,} people in this view voted on FAQ answers in this period; "
            f"{helpful * 100:.0f} % of their votes said the answer helped."
        ]
    else:
        sentences = [
            f"Fewer than {min_group()} people in this view voted on FAQ answers in this period, "
            "so the votes are withheld."
        ]
    if questions["askers"] >= min_group():
        n = questions["questions"]
        sentences.append(f"{n:,} question{'s were' if n != 1 else ' was'} asked.")
    if gaps is not None and gaps["terms"]:
        terms = gaps["terms"]
        sentences.append(
            f"{gaps['searches']:,} searches found nothing, across {terms:,} "
            f"unanswered search term{'s' if terms != 1 else ''}."
        )
    return " ".join(sentences)


def _note(whole_organisation: bool) -> str:
    note = (
        "Votes by the people in this view, counted when they were cast or last changed in the "
        "period (one vote per person and entry); the helpful share is of those votes. "
        "Questions are those the people in this view asked in the period, in the guide or at "
        f"office hours. Votes are withheld when fewer than {min_group()} people voted, questions "
        f"when fewer than {min_group()} people asked."
    )
    if whole_organisation:
        return note + (
            " Searches that found nothing: for each search term still open (no entry answers "
            "it and no editor dismissed it) that was searched in the period, every search "
            "logged for it since it was first seen, by anyone; searches are logged without "
            "identity."
        )
    return note + (
        " Searches that found nothing are logged without anyone's identity, so they cannot be "
        "counted for part of the organisation: they appear only in the whole-organisation "
        "view without filters."
    )
