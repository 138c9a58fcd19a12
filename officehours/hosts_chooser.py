"""Choosing a series' hosts in the admin: a searchable chooser of people, by name and email.

A series' hosts were a multi-select of usernames, which nobody knows. This chooser lists people
as the directory names them, searches the database (by name and email, as the staff
directory's manager chooser does: `portal.admin_lists`), lets an editor tick several at once,
and offers only who may host (`selectors.host_candidates`). It is for people who may add or
change a series; anyone else gets a 403 in words, also from its URLs.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.functional import cached_property
from django.views.defaults import permission_denied
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.chooser import (
    ChooseResultsView,
    ChooseView,
    ChosenMultipleView,
    ChosenView,
)
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.permission_policies import ModelPermissionPolicy

from portal.admin_lists import DatabaseSearchForm

from .models import Series
from .selectors import HOST_SEARCH_FIELDS, host_candidates, host_name

URL_NAME = "officehours_hosts"


def may_choose_hosts(user) -> bool:
    """Whoever may add or change a series may choose its hosts."""
    return user.is_authenticated and ModelPermissionPolicy(Series).user_has_any_permission(
        user, ["add", "change"]
    )


class HostSearchForm(DatabaseSearchForm):
    q = forms.CharField(
        label="Search term",
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "Search by name or email"}),
    )
    search_fields = HOST_SEARCH_FIELDS


class ForHostChoosers:
    """A chooser view only people who schedule series may use, over who may host."""

    def dispatch(self, request, *args, **kwargs):
        if not may_choose_hosts(request.user):
            return permission_denied(request, PermissionDenied())
        return super().dispatch(request, *args, **kwargs)


class HostListing(ForHostChoosers):
    filter_form_class = HostSearchForm
    per_page = 25
    page_title = "Choose hosts"

    def get_object_list(self):
        return host_candidates()

    @property
    def title_column(self):
        column = super().title_column  # a link to choose one, or a label for a checkbox
        column.label, column.accessor = "Name", host_name
        return column

    @property
    def columns(self):
        return [self.title_column, Column("email", label="Email")]


class HostChooseView(HostListing, ChooseView):
    pass


class HostChooseResultsView(HostListing, ChooseResultsView):
    pass


class HostChosenView(ForHostChoosers, ChosenView):
    def get_object(self, pk):
        return host_candidates().get(pk=pk)

    def get_display_title(self, instance):
        return host_name(instance)

    def get_edit_item_url(self, instance):
        return None


class HostChosenMultipleView(ForHostChoosers, ChosenMultipleView):
    def get_objects(self, pks):
        return host_candidates().filter(pk__in=[pk for pk in pks if pk.isdigit()])

    def get_display_title(self, instance):
        return host_name(instance)

    def get_edit_item_url(self, instance):
        return None


class HostChooserViewSet(ChooserViewSet):
    model = get_user_model()
    icon = "user"
    choose_one_text = "Choose hosts"
    choose_another_text = "Choose more hosts"
    page_title = "Choose hosts"
    register_widget = False  # only the series' hosts use it, through `HostsChooser`
    choose_view_class = HostChooseView
    choose_results_view_class = HostChooseResultsView
    chosen_view_class = HostChosenView
    chosen_multiple_view_class = HostChosenMultipleView


class HostsChooser(forms.SelectMultiple):
    """The chosen hosts by name, each removable, and a button that opens the chooser to add
    more (several at once). Posts the same `hosts` ids as the multi-select did."""

    template_name = "officehours/admin/hosts_chooser.html"

    class Media:
        js = [
            "wagtailadmin/js/modal-workflow.js",
            "wagtailadmin/js/chooser-modal.js",
            "officehours/hosts-chooser.js",
        ]

    @cached_property
    def chooser_url(self) -> str:
        return reverse(f"{URL_NAME}:choose")

    def render(self, name, value, attrs=None, renderer=None):
        # the project's templates (the form renderer looks only in apps' and Django's own)
        return render_to_string(self.template_name, self.get_context(name, value, attrs))

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        ids = [int(v) for v in (value or []) if str(v).isdigit()]
        chosen = host_candidates(keep=ids).filter(pk__in=ids) if ids else []
        context["hosts"] = [(user.pk, host_name(user)) for user in chosen]
        context["chooser_url"] = self.chooser_url
        return context
