"""The audit log's place in the admin: its list (Settings, Audit log), and the hooks that
record admin edits of the models apps `track` (snippets, settings, accounts). Wagtail loads
only top-level `wagtail_hooks` modules, so `portal/wagtail_hooks.py` imports this."""

from wagtail import hooks

from . import changes
from .admin_views import audit_viewset


@hooks.register("register_admin_viewset")
def register_audit_viewset():
    return audit_viewset


# Before: the values as they are (on a POST only); after: what changed, in one entry.
for _kind in ("snippet", "setting", "user"):
    hooks.register(f"before_edit_{_kind}", changes.remember)
    hooks.register(f"after_edit_{_kind}", changes.edited)


@hooks.register("after_create_snippet")
@hooks.register("after_create_user")
def record_created(request, instance):
    changes.created(request, instance)


@hooks.register("before_delete_snippet")
def remember_deleted_snippets(request, instances):
    for instance in instances:
        changes.remember(request, instance)


@hooks.register("after_delete_snippet")
def record_deleted_snippets(request, instances):
    for instance in instances:
        changes.deleted(request, instance)


@hooks.register("before_delete_user")
def remember_deleted_user(request, user):
    changes.remember(request, user)


@hooks.register("after_delete_user")
def record_deleted_user(request, user):
    changes.deleted(request, user)


# The users list's bulk actions (assign a group, (de)activate, delete) have no hooks of their
# own; snippets' bulk deletion runs the snippet hooks above, so only accounts are taken here.
def _accounts(objects) -> bool:
    return bool(objects) and objects[0]._meta.label_lower == changes.USER


@hooks.register("before_bulk_action")
def remember_bulk(request, action_type, objects, action):
    if _accounts(objects):
        for instance in objects:
            changes.remember(request, instance)


@hooks.register("after_bulk_action")
def record_bulk(request, action_type, objects, action):
    if not _accounts(objects):
        return
    if action_type == "delete":
        for instance in objects:
            changes.deleted(request, instance)
        return
    # Some actions change the rows with an UPDATE and leave these instances as they were.
    model = type(objects[0])
    for instance in model.objects.filter(pk__in=[o.pk for o in objects]).order_by("pk"):
        changes.edited(request, instance)
