"""The champion programme's screens in the Wagtail admin: the review list of unmatched
activity, and the score's weights (one row of settings).

The menu item shows only to people who run the programme; the views check again for themselves.
"""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from portal.admin_menu import PermittedMenuItem
from portal.permissions import can_run_programme

from . import admin_views
from .models import ScoreSettings


@hooks.register("register_admin_urls")
def register_champions_admin_urls():
    return [
        path(
            "champions/unmatched/",
            admin_views.unmatched_list,
            name="champions_admin_unmatched",
        ),
        path(
            "champions/unmatched/<int:pk>/",
            admin_views.unmatched_item,
            name="champions_admin_unmatched_item",
        ),
    ]


@hooks.register("register_admin_menu_item")
def register_unmatched_activity_menu_item():
    return PermittedMenuItem(
        "Unmatched activity",
        reverse("champions_admin_unmatched"),
        allowed=can_run_programme,
        name="unmatched-activity",
        icon_name="user",
        order=910,
    )


class ScoreSettingsViewSet(SnippetViewSet):
    """The weights and thresholds: one row, made when first read. Community managers may change
    it but not add another (a second row would be ignored)."""

    model = ScoreSettings
    icon = "cog"
    menu_label = "Champion score settings"
    menu_name = "champion_score_settings"
    menu_order = 920
    add_to_admin_menu = True
    list_display = ["__str__", "threshold", "top_percent", "staff_per_champion", "updated_at"]

    def get_queryset(self, request):
        return ScoreSettings.objects.filter(pk=ScoreSettings.current().pk)


register_snippet(ScoreSettingsViewSet)
