"""Admin listings that scale: choosers that search, and spreadsheet exports safe to open.

Wagtail's snippet chooser offers search only for indexed models, and indexing the directory
would mean re-indexing 100,000 people after every bulk import. `searchable_chooser` searches
the database directly, on the viewset's `search_fields`, as the admin listing does.

Wagtail's CSV export writes text as it is, so a name such as `=HYPERLINK(...)` would run as a
formula in a spreadsheet; `SafeCsvExportMixin` quotes it as the reports' CSV does, for any
listing (a snippet's, or a model viewset's), and `SafeExportIndexView` is the snippet one.
Every such export is also recorded in the audit log (who took which list away, with which
filters), since most of them carry names and emails.
"""

from django import forms
from django.db.models import Q
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.views.mixins import SpreadsheetExportMixin
from wagtail.snippets.views.chooser import (
    ChooseResultsView,
    ChooseView,
    SnippetChooserViewSet,
)
from wagtail.snippets.views.snippets import IndexView

from .audit.services import record
from .reports.exports import csv_text


class SafeCsvExportMixin:
    """A listing whose CSV export cannot smuggle a formula (XLSX stores text as text), whatever
    the column: a name, or a department's name through its foreign key; and whose every
    export is in the audit log, with its filters (a search only as "searched": it may be a
    name)."""

    def as_spreadsheet(self, queryset, spreadsheet_format):
        filters = {
            k: ",".join(v)
            for k, v in self.request.GET.lists()
            if k not in ("export", "q", "p") and any(v)
        }
        if self.request.GET.get("q"):
            filters["searched"] = True
        record(
            actor=self.request.user,
            action="list.exported",
            target=self.export_target(),
            detail={"format": spreadsheet_format, **filters},
        )
        return super().as_spreadsheet(queryset, spreadsheet_format)

    def export_target(self) -> str:
        """What was exported, in the log's words: the model's plural name, or a report's title."""
        model = getattr(self, "model", None)
        if model is not None:
            return str(model._meta.verbose_name_plural)
        return str(getattr(self, "page_title", "") or self.get_filename())

    def preprocess_field_value(self, field, value, export_format):
        value = super().preprocess_field_value(field, value, export_format)
        if export_format == SpreadsheetExportMixin.FORMAT_CSV and isinstance(value, str):
            return csv_text(value)
        return value


class SafeExportIndexView(SafeCsvExportMixin, IndexView):
    """A snippet listing with `SafeCsvExportMixin`."""


class DatabaseSearchForm(BaseFilterForm):
    q = forms.CharField(
        label="Search term",
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "Search by name, email or id"}),
    )
    search_fields: list[str] = []

    def filter(self, objects):
        objects = super().filter(objects)
        query = (self.cleaned_data.get("q") or "").strip()
        if query:
            matches = Q()
            for name in self.search_fields:
                matches |= Q(**{f"{name}__icontains": query})
            objects = objects.filter(matches)
            self.is_searching, self.search_query = True, query
        return objects


def searchable_chooser(search_fields: list[str]) -> type[SnippetChooserViewSet]:
    """A snippet chooser viewset whose search box looks in `search_fields` (icontains)."""
    form = type("SearchForm", (DatabaseSearchForm,), {"search_fields": search_fields})
    choose = type("Choose", (ChooseView,), {"filter_form_class": form})
    results = type("ChooseResults", (ChooseResultsView,), {"filter_form_class": form})
    return type(
        "SearchableChooserViewSet",
        (SnippetChooserViewSet,),
        {"choose_view_class": choose, "choose_results_view_class": results},
    )
