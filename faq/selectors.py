"""Reads for the FAQ guide. Each makes a fixed number of queries, whatever the data's size.

"For you" means an entry meant for everyone or for the person's role: those come first, in
the guide and in search results; entries for other roles follow, marked with whom they are for.
"Read" means the person has opened the entry at least once (a `faq_viewed` event).
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Length, Substr
from django.utils.safestring import SafeString
from wagtail.models import Page
from wagtail.search.models import IndexEntry

from portal.navigation import PageAddress
from portal.people.models import Staff
from portal.shared_cache import CachedFamily
from portal.tiers.models import EngagementEvent

from . import search
from .models import FAQCategoryPage, FAQEntryPage, FAQIndexPage, FAQVote, Question, SearchGap

SEARCH_LIMIT = 20
# Recounted for every server once an entry's publication commits (portal.shared_cache).
common_stems_cached = CachedFamily("faq:common-stems", 3600)
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
    read: bool = False  # the person has opened it


@dataclass
class CategorySummary:
    category: FAQCategoryPage
    url: str
    entries: list[EntryLink] = field(default_factory=list)
    total: int = 0
    read: int = 0  # of `total`, how many the person has opened


@dataclass
class GuideOverview:
    categories: list[CategorySummary]

    @property
    def total(self) -> int:
        return sum(c.total for c in self.categories)

    @property
    def read(self) -> int:
        return sum(c.read for c in self.categories)


def faq_guide(
    *, guide: FAQIndexPage, role_id: int | None, staff: Staff | None = None, request=None
) -> GuideOverview:
    """The guide's categories, each with its first entries for this person and how many of
    them they have read. Three queries, and one more for what `staff` has read."""
    categories = list(FAQCategoryPage.objects.child_of(guide).live().public().order_by("path"))
    by_path = {c.path: CategorySummary(c, c.get_url(request)) for c in categories}
    read = faq_read_ids(staff=staff)
    for link in _entry_links(
        FAQEntryPage.objects.descendant_of(guide).live().public(), role_id, request, read
    ):
        summary = by_path.get(link.entry.path[: -Page.steplen])
        if summary is not None:
            summary.total += 1
            summary.read += link.read
            summary.entries.append(link)
    for summary in by_path.values():
        summary.entries = _for_you_first(summary.entries)[:CATEGORY_PREVIEW]
    return GuideOverview(list(by_path.values()))


def faq_category(
    *, category: FAQCategoryPage, role_id: int | None, staff: Staff | None = None, request=None
) -> list[EntryLink]:
    """Every live entry of a category, for you first, marked when read. Two queries, and one
    more for what `staff` has read."""
    entries = FAQEntryPage.objects.child_of(category).live().public()
    return _for_you_first(_entry_links(entries, role_id, request, faq_read_ids(staff=staff)))


def faq_read_ids(*, staff: Staff | None) -> frozenset[int]:
    """The entries `staff` has opened at least once, by page id. One query (none without a
    person); the event log's (kind, staff, ...) index serves it."""
    if staff is None:
        return frozenset()
    subjects = (
        EngagementEvent.objects.filter(staff=staff, kind="faq_viewed")
        .values_list("subject", flat=True)
        .distinct()
    )
    return frozenset(int(s) for s in subjects if s.isdigit())


def faq_next_unread_url(staff: Staff) -> str:
    """The first entry of the guide, in its order, that `staff` has not read, one for their
    role first: where "Continue" takes a person who still has entries to read ("" when they
    have read them all). Two or three queries."""
    unread = (
        FAQEntryPage.objects.live()
        .public()
        .exclude(pk__in=faq_read_ids(staff=staff))
        .order_by("path")
    )
    for_role = (
        unread.filter(Q(audiences=None) | Q(audiences=staff.role_id)) if staff.role_id else unread
    )
    entry = for_role.first() or unread.first()
    return entry.get_url() if entry else ""


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
    read: bool = False  # the person has opened it


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
    *,
    query: str,
    role_id: int | None,
    guide: FAQIndexPage | None = None,
    staff: Staff | None = None,
    request=None,
) -> SearchOutcome:
    """The entries that answer `query`, most relevant first, this person's role's first, each
    marked when `staff` has read it.

    Wagtail search (PostgreSQL full text, or SQLite FTS5) over questions, other phrasings,
    answers and their stems, any word matching. Four queries whatever the number of entries,
    and one more for what `staff` has read.
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
    read = faq_read_ids(staff=staff) if found else frozenset()
    hits = [
        SearchHit(
            entry=link.entry,
            url=link.url,
            category=categories.get(link.entry.path[: -Page.steplen], ""),
            for_you=link.for_you,
            audiences=link.audiences,
            title=search.highlight(link.entry.title, stems),
            snippet=search.snippet(search.plain_text(link.entry.answer), stems),
            read=link.read,
        )
        for link in _for_you_first([_entry_link(e, role_id, request, read) for e in found])
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
    return common_stems_cached.get("stems", _common_stems_count)


def _common_stems_count() -> frozenset[str]:
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
        return frozenset(word for (word,) in cursor.fetchall())


def faq_search_forget() -> None:
    common_stems_cached.forget()


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


def questions_open_count(user) -> int:
    """Questions staff asked that wait for an answer: the editors' to-do. One query."""
    return Question.objects.filter(status=Question.Status.OPEN).count()


def question_counts() -> dict[str, int]:
    counts = dict(
        Question.objects.values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    return {status: counts.get(status, 0) for status in Question.Status.values}


def faq_categories_addable(*, user) -> list[FAQCategoryPage]:
    """The categories this person may add entries to, in the guide's order."""
    return [
        category
        for category in FAQCategoryPage.objects.order_by("path")
        if category.permissions_for_user(user).can_add_subpage()
    ]


GAP_STATUSES = {
    "open": ("Waiting", Q(entry__isnull=True, dismissed_at__isnull=True)),
    "entry": ("Entry started", Q(entry__isnull=False)),
    "dismissed": ("Dismissed", Q(entry__isnull=True, dismissed_at__isnull=False)),
}


def search_gaps_listed() -> QuerySet[SearchGap]:
    """Every search that found nothing, with its `status` ("Waiting", "Entry started",
    "Dismissed") as the listing shows and exports it; filter with `GAP_STATUSES`."""
    return SearchGap.objects.annotate(
        status=Case(
            *(When(condition, then=Value(label)) for label, condition in GAP_STATUSES.values()),
            output_field=CharField(),
        )
    )


def faq_helpfulness_rows(
    *, voted_from: datetime | None = None, voted_to: datetime | None = None
) -> QuerySet[FAQEntryPage]:
    """Every entry with its votes (in a period, if given) in one query: `n_votes`,
    `n_helpful`, `n_unhelpful`, `n_comments`, `helpful_percent` (rounded; None without
    votes), `flagged` (1 when fewer than REVIEW_BELOW of at least REVIEW_MIN_VOTES votes
    found it helpful, else 0) and `category` (the title of the entry's category page)."""
    period = Q()
    if voted_from is not None:
        period &= Q(votes__updated_at__gte=voted_from)
    if voted_to is not None:
        period &= Q(votes__updated_at__lte=voted_to)
    parent_path = Substr(OuterRef("path"), 1, Length(OuterRef("path")) - Page.steplen)
    return FAQEntryPage.objects.annotate(
        n_votes=Count("votes", filter=period),
        n_helpful=Count("votes", filter=period & Q(votes__helpful=True)),
        n_unhelpful=Count("votes", filter=period & Q(votes__helpful=False)),
        n_comments=Count("votes", filter=period & ~Q(votes__comment="")),
        category=Subquery(Page.objects.filter(path=parent_path).values("title")[:1]),
    ).annotate(
        helpful_percent=Case(
            When(n_votes=0, then=None),
            # rounded half up, in whole numbers, the same on SQLite and PostgreSQL
            default=(F("n_helpful") * 200 + F("n_votes")) / (F("n_votes") * 2),
            output_field=IntegerField(),
        ),
        flagged=Case(
            When(
                Q(n_votes__gte=REVIEW_MIN_VOTES)
                & Q(n_helpful__lt=F("n_votes") * Value(REVIEW_BELOW)),
                then=Value(1),
            ),
            default=Value(0),
            output_field=IntegerField(),
        ),
    )


def faq_vote_comments(*, entry: FAQEntryPage) -> list[FAQVote]:
    """The comments left on an entry, newest first, without who left them."""
    comments = entry.votes.exclude(comment="").only("helpful", "comment", "updated_at")
    return list(comments.order_by("-updated_at"))


def _entry_links(
    entries, role_id: int | None, request, read: frozenset[int] = frozenset()
) -> list[EntryLink]:
    return [
        _entry_link(e, role_id, request, read)
        for e in entries.prefetch_related("audiences")
        .only("id", "title", "path", "depth", "url_path", "slug", "live")
        .order_by("path")
    ]


def _entry_link(
    entry: FAQEntryPage, role_id: int | None, request, read: frozenset[int] = frozenset()
) -> EntryLink:
    audiences = list(entry.audiences.all())
    return EntryLink(
        entry=entry,
        url=entry.get_url(request),
        # Without a role (not in the directory yet) everything is for you.
        for_you=role_id is None or not audiences or any(r.pk == role_id for r in audiences),
        audiences=[r.name for r in audiences],
        read=entry.pk in read,
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
