"""The list of community activity nobody could be matched to, in the Wagtail admin: a snippet
viewset (filters, search, sorting, pages, CSV and XLSX export) with one extra view, resolving.

Why a person decides: a forum username is not proof of who someone is, so activity that
carries neither a staff email nor a username someone has confirmed is never guessed at. A
community manager assigns it to a person (found by email or employee id), optionally
remembering the username so the next activity matches by itself, or dismisses it. The rules
live in `champions.services.intake`; the resolve view parses, calls one service, redirects.

Only people who run the programme see the list; nobody adds, edits or deletes a row by hand
(`ProgrammeViewOnly`): assigning and dismissing go through the service, which records the
event and keeps the username.
"""

from urllib.parse import urlsplit

import django_filters
from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.views.decorators.http import require_http_methods
from django.views.defaults import permission_denied
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import BulkActionsCheckboxColumn, Column, DateColumn
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.snippets.views.snippets import SnippetViewSet

from portal.admin_lists import SafeExportIndexView
from portal.people.models import Staff
from portal.permissions import RUN_PROGRAMME, can_run_programme, require
from portal.redirects import redirect_target

from .intake import ACTIONS
from .models import UnmatchedActivity
from .services import intake as services

TITLE = "Unmatched community activity"


class ProgrammeViewOnly(BasePermissionPolicy):
    """People who run the programme may view; no one may add, edit or delete a row by hand."""

    def user_has_permission(self, user, action):
        return action == "view" and can_run_programme(user)

    def users_with_any_permission(self, actions):
        users = get_user_model().objects.filter(is_active=True)
        if "view" not in actions:
            return users.none()
        app, codename = RUN_PROGRAMME.split(".")
        granted = Q(codename=codename, content_type__app_label=app)
        return users.filter(
            Q(is_superuser=True)
            | Q(user_permissions__in=_permissions(granted))
            | Q(groups__permissions__in=_permissions(granted))
        ).distinct()


def _permissions(condition: Q):
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(condition)


# The list


class UnmatchedFilterSet(WagtailFilterSet):
    WAITING, ASSIGNED, DISMISSED, EVERY = "waiting", "assigned", "dismissed", "all"

    state = django_filters.ChoiceFilter(
        label="State",
        choices=[
            (WAITING, "Waiting"),
            (ASSIGNED, "Assigned to someone"),
            (DISMISSED, "Dismissed"),
            (EVERY, "All"),
        ],
        empty_label=None,
        method="filter_state",
        widget=forms.RadioSelect,
    )
    action = django_filters.ChoiceFilter(
        label="Activity", choices=[(a, a.capitalize()) for a in ACTIONS], empty_label="All"
    )
    occurred_at = django_filters.DateFromToRangeFilter(
        label="When it happened", widget=DateRangePickerWidget
    )

    class Meta:
        model = UnmatchedActivity
        fields = ["state", "action", "occurred_at"]

    def filter_state(self, queryset, name, value):
        return {
            self.WAITING: queryset.filter(resolved_at__isnull=True),
            self.ASSIGNED: queryset.filter(resolved_at__isnull=False, staff__isnull=False),
            self.DISMISSED: queryset.filter(resolved_at__isnull=False, staff__isnull=True),
        }.get(value, queryset)

    def filter_queryset(self, queryset):
        """What waits is what a community manager came for: shown unless they chose a state."""
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("state"):
            queryset = queryset.filter(resolved_at__isnull=True)
        return queryset


class ActivityColumn(Column):
    """The activity and where it happened. The host is shown, not hidden behind a word:
    Discourse signs the body but not the X-Discourse-Instance header the address is built from.
    """

    cell_template_name = "champions/admin/unmatched_activity_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        url = instance.url
        context["link"] = url if url.startswith(("https://", "http://")) else ""
        context["host"] = urlsplit(url).hostname or ""
        return context


class ResolveColumn(Column):
    """Assign or dismiss, in the row, for what waits; what was done, for the rest."""

    cell_template_name = "champions/admin/unmatched_resolve_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        request = parent_context.get("request")
        context["form"] = ResolveForm(prefix=_prefix(instance))
        context["csrf_token"] = get_token(request) if request else ""
        context["action_url"] = reverse(
            UnmatchedActivityViewSet.resolve_url_name, args=[instance.pk]
        )
        context["next"] = request.get_full_path() if request else ""
        return context


class UnmatchedIndexView(SafeExportIndexView):
    """The listing, without the bulk-action checkboxes (there is no bulk action to allow).
    Anyone else gets a 403 in words, as from every screen of the programme (Wagtail's own
    refusal is a redirect to the dashboard)."""

    def dispatch(self, request, *args, **kwargs):
        if not can_run_programme(request.user):
            return permission_denied(request, PermissionDenied())
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def columns(self):
        return [c for c in super().columns if not isinstance(c, BulkActionsCheckboxColumn)]

    @cached_property
    def no_results_message(self):
        if self.is_searching or self.is_filtering:
            return "No unmatched activity matches these filters."
        return "All community activity is matched to staff. Nothing to do here."

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("staff")


class UnmatchedActivityViewSet(SnippetViewSet):
    model = UnmatchedActivity
    icon = "user"
    menu_label = "Unmatched activity"
    menu_name = "unmatched-activity"
    menu_order = 910
    add_to_admin_menu = True
    url_prefix = "champions/unmatched"
    admin_url_namespace = "champions_unmatched"
    resolve_url_name = "champions_unmatched:resolve"
    permission_policy = ProgrammeViewOnly(UnmatchedActivity)
    index_view_class = UnmatchedIndexView
    filterset_class = UnmatchedFilterSet
    list_display = [
        ActivityColumn("action", label="Activity", sort_key="action"),
        Column("username", label="Username", sort_key="username"),
        Column("email", label="Email"),
        DateColumn("occurred_at", label="When", sort_key="occurred_at"),
        ResolveColumn("resolve", label="Assign or dismiss", accessor="state"),
    ]
    search_fields = ["username", "email", "url"]
    search_backend_name = None
    ordering = ["received_at", "pk"]  # oldest first: the longest waiting
    list_per_page = 50
    list_export = [
        "action",
        "username",
        "email",
        "url",
        "occurred_at",
        "received_at",
        "state",
        "resolved_at",
        "staff",
    ]
    export_headings = {"state": "State", "staff": "Assigned to", "url": "Link"}
    export_filename = "unmatched-community-activity"

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("<int:pk>/resolve/", unmatched_resolve, name="resolve"),
        ]


# Resolving one item


class ResolveForm(forms.Form):
    person = forms.CharField(label="Staff member's email or employee id", max_length=254)
    remember = forms.BooleanField(label="Remember this username for them", required=False)

    def clean_person(self) -> Staff:
        value = self.cleaned_data["person"].replace("\x00", "").strip()
        matches = list(Staff.objects.filter(Q(email__iexact=value) | Q(employee_id=value))[:2])
        if not matches:
            raise ValidationError("No one in the staff directory has that email or employee id.")
        if len(matches) > 1:
            raise ValidationError("That matches two people; give their email instead.")
        return matches[0]


@require(can_run_programme)
@require_http_methods(["GET", "POST"])
def unmatched_resolve(request, pk: int):
    """GET: one waiting item with the form. POST: assign it to a person (`action=assign`), or
    dismiss it; then back to the list as it was (filters, page), or the form again with 400."""
    item = get_object_or_404(UnmatchedActivity.objects.select_related("staff"), pk=pk)
    back = _back(request)
    if request.method == "GET":
        return _resolve_page(request, item, ResolveForm(prefix=_prefix(item)), back)
    if request.POST.get("action") == "dismiss":
        if services.unmatched_dismiss(item=item):
            messages.success(request, f"Dismissed the {item.action} by {_who(item)}.")
        else:
            messages.info(request, "Someone had dealt with that activity already.")
        return redirect(back)
    form = ResolveForm(request.POST, prefix=_prefix(item))
    if not form.is_valid():
        return _resolve_page(request, item, form, back, status=400)
    staff = form.cleaned_data["person"]
    try:
        resolved = services.unmatched_resolve(
            item=item, staff=staff, remember_username=form.cleaned_data["remember"]
        )
    except services.IntakeError as error:
        messages.error(request, str(error))
    else:
        more = f", with {resolved - 1} more by {item.username}" if resolved > 1 else ""
        messages.success(request, f"Recorded the {item.action} for {staff.display_name}{more}.")
    return redirect(back)


def _resolve_page(request, item, form, back: str, *, status: int = 200):
    title = f"The {item.action} by {_who(item)}"
    return TemplateResponse(
        request,
        "champions/admin/unmatched_resolve.html",
        {
            "page_title": title,
            "header_title": title,
            "header_icon": "user",
            "breadcrumbs_items": [
                {"url": reverse("wagtailadmin_home"), "label": "Dashboard"},
                {"url": _list_url(), "label": TITLE},
                {"url": "", "label": title},
            ],
            "item": item,
            "form": form,
            "next": back,
            "action_url": reverse(UnmatchedActivityViewSet.resolve_url_name, args=[item.pk]),
            "link": item.url if item.url.startswith(("https://", "http://")) else "",
            "host": urlsplit(item.url).hostname or "",
        },
        status=status,
    )


def _list_url() -> str:
    return reverse("champions_unmatched:list")


def _back(request) -> str:
    """The list as the person left it (its filters and page), if that is one of ours."""
    return redirect_target(request, _list_url(), within=_list_url())


def _prefix(item: UnmatchedActivity) -> str:
    return f"item-{item.pk}"


def _who(item: UnmatchedActivity) -> str:
    return item.username or item.email or "someone unknown"
