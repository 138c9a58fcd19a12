"""The staff import screen's place in the Wagtail admin: its URLs and a menu item.

Wagtail loads only top-level `wagtail_hooks` modules, so `portal/wagtail_hooks.py` imports this.
The menu item shows only to people who run the programme; the views check again for themselves.
"""

from django.urls import path, reverse
from wagtail import hooks

from portal.admin_menu import PermittedMenuItem
from portal.permissions import can_run_programme

from . import views


@hooks.register("register_admin_urls")
def register_staff_import_urls():
    return [
        path("staff-import/", views.staff_import_upload, name="portal_staff_import"),
        path(
            "staff-import/confirm/",
            views.staff_import_confirm,
            name="portal_staff_import_confirm",
        ),
        path("staff-import/undo/", views.staff_import_undo, name="portal_staff_import_undo"),
    ]


@hooks.register("register_admin_menu_item")
def register_staff_import_menu_item():
    return PermittedMenuItem(
        "Staff import",
        reverse("portal_staff_import"),
        allowed=can_run_programme,
        name="staff-import",
        icon_name="group",
        order=900,
    )
