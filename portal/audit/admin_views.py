"""The audit log in the admin (Settings, Audit log): superusers read it, nobody writes to it.

A read-only model viewset: filters by action, by kind of thing and by date; a search that
finds entries by or about a person by their current name (entries hold ids, see `selectors`);
one entry's page with its whole detail; and an export, which is itself recorded.
"""

import django_filters
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.utils.functional import cached_property
from django.views.defaults import permission_denied
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import BasePermissionPolicy

from ..admin_lists import SafeCsvExportMixin
from . import actions
from .models import AuditEntry
from .selectors import entries, entries_describe, entries_matching


def is_superuser(user) -> bool:
    return user.is_authenticated and user.is_active and user.is_superuser


class SuperusersReadOnly(BasePermissionPolicy):
    """Superusers may view; nobody may do anything else (there is nothing else to do)."""

    def user_has_permission(self, user, action):
        return action == "view" and is_superuser(user)

    def users_with_any_permission(self, actions):
        users = get_user_model().objects.filter(is_active=True, is_superuser=True)
        return users if "view" in actions else users.none()


class SuperusersOnly:
    """A 403 in words for anyone else (Wagtail's own answer would be a redirect home)."""

    def dispatch(self, request, *args, **kwargs):
        if not is_superuser(request.user):
            return permission_denied(request, PermissionDenied())
        return super().dispatch(request, *args, **kwargs)


def _action_choices():
    return sorted(actions.ACTIONS.items(), key=lambda item: item[1])


class AuditFilterSet(WagtailFilterSet):
    action = django_filters.ChoiceFilter(label="Action", choices=[], empty_label="Any action")
    target_type = django_filters.ChoiceFilter(label="About", choices=[], empty_label="Anything")
    at = django_filters.DateFromToRangeFilter(label="When", widget=DateRangePickerWidget)

    class Meta:
        model = AuditEntry
        fields = ["action", "target_type", "at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["action"].extra["choices"] = _action_choices()
        kinds = (
            AuditEntry.objects.exclude(target_type="")
            .order_by("target_type")
            .values_list("target_type", flat=True)
            .distinct()
        )
        self.filters["target_type"].extra["choices"] = [(k, k) for k in kinds]


class AuditIndexView(SuperusersOnly, SafeCsvExportMixin, IndexView):
    page_title = "Audit log"

    def get_base_queryset(self):
        return entries()

    def order_queryset(self, queryset):
        return queryset.order_by(self.ordering, "-pk")

    def search_queryset(self, queryset):
        return entries_matching(queryset, self.search_query or "")

    def paginate_queryset(self, queryset, page_size):
        paginator, page, object_list, paged = super().paginate_queryset(queryset, page_size)
        return paginator, page, entries_describe(list(object_list)), paged

    @cached_property
    def no_results_message(self):
        if self.is_searching or self.is_filtering:
            return "No entry matches these filters."
        return "Nothing has been recorded yet."


class AuditInspectView(SuperusersOnly, InspectView):
    def get_object(self, queryset=None):
        return entries_describe([super().get_object(queryset)])[0]

    def get_page_subtitle(self):
        return self.object.what

    def get_fields(self):
        return ["at", "who", "what", "about", "summary", "action", "target_type", "target_id"]

    def get_field_label(self, field_name, field):
        labels = {
            "at": "When",
            "who": "Who",
            "what": "What",
            "about": "About",
            "summary": "Detail",
            "target_type": "Kind of thing",
            "target_id": "Its id",
        }
        return labels.get(field_name) or super().get_field_label(field_name, field)

    def get_field_display_value(self, field_name, field):
        if field_name in ("who", "what", "about", "summary"):
            return getattr(self.object, field_name)
        return super().get_field_display_value(field_name, field)


class AuditViewSet(ModelViewSet):
    model = AuditEntry
    icon = "history"
    menu_label = "Audit log"
    menu_name = "audit_log"
    add_to_settings_menu = True  # shown only to superusers (the permission policy)
    url_prefix = "audit-log"
    permission_policy = SuperusersReadOnly(AuditEntry)
    index_view_class = AuditIndexView
    inspect_view_class = AuditInspectView
    inspect_view_enabled = True
    filterset_class = AuditFilterSet
    form_fields = ["action"]  # never shown: nobody may add or edit an entry
    list_display = [
        DateColumn("at", label="When", sort_key="at"),
        Column("who", label="Who"),
        TitleColumn("what", label="What", sort_key="action", url_name="audit_log:inspect"),
        Column("about", label="About"),
        Column("summary", label="Detail"),
    ]
    search_fields = ["action"]  # the search itself is `selectors.entries_matching`
    search_backend_name = None
    ordering = "-at"
    list_per_page = 50
    list_export = ["at", "actor_id", "action", "target_type", "target_id", "target_label", "detail"]
    export_filename = "audit-log"

    def get_urlpatterns(self):
        """The list, its results and one entry's page: no add, edit, delete, history or
        usage views exist to be reached, whatever a permission says."""
        kept = {"index", "index_results", "inspect"}
        return [p for p in super().get_urlpatterns() if p.name in kept]


audit_viewset = AuditViewSet("audit_log")
