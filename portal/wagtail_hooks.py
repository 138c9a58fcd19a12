"""The portal's part of the Wagtail admin: the staff directory and the tiers, for programme staff.

Changing a tier's requirements changes who holds which tier, so saving or deleting a tier
queues a full recompute once the change is committed. Wagtail loads `wagtail_hooks` only at an
app's top level, so the sub-packages' hooks are imported from here.
"""

from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .accounts import wagtail_hooks as accounts_hooks  # noqa: F401  (send a sign-in link)
from .accounts.services import accounts_follow_directory
from .admin_lists import SafeExportIndexView, searchable_chooser
from .admin_todo import TodoPanel
from .audit import wagtail_hooks as audit_hooks  # noqa: F401  (the audit log, admin edits)
from .models import Department, Location, Role, Staff, Tier
from .outbox import wagtail_hooks as outbox_hooks  # noqa: F401  (messages sent, resend)
from .people import wagtail_hooks as people_hooks  # noqa: F401  (the staff import screen)
from .permissions import can_run_programme
from .privacy import wagtail_hooks as privacy_hooks  # noqa: F401  (erasure requests)
from .rollout import wagtail_hooks as rollout_hooks  # noqa: F401  (the rollout waves)
from .tiers.services import tiers_changed


class TierViewSet(SnippetViewSet):
    model = Tier
    icon = "list-ol"
    menu_label = "Tiers"
    list_display = ["order", "name", "description"]
    ordering = ["order"]


class StaffViewSet(SnippetViewSet):
    model = Staff
    icon = "user"
    menu_label = "Staff directory"
    list_display = ["display_name", "email", "department", "role", "location", "active"]
    list_filter = ["active", "department", "role", "location"]
    search_fields = ["display_name", "email", "employee_id"]
    search_backend_name = None
    list_per_page = 50
    list_export = ["employee_id", "display_name", "email", "department", "role", "location"]
    list_export += ["manager", "start_date", "active"]
    index_view_class = SafeExportIndexView
    chooser_viewset_class = searchable_chooser(search_fields)  # choosing a manager


class DepartmentViewSet(SnippetViewSet):
    model = Department
    icon = "folder-open-inverse"
    list_display = ["name", "parent"]
    search_fields = ["name"]
    search_backend_name = None


class RoleViewSet(SnippetViewSet):
    model = Role
    icon = "tag"
    list_display = ["name", "target_tier"]
    search_fields = ["name"]
    search_backend_name = None


class LocationViewSet(SnippetViewSet):
    model = Location
    icon = "site"
    list_display = ["name"]
    search_fields = ["name"]
    search_backend_name = None


class ProgrammeGroup(SnippetViewSetGroup):
    menu_label = "Programme"
    menu_icon = "group"
    menu_order = 150
    items = (TierViewSet, StaffViewSet, DepartmentViewSet, RoleViewSet, LocationViewSet)


register_snippet(ProgrammeGroup)


def _recompute_if_tiers_changed(instances):
    if any(isinstance(instance, Tier) for instance in instances):
        tiers_changed()


@hooks.register("after_create_snippet")
def recompute_after_tier_created(request, instance):
    _recompute_if_tiers_changed([instance])


@hooks.register("after_edit_snippet")
def recompute_after_tier_edited(request, instance):
    _recompute_if_tiers_changed([instance])


@hooks.register("after_edit_snippet")
def access_follows_staff_edit(request, instance):
    if isinstance(instance, Staff):
        accounts_follow_directory(staff_ids=[instance.pk])


@hooks.register("after_delete_snippet")
def recompute_after_tier_deleted(request, instances):
    _recompute_if_tiers_changed(instances)


@hooks.register("construct_homepage_panels")
def todo_panel_first(request, panels):
    if can_run_programme(request.user):
        panels.insert(0, TodoPanel(request.user))
