"""The demo FAQ guide: 35 published entries in five categories, with votes, questions staff
asked and searches that found nothing. Idempotent: an existing guide is left as it is.
"""

import random
from datetime import timedelta

from django.utils import timezone

from portal.demo import demo_people
from portal.models import EngagementEvent, HomePage, Role

from . import demo_content, search
from .models import (
    FAQCategoryPage,
    FAQEntryPage,
    FAQIndexPage,
    FAQRelatedEntry,
    FAQVote,
    Question,
    SearchGap,
)

GUIDE_INTRO = (
    "<p>Short answers to what people ask about our community: what it is, why it matters for "
    "your role and your customers, how to take part, and the rules of engagement. Search, or "
    "browse by category.</p>"
)


def demo_seed(*, users: dict, rng: random.Random) -> bool:
    """Publish the demo guide under the home page unless a guide exists. True if it did."""
    home = HomePage.objects.first()
    if home is None or FAQIndexPage.objects.exists():
        return False
    guide = FAQIndexPage(title="FAQ guide", slug="faq", intro=GUIDE_INTRO)
    home.add_child(instance=guide)
    guide.save_revision().publish()
    roles = {r.name: r for r in Role.objects.all()}
    today = timezone.localdate()
    entries: dict[str, FAQEntryPage] = {}
    for category_content in demo_content.CATEGORIES:
        category = FAQCategoryPage(
            title=category_content.title,
            slug=category_content.slug,
            description=category_content.description,
        )
        guide.add_child(instance=category)
        category.save_revision().publish()
        for content in category_content.entries:
            entry = FAQEntryPage(
                title=content.question,
                answer=content.answer,
                phrasings=content.phrasings,
                last_reviewed=today - timedelta(days=rng.randint(5, 400)),
            )
            entry.audiences.set([roles[name] for name in content.audiences if name in roles])
            category.add_child(instance=entry)
            entry.save_revision().publish()
            entries[content.question] = entry
    _related_link(entries)
    _readings_point_at(list(entries.values()))
    _votes_add(entries, users, rng)
    _questions_add(users, rng)
    _gaps_add(rng)
    return True


def _readings_point_at(entries: list[FAQEntryPage]) -> None:
    """The demo history (seeded before the guide existed) read entries "faq-1".."faq-30":
    point those readings at real entries, so "Read" marks and counts show on the guide."""
    for number, entry in enumerate(entries, start=1):
        EngagementEvent.objects.filter(kind="faq_viewed", subject=f"faq-{number}").update(
            subject=str(entry.pk)
        )


def _related_link(entries: dict[str, FAQEntryPage]) -> None:
    links = [
        FAQRelatedEntry(page=entries[content.question], entry=entries[title], sort_order=i)
        for category in demo_content.CATEGORIES
        for content in category.entries
        for i, title in enumerate(content.related)
        if title in entries
    ]
    FAQRelatedEntry.objects.bulk_create(links)


def _votes_add(entries: dict[str, FAQEntryPage], users: dict, rng: random.Random) -> None:
    """Votes from the demo accounts and synthetic readers; one entry is clearly unhelpful."""
    readers = list(users.values()) + demo_people("reader", 12)
    comments = list(demo_content.VOTE_COMMENTS)
    unhelpful = list(entries.values())[9]
    votes = []
    for entry in entries.values():
        if entry is unhelpful:  # 3 of 10 found it helpful: flagged, whatever the dice say
            voters, verdicts = readers[:10], [True] * 3 + [False] * 7
        else:
            voters = rng.sample(readers, rng.randint(0, len(readers)))
            share = rng.uniform(0.65, 0.95)
            verdicts = [rng.random() < share for _ in voters]
        for reader, helpful in zip(voters, verdicts, strict=True):
            comment = ""
            if rng.random() < 0.15:
                candidates = [text for good, text in comments if good == helpful]
                comment = rng.choice(candidates) if candidates else ""
            votes.append(FAQVote(user=reader, entry=entry, helpful=helpful, comment=comment))
    FAQVote.objects.bulk_create(votes, ignore_conflicts=True)


def _questions_add(users: dict, rng: random.Random) -> None:
    askers = [u for name, u in users.items() if name in ("staff", "manager")] or list(
        users.values()
    )
    now = timezone.now()
    for i, (text, details) in enumerate(demo_content.OPEN_QUESTIONS):
        question = Question.objects.create(
            asker=askers[i % len(askers)] if askers else None, text=text, details=details
        )
        created = now - timedelta(days=rng.randint(0, 20), hours=rng.randint(0, 8))
        Question.objects.filter(pk=question.pk).update(created_at=created)


def _gaps_add(rng: random.Random) -> None:
    now = timezone.now()
    SearchGap.objects.bulk_create(
        [
            SearchGap(
                query=search.gap_normal_form(query),
                searches=count,
                last_seen=now - timedelta(days=rng.randint(0, 14)),
            )
            for query, count in demo_content.SEARCH_GAPS
        ],
        ignore_conflicts=True,
    )
