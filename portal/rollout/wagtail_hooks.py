"""The rollout's place in the Wagtail admin: the waves' URLs and a menu item.

Wagtail loads only top-level `wagtail_hooks` modules, so `portal/wagtail_hooks.py` imports this.
The menu item shows only to people who run the programme; the views check again for themselves.
"""

from django.urls import path, reverse
from wagtail import hooks

from ..admin_menu import PermittedMenuItem
from ..permissions import can_run_programme
from . import admin_views


@hooks.register("register_admin_urls")
def register_rollout_urls():
    return [
        path("rollout/", admin_views.wave_list, name="rollout_wave_list"),
        path("rollout/add/", admin_views.wave_create, name="rollout_wave_create"),
        path("rollout/<int:pk>/", admin_views.wave_detail, name="rollout_wave_detail"),
        path("rollout/<int:pk>/edit/", admin_views.wave_edit, name="rollout_wave_edit"),
        path(
            "rollout/<int:pk>/add-by-rules/",
            admin_views.wave_add_by_rules,
            name="rollout_wave_add_by_rules",
        ),
        path(
            "rollout/<int:pk>/add-from-list/",
            admin_views.wave_add_from_list,
            name="rollout_wave_add_from_list",
        ),
        path(
            "rollout/<int:pk>/add-member/",
            admin_views.wave_add_member,
            name="rollout_wave_add_member",
        ),
        path("rollout/<int:pk>/start/", admin_views.wave_start_confirm, name="rollout_wave_start"),
    ]


@hooks.register("register_admin_menu_item")
def register_rollout_menu_item():
    return PermittedMenuItem(
        "Rollout waves",
        reverse("rollout_wave_list"),
        allowed=can_run_programme,
        name="rollout-waves",
        icon_name="group",
        order=905,
    )
