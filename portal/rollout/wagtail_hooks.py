"""The rollout's place in the Wagtail admin: the waves (a viewset: list, add, edit, with its
menu item), the choosers of a rule's fields, and the URLs of one wave's page and actions.

Wagtail loads only top-level `wagtail_hooks` modules, so `portal/wagtail_hooks.py` imports this.
The menu item shows only to people who run the programme; the views check again for themselves.
"""

from django.urls import path
from wagtail import hooks

from . import admin_choosers, admin_views


@hooks.register("register_admin_urls")
def register_rollout_urls():
    return [
        path("rollout/<int:pk>/", admin_views.wave_detail, name="rollout_wave_detail"),
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
        path(
            "rollout/<int:pk>/move-member/",
            admin_views.wave_move_member,
            name="rollout_wave_move_member",
        ),
        path("rollout/<int:pk>/start/", admin_views.wave_start_confirm, name="rollout_wave_start"),
    ]


@hooks.register("register_admin_viewset")
def register_wave_viewset():
    return admin_views.WaveViewSet("rollout")


@hooks.register("register_admin_viewset")
def register_rule_choosers():
    return list(admin_choosers.CHOOSERS)
