"""The FAQ guide's pages, and the state people leave on them.

Pages hold content: the guide (one `FAQIndexPage`) holds categories, a category holds entries,
and editors publish them through Wagtail's revisions and moderation workflow. Plain models hold
people's state: their votes, the questions they asked, and the searches that found nothing.
The rules live in `services` (writes) and `selectors` (reads); the pages only route to views.
"""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, TitleFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from portal.people.models import Role

from . import search

# The guide's own addresses; a category with one of these slugs would be unreachable.
RESERVED_SLUGS = frozenset({"search", "ask", "questions"})


class FAQIndexPage(RoutablePageMixin, Page):
    """The FAQ guide: its categories, search, and asking a question. There is one."""

    intro = RichTextField(features=["bold", "italic", "link"], blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    parent_page_types = ["portal.HomePage"]
    subpage_types = ["faq.FAQCategoryPage"]
    max_count = 1

    class Meta:
        verbose_name = "FAQ guide"

    @path("")
    def guide_view(self, request):
        from . import views

        return views.guide(request, guide=self)

    @path("search/")
    def search_view(self, request):
        from . import views

        return views.guide_search(request, guide=self)

    @path("ask/")
    def ask_view(self, request):
        from . import views

        return views.question_ask(request, guide=self)

    @path("questions/")
    def questions_view(self, request):
        from . import views

        return views.questions_mine(request, guide=self)


class FAQCategoryPage(Page):
    """A group of entries on one theme: "Rules of engagement", "Getting help"."""

    description = models.CharField(
        max_length=300, blank=True, help_text="One sentence under the category's name."
    )

    content_panels = [*Page.content_panels, FieldPanel("description")]

    parent_page_types = ["faq.FAQIndexPage"]
    subpage_types = ["faq.FAQEntryPage"]

    class Meta:
        verbose_name = "FAQ category"
        verbose_name_plural = "FAQ categories"

    def clean(self):
        super().clean()
        if self.slug in RESERVED_SLUGS:
            raise ValidationError(
                {"slug": f"“{self.slug}” is taken by the guide's own pages; choose another slug."}
            )

    def serve(self, request, *args, **kwargs):
        from . import views

        return views.category(request, category=self)


class FAQEntryPage(RoutablePageMixin, Page):
    """One question and its answer. The page title is the question."""

    answer = RichTextField(features=["h3", "bold", "italic", "ol", "ul", "link", "document-link"])
    phrasings = models.TextField(
        "other ways people ask this",
        blank=True,
        help_text="Words and questions people might type instead, separated by commas or new "
        "lines. Search uses them; readers never see them.",
    )
    audiences = ParentalManyToManyField(
        Role,
        blank=True,
        related_name="+",
        verbose_name="mainly for",
        help_text="The roles this entry is mainly for; leave empty for everyone. People see "
        "their own role's entries first.",
    )
    last_reviewed = models.DateField(
        null=True,
        blank=True,
        help_text="When someone last checked this answer is still right. Shown to readers.",
    )

    content_panels = [
        TitleFieldPanel(
            "title",
            heading="Question",
            placeholder="Question*",
            help_text="The question, as people would ask it.",
        ),
        FieldPanel("answer"),
        MultiFieldPanel(
            [
                FieldPanel("audiences", widget=forms.CheckboxSelectMultiple),
                FieldPanel("last_reviewed"),
            ],
            heading="Audience and review",
        ),
        FieldPanel("phrasings"),
        InlinePanel("related_links", heading="Related entries", label="Related entry"),
    ]

    search_fields = [
        *Page.search_fields,
        index.SearchField("phrasings", boost=2),  # as strong as the question itself
        index.SearchField("answer"),
        index.SearchField("search_stems"),
    ]

    parent_page_types = ["faq.FAQCategoryPage"]
    subpage_types = []

    class Meta:
        verbose_name = "FAQ entry"
        verbose_name_plural = "FAQ entries"

    def search_stems(self) -> str:
        """Every word's stem, so "booking" finds "book" on databases that do not stem."""
        return search.stems_text(self.title, self.phrasings, search.plain_text(self.answer))

    @path("")
    def entry_view(self, request):
        from . import views

        return views.entry(request, entry=self)

    @path("vote/")
    def vote_view(self, request):
        from . import views

        return views.entry_vote(request, entry=self)


class FAQRelatedEntry(Orderable):
    page = ParentalKey(FAQEntryPage, on_delete=models.CASCADE, related_name="related_links")
    entry = models.ForeignKey(
        FAQEntryPage, on_delete=models.CASCADE, related_name="+", verbose_name="entry"
    )

    panels = [FieldPanel("entry")]


class FAQVote(models.Model):
    """One person's "was this helpful?" on one entry. They may change it; it stays one row."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    entry = models.ForeignKey(FAQEntryPage, on_delete=models.CASCADE, related_name="votes")
    helpful = models.BooleanField()
    comment = models.TextField(blank=True, max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "entry"], name="faq_vote_one_per_person")
        ]
        indexes = [models.Index(fields=["entry", "helpful"], name="faq_vote_entry_helpful")]

    def __str__(self):
        return f"{'helpful' if self.helpful else 'not helpful'} on entry {self.entry_id}"


class Question(models.Model):
    """A question someone could not find an answer to, waiting for an editor."""

    class Status(models.TextChoices):
        OPEN = "open", "Waiting for an answer"
        ANSWERED = "answered", "Answered"
        CLOSED = "closed", "Closed without an entry"

    class Source(models.TextChoices):
        STAFF = "staff", "Asked in the FAQ guide"
        OFFICE_HOURS = "office_hours", "Raised at office hours"

    asker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="faq_questions",
    )
    text = models.CharField("question", max_length=300)
    details = models.TextField(blank=True, max_length=2000)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.STAFF)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    entry = models.ForeignKey(
        FAQEntryPage,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="questions",
        help_text="The entry that answers it, or its draft.",
    )
    reply = models.TextField(blank=True, max_length=2000, help_text="Why it was closed.")
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["status", "created_at"], name="faq_question_queue"),
            models.Index(fields=["asker", "created_at"], name="faq_question_asker"),
        ]

    def __str__(self):
        return self.text


class SearchGap(models.Model):
    """A search that found nothing, normalised and counted. It holds no one's identity."""

    query = models.CharField(max_length=100, unique=True)
    searches = models.PositiveIntegerField(default=1)
    first_seen = models.DateTimeField(auto_now_add=True)
    last_seen = models.DateTimeField()
    entry = models.ForeignKey(
        FAQEntryPage, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    dismissed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["-searches"], name="faq_gap_searches")]

    def __str__(self):
        return self.query
