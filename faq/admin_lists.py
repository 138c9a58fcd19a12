"""The FAQ guide's two lists in the Wagtail admin, as Wagtail listings: how helpful each entry
is (a report over entries and their votes) and the searches that found nothing (a view-only
model viewset). Both search, filter, sort, page by 50 and export CSV (formula-like text
quoted) or XLSX.

They are for people who may edit pages (add, change or publish some page), as Wagtail's own
page reports are; anyone else in the admin gets a 403 in words. Starting an entry from a
search, or dismissing it, stays in `admin_views.search_gap`; the comments on an entry in
`admin_views.helpfulness_entry`.
"""

import django_filters
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.middleware.csrf import get_token
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.views.defaults import permission_denied
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views.generic import IndexView
from wagtail.admin.views.reports import ReportView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import BooleanRadioSelect
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import page_permission_policy

from portal.admin_lists import SafeCsvExportMixin

from . import selectors
from .models import FAQCategoryPage, FAQEntryPage, SearchGap

PER_PAGE = 50
EDITING = ["add", "change", "publish"]


def may_review_faq(user) -> bool:
    """Who reads these lists: people who may edit some page, as for Wagtail's page reports."""
    return user.is_authenticated and page_permission_policy.user_has_any_permission(user, EDITING)


class ForPageEditors:
    def dispatch(self, request, *args, **kwargs):
        if not may_review_faq(request.user):  # a 403 in words, not Wagtail's redirect
            return permission_denied(request, PermissionDenied())
        return super().dispatch(request, *args, **kwargs)


class ReaderTimes:
    """Exported times in the reader's zone, as the screen shows them (not UTC)."""

    def preprocess_field_value(self, field, value, export_format):
        if hasattr(value, "tzinfo") and value.tzinfo is not None:
            value = timezone.localtime(value).replace(tzinfo=None)
            if export_format == self.FORMAT_CSV:
                value = value.strftime("%Y-%m-%d %H:%M")
        return super().preprocess_field_value(field, value, export_format)


# How helpful each entry is: a report


class HelpfulnessFilterSet(WagtailFilterSet):
    category = django_filters.ModelChoiceFilter(
        label="Category",
        queryset=FAQCategoryPage.objects.order_by("path"),
        method="filter_category",
        empty_label="All categories",
    )
    flagged = django_filters.BooleanFilter(
        label="Needs review", method="filter_flagged", widget=BooleanRadioSelect
    )
    live = django_filters.BooleanFilter(label="Published", widget=BooleanRadioSelect)
    voted = django_filters.DateFromToRangeFilter(
        label="Votes given between",
        method="votes_in_period",  # counted by the view's queryset, see `HelpfulnessView`
        widget=DateRangePickerWidget,
    )

    class Meta:
        model = FAQEntryPage
        fields = ["category", "flagged", "live", "voted"]

    def filter_category(self, queryset, name, value):
        return queryset.filter(path__startswith=value.path, depth__gt=value.depth)

    def filter_flagged(self, queryset, name, value):
        return queryset.filter(flagged=1 if value else 0)

    def votes_in_period(self, queryset, name, value):
        return queryset


def _entry_edit_url(entry) -> str:
    return reverse("wagtailadmin_pages:edit", args=[entry.pk])


class EntryTitleColumn(TitleColumn):
    def get_value(self, instance):
        title = instance.title
        return title if instance.live else f"{title} (draft)"


class CommentsColumn(Column):
    def get_value(self, instance):
        if not instance.n_comments:
            return "0"
        return format_html(
            '<a href="{}">{}<span class="w-sr-only"> comments on “{}”</span></a>',
            reverse("faq_admin_helpfulness_entry", args=[instance.pk]),
            instance.n_comments,
            instance.title,
        )


class ReviewColumn(Column):
    def get_value(self, instance):
        if instance.flagged:
            return mark_safe('<strong class="w-text-critical-200">Needs review</strong>')  # noqa: S308
        return ""


class HelpfulnessView(ForPageEditors, ReaderTimes, SafeCsvExportMixin, ReportView):
    """Every entry's "Was this helpful?" votes, those flagged for review first, then the most
    voted. Flagging needs at least REVIEW_MIN_VOTES votes, so a few votes flag nothing."""

    page_title = "Helpfulness of entries"
    header_icon = "tick"
    index_url_name = "faq_admin_helpfulness"
    index_results_url_name = "faq_admin_helpfulness_results"
    results_template_name = "faq/admin/helpfulness_results.html"
    filterset_class = HelpfulnessFilterSet
    is_searchable = True
    search_fields = ["title", "phrasings"]
    search_backend_name = None  # the database, as typed, rather than the search index
    paginate_by = PER_PAGE
    default_ordering = "-flagged"
    verbose_name_plural = "entries"
    breadcrumbs_items = [{"url": reverse_lazy("wagtailadmin_home"), "label": "Dashboard"}]
    columns = [
        EntryTitleColumn("title", label="Entry", get_url=_entry_edit_url, sort_key="title"),
        Column("category", label="Category", sort_key="category"),
        Column("helpful_percent", label="Helpful (%)", sort_key="helpful_percent"),
        Column("n_votes", label="Votes", sort_key="n_votes"),
        Column("n_unhelpful", label="Not helpful", sort_key="n_unhelpful"),
        CommentsColumn("n_comments", label="Comments", sort_key="n_comments"),
        DateColumn("last_reviewed", label="Last reviewed", sort_key="last_reviewed"),
        ReviewColumn("flagged", label="Review", sort_key="flagged"),
    ]
    list_export = [
        "title",
        "category",
        "live",
        "helpful_percent",
        "n_votes",
        "n_helpful",
        "n_unhelpful",
        "n_comments",
        "last_reviewed",
        "flagged",
    ]
    export_headings = {
        "title": "Entry",
        "category": "Category",
        "live": "Published",
        "helpful_percent": "Helpful (%)",
        "n_votes": "Votes",
        "n_helpful": "Helpful",
        "n_unhelpful": "Not helpful",
        "n_comments": "Comments",
        "last_reviewed": "Last reviewed",
        "flagged": "Needs review",
    }
    export_filename = "faq-helpfulness"
    custom_field_preprocess = {
        "flagged": {"csv": lambda v: "yes" if v else "", "xlsx": lambda v: "yes" if v else ""},
        "live": {"csv": lambda v: "yes" if v else "no", "xlsx": lambda v: "yes" if v else "no"},
    }

    def get_queryset(self):
        period = self.filters.form.cleaned_data.get("voted") if self.filters.is_valid() else None
        self.queryset = selectors.faq_helpfulness_rows(
            voted_from=period.start if period else None,
            voted_to=period.stop if period else None,
        )
        return super().get_queryset()

    def order_queryset(self, queryset):
        # ties broken the same way every time, so pages neither repeat nor skip an entry
        return queryset.order_by(self.ordering, "-n_votes", "title", "pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["review_below"] = round(selectors.REVIEW_BELOW * 100)
        context["review_min_votes"] = selectors.REVIEW_MIN_VOTES
        return context


# The searches that found nothing: a view-only model viewset


class PageEditorsViewOnly(BasePermissionPolicy):
    """People who may edit pages see the list; a search is turned into an entry, or
    dismissed, by `admin_views.search_gap`, never edited as a row."""

    def user_has_permission(self, user, action):
        return action == "view" and may_review_faq(user)

    def users_with_any_permission(self, actions):
        users = get_user_model().objects.filter(is_active=True)
        if "view" not in actions:
            return users.none()
        return page_permission_policy.users_with_any_permission(EDITING)


class SearchGapFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label="Status",
        choices=[(key, label) for key, (label, _) in selectors.GAP_STATUSES.items()],
        empty_label="Waiting (and not yet acted on)",
        method="filter_status",
    )
    last_seen = django_filters.DateFromToRangeFilter(
        label="Last searched", widget=DateRangePickerWidget
    )

    class Meta:
        model = SearchGap
        fields = ["status", "last_seen"]

    def filter_status(self, queryset, name, value):
        return queryset.filter(selectors.GAP_STATUSES[value][1])

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("status"):  # the work to do, unless asked for more
            queryset = queryset.filter(selectors.GAP_STATUSES["open"][1])
        return queryset


class GapActionsColumn(Column):
    """Start an entry in a category (the ones the editor may add to), or dismiss the search."""

    cell_template_name = "faq/admin/search_gap_actions_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        request = context["request"]  # a table's cells see the request, not the view's context
        if not hasattr(request, "faq_gap_categories"):  # once per request, not per row
            request.faq_gap_categories = selectors.faq_categories_addable(user=request.user)
        context.update(
            gap=instance, categories=request.faq_gap_categories, csrf_token=get_token(request)
        )
        return context


class SearchGapIndexView(ForPageEditors, ReaderTimes, SafeCsvExportMixin, IndexView):
    """Searches people submitted that found no entry, the most frequent first."""

    page_title = "Searches with no results"
    results_template_name = "faq/admin/search_gaps_results.html"

    def get_base_queryset(self):
        return selectors.search_gaps_listed()

    def order_queryset(self, queryset):
        return queryset.order_by(self.ordering, "-last_seen", "pk")

    @cached_property
    def no_results_message(self):
        if self.is_searching or self.is_filtering:
            return "No search matches these filters."
        return "Every search found something. Nothing to do here."


class SearchGapViewSet(ModelViewSet):
    model = SearchGap
    icon = "search"
    menu_label = "Searches with no results"
    add_to_admin_menu = False  # it sits in the FAQ guide's menu (wagtail_hooks)
    url_prefix = "faq/search-gaps"
    permission_policy = PageEditorsViewOnly(SearchGap)
    index_view_class = SearchGapIndexView
    filterset_class = SearchGapFilterSet
    form_fields = ["query"]  # never shown: nobody may add or edit a row
    list_display = [
        Column("query", label="Search", sort_key="query"),
        Column("searches", label="Times", sort_key="searches"),
        DateColumn("last_seen", label="Last searched", sort_key="last_seen"),
        DateColumn("first_seen", label="First searched", sort_key="first_seen"),
        Column("status", label="Status", sort_key="status"),
        GapActionsColumn("actions", label="Actions"),
    ]
    search_fields = ["query"]
    search_backend_name = None
    ordering = "-searches"
    list_per_page = PER_PAGE
    list_export = ["query", "searches", "first_seen", "last_seen", "status"]
    export_headings = {
        "query": "Search",
        "searches": "Times",
        "first_seen": "First searched",
        "last_seen": "Last searched",
        "status": "Status",
    }
    export_filename = "faq-searches-with-no-results"


search_gap_viewset = SearchGapViewSet("faq_search_gaps")
GAPS_INDEX = "faq_search_gaps:index"
