"""Reads for the FAQ guide. Each makes a fixed number of queries, whatever the data's size.

"For you" means an entry meant for everyone or for the person's role: those come first, in
the guide and in search results; entries for other roles follow, marked with whom they are for.
"""

from dataclasses import dataclass, field
from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Q
from django.utils.safestring import SafeString
from wagtail.models import Page
from wagtail.search.models import IndexEntry

from portal.navigation import PageAddress

from . import search
from .models import FAQCategoryPage, FAQEntryPage, FAQIndexPage, FAQVote, Question, SearchGap

SEARCH_LIMIT = 20
COMMON_STEMS_CACHE_KEY = "faq:common-stems"
COMMON_SHARE = 0.3  # a word in more than this share of entries does not tell them apart...
COMMON_MIN_ENTRIES = 10  # ...once there are this many entries with it
RELEVANCE_FLOOR = 0.2  # a hit scoring under this share of the best one is left out
CATEGORY_PREVIEW = 6  # entries a category shows on the guide's front page
REVIEW_BELOW = 0.6  # share of helpful votes under which an entry is flagged for review...
REVIEW_MIN_VOTES = 5  # ...once it has at least this many votes


faq_guide_url = PageAddress(FAQIndexPage, "faq:guide-url")  # the menu's link to the guide


@dataclass(frozen=True)
class EntryLink:
    entry: FAQEntryPage
    url: str
    for_you: bool
    audiences: list[str]  # role names, when it is mainly for some roles


@dataclass
class CategorySummary:
    category: FAQCategoryPage
    url: str
    entries: list[EntryLink] = field(default_factory=list)
    total: int = 0


def faq_guide(*, guide: FAQIndexPage, role_id: int | None, request=None) -> list[CategorySummary]:
    """The guide's categories, each with its first entries for this person. Three queries."""
    categories = list(FAQCategoryPage.objects.child_of(guide).live().public().order_by("path"))
    by_path = {c.path: CategorySummary(c, c.get_url(request)) for c in categories}
    for link in _entry_links(
        FAQEntryPage.objects.descendant_of(guide).live().public(), role_id, request
    ):
        summary = by_path.get(link.entry.path[: -Page.steplen])
        if summary is not None:
            summary.total += 1
            summary.entries.append(link)
    for summary in by_path.values():
        summary.entries = _for_you_first(summary.entries)[:CATEGORY_PREVIEW]
    return list(by_path.values())


def faq_category(
    *, category: FAQCategoryPage, role_id: int | None, request=None
) -> list[EntryLink]:
    """Every live entry of a category, for you first. Two queries."""
    entries = FAQEntryPage.objects.child_of(category).live().public()
    return _for_you_first(_entry_links(entries, role_id, request))


@dataclass(frozen=True)
class EntryDetail:
    category: Page
    related: list[FAQEntryPage]
    vote: FAQVote | None
    helpful: int
    votes: int
    audiences: list[str]


def faq_entry(*, entry: FAQEntryPage, user) -> EntryDetail:
    """What an entry's page shows beside the answer. Five queries."""
    related = [
        link.entry
        for link in entry.related_links.select_related("entry").filter(entry__live=True)
        if link.entry.pk != entry.pk
    ]
    tally = entry.votes.aggregate(votes=Count("pk"), helpful=Count("pk", filter=Q(helpful=True)))
    return EntryDetail(
        category=entry.get_parent(),
        related=related,
        vote=FAQVote.objects.filter(entry=entry, user=user).first(),
        helpful=tally["helpful"],
        votes=tally["votes"],
        audiences=list(entry.audiences.values_list("name", flat=True)),
    )


@dataclass(frozen=True)
class SearchHit:
    entry: FAQEntryPage
    url: str
    category: str
    for_you: bool
    audiences: list[str]
    title: SafeString  # the question, with matching words marked
    snippet: SafeString  # part of the answer around the first match, marked


@dataclass(frozen=True)
class SearchOutcome:
    query: str
    hits: list[SearchHit]

    @property
    def for_you(self) -> list[SearchHit]:
        return [h for h in self.hits if h.for_you]

    @property
    def for_others(self) -> list[SearchHit]:
        return [h for h in self.hits if not h.for_you]


def faq_search(
    *, query: str, role_id: int | None, guide: FAQIndexPage | None = None, request=None
) -> SearchOutcome:
    """The entries that answer `query`, most relevant first, this person's role's first.

    Wagtail search (PostgreSQL full text, or SQLite FTS5) over questions, other phrasings,
    answers and their stems, any word matching. Four queries whatever the number of entries.
    """
    query = " ".join(query.split())[:200]
    text = search.search_text(query, _common_stems())
    if not text:
        return SearchOutcome(query=query, hits=[])
    entries = FAQEntryPage.objects.live().public().prefetch_related("audiences")
    if guide is not None:
        entries = entries.descendant_of(guide)
    if connection.vendor == "sqlite":
        found = _sqlite_ranked(entries, text, SEARCH_LIMIT * 2)
    else:
        found = list(
            entries.search(text, operator="or").annotate_score("_score")[: SEARCH_LIMIT * 2]
        )
    # Drop the long tail that matched one common word, so it cannot push the real answer
    # (for another role, say) down. Scores are BM25 on SQLite (negative) or ts_rank (positive).
    best = max((abs(e._score or 0) for e in found), default=0)
    found = [e for e in found if abs(e._score or 0) >= RELEVANCE_FLOOR * best]
    categories = dict(
        FAQCategoryPage.objects.filter(
            path__in={e.path[: -Page.steplen] for e in found}
        ).values_list("path", "title")
    )
    stems = search.query_stems(query)
    hits = [
        SearchHit(
            entry=link.entry,
            url=link.url,
            category=categories.get(link.entry.path[: -Page.steplen], ""),
            for_you=link.for_you,
            audiences=link.audiences,
            title=search.highlight(link.entry.title, stems),
            snippet=search.snippet(search.plain_text(link.entry.answer), stems),
        )
        for link in _for_you_first([_entry_link(e, role_id, request) for e in found])
    ]
    return SearchOutcome(query=query, hits=hits[:SEARCH_LIMIT])


def _sqlite_ranked(entries, text: str, limit: int) -> list[FAQEntryPage]:
    """The best `limit` of `entries` for `text` in Wagtail's SQLite FTS5 index, by BM25.

    Wagtail's SQLite backend orders by a score subquery that reruns the full-text match for
    every matching row, which grows with the square of the matches (0.4 s for 1,000 entries).
    This asks the same index once, with the same weighting (title rows count `title_norm`
    times), then loads the winners. Each word is quoted, so nothing in it is FTS syntax.
    """
    table = IndexEntry._meta.db_table
    match = (
        "{title body} : ("
        + " OR ".join('"' + term.replace('"', '""') + '"' for term in text.split())
        + ")"
    )
    content_type = ContentType.objects.get_for_model(FAQEntryPage).pk
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT e.object_id, bm25({table}_fts) * e.title_norm + bm25({table}_fts) AS score "  # noqa: S608
            f"FROM {table}_fts JOIN {table} e ON {table}_fts.rowid = e.id "
            f"WHERE {table}_fts MATCH %s AND e.content_type_id = %s "
            f"ORDER BY score LIMIT %s",
            [match, content_type, limit * 2],  # room for drafts and pages outside `entries`
        )
        scores = {int(object_id): score for object_id, score in cursor.fetchall()}
    found = sorted(entries.filter(pk__in=scores), key=lambda e: scores[e.pk])[:limit]
    for entry in found:
        entry._score = scores[entry.pk]
    return found


def _common_stems() -> frozenset[str]:
    """Stems found in a large share of entries ("community", "customer"), on PostgreSQL.

    PostgreSQL ranks by ts_rank, which, unlike SQLite's BM25, does not weigh a word by how
    rare it is, so a word in every entry would outvote the one that tells them apart. These
    are left out of a search that has other words. Cached; recounted after a publish.
    """
    if connection.vendor != "postgresql":
        return frozenset()
    stems = cache.get(COMMON_STEMS_CACHE_KEY)
    if stems is None:
        content_type = ContentType.objects.get_for_model(FAQEntryPage).pk
        # ts_stat takes its query as text; the only value in it is an integer formatted here.
        documents = (
            f"SELECT body FROM wagtailsearch_indexentry WHERE content_type_id = {content_type:d}"  # noqa: S608, E501
        )
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT word FROM ts_stat(%s) WHERE ndoc >= %s AND ndoc > %s * "
                "(SELECT count(*) FROM wagtailsearch_indexentry WHERE content_type_id = %s)",
                [documents, COMMON_MIN_ENTRIES, COMMON_SHARE, content_type],
            )
            stems = frozenset(word for (word,) in cursor.fetchall())
        cache.set(COMMON_STEMS_CACHE_KEY, stems, 3600)
    return stems


def faq_search_forget() -> None:
    cache.delete(COMMON_STEMS_CACHE_KEY)


def questions_asked_by(*, user, limit: int | None = None) -> list[Question]:
    """A person's questions, newest first, with the entries that answer them. One query."""
    questions = (
        Question.objects.filter(asker=user).select_related("entry").order_by("-created_at", "-pk")
    )
    return list(questions[:limit] if limit else questions)


def questions_queue(*, status: str) -> list[Question]:
    """Questions in one state for editors: oldest waiting first, newest settled first."""
    questions = Question.objects.filter(status=status).select_related("entry")
    if status != Question.Status.OPEN:
        questions = questions.order_by("-answered_at", "-pk")
    return list(questions)


def question_counts() -> dict[str, int]:
    counts = dict(
        Question.objects.values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    return {status: counts.get(status, 0) for status in Question.Status.values}


def search_gaps_open(*, limit: int = 200) -> list[SearchGap]:
    """Searches that found nothing and nobody has acted on, most frequent first."""
    return list(
        SearchGap.objects.filter(entry__isnull=True, dismissed_at__isnull=True).order_by(
            "-searches", "-last_seen"
        )[:limit]
    )


@dataclass(frozen=True)
class Helpfulness:
    entry: FAQEntryPage
    helpful: int
    votes: int
    comments: int
    last_reviewed: date | None

    @property
    def share(self) -> float | None:
        return self.helpful / self.votes if self.votes else None

    @property
    def flagged(self) -> bool:
        return self.votes >= REVIEW_MIN_VOTES and self.helpful / self.votes < REVIEW_BELOW


def faq_helpfulness() -> list[Helpfulness]:
    """Every entry's votes, those flagged for review first, then by number of votes. One query."""
    entries = FAQEntryPage.objects.annotate(
        n_votes=Count("votes"),
        n_helpful=Count("votes", filter=Q(votes__helpful=True)),
        n_comments=Count("votes", filter=~Q(votes__comment="")),
    ).order_by("title")
    rows = [Helpfulness(e, e.n_helpful, e.n_votes, e.n_comments, e.last_reviewed) for e in entries]
    return sorted(rows, key=lambda r: (not r.flagged, -r.votes))


def faq_vote_comments(*, entry: FAQEntryPage) -> list[FAQVote]:
    """The comments left on an entry, newest first, without who left them."""
    comments = entry.votes.exclude(comment="").only("helpful", "comment", "updated_at")
    return list(comments.order_by("-updated_at"))


def _entry_links(entries, role_id: int | None, request) -> list[EntryLink]:
    return [
        _entry_link(e, role_id, request)
        for e in entries.prefetch_related("audiences")
        .only("id", "title", "path", "depth", "url_path", "slug", "live")
        .order_by("path")
    ]


def _entry_link(entry: FAQEntryPage, role_id: int | None, request) -> EntryLink:
    audiences = list(entry.audiences.all())
    return EntryLink(
        entry=entry,
        url=entry.get_url(request),
        # Without a role (not in the directory yet) everything is for you.
        for_you=role_id is None or not audiences or any(r.pk == role_id for r in audiences),
        audiences=[r.name for r in audiences],
    )


def _for_you_first(links: list) -> list:
    return sorted(links, key=lambda link: not link.for_you)  # stable: keeps the order within


def my_path_questions(user) -> dict | None:
    """The "Your questions" panel on My path: the latest few, or nothing. One or two queries."""
    questions = questions_asked_by(user=user, limit=5)
    if not questions:
        return None
    guide_url = faq_guide_url()
    return {"questions": questions, "all_url": f"{guide_url}questions/" if guide_url else ""}
