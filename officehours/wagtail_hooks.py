"""Office hours in the Wagtail admin: the weekly series, for people who run the programme.

Saving a series schedules its sessions for the weeks ahead. One session's capacity, its
cancellation, attendance and recording are handled on the session's host page, through the
services, so a seat count is never edited by hand.
"""

from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Series
from .services import occurrences_schedule


class SeriesViewSet(SnippetViewSet):
    model = Series
    icon = "date"
    menu_label = "Office hours"
    menu_order = 260
    add_to_admin_menu = True
    list_display = ["title", "weekday", "start_time", "time_zone", "capacity", "active"]
    list_filter = ["active", "weekday"]


register_snippet(SeriesViewSet)


@hooks.register("after_create_snippet")
@hooks.register("after_edit_snippet")
def schedule_series(request, instance):
    if isinstance(instance, Series) and instance.active:
        occurrences_schedule(series=instance)
