"""Office hours in the Wagtail admin: the weekly series, for people who run the programme.

Saving a series schedules its sessions for the weeks ahead, and editing it changes all its
future sessions. One session alone (its time, place, seats, or its cancellation), attendance
and the recording are handled on the session's host page, through the services, so a seat count
is never edited by hand.
"""

from django.contrib import messages
from wagtail import hooks
from wagtail.admin.panels import ObjectList, extract_panel_definitions_from_model_class
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .forms import SeriesAdminForm
from .hosts_chooser import URL_NAME, HostChooserViewSet
from .models import Series
from .services import series_saved


class SeriesViewSet(SnippetViewSet):
    model = Series
    icon = "date"
    menu_label = "Office hours"
    menu_order = 260
    add_to_admin_menu = True
    list_display = ["title", "weekday", "start_time", "time_zone", "capacity", "active"]
    list_filter = ["active", "weekday"]

    def get_edit_handler(self):
        """The model's fields as the snippet would show them, with hosts chosen by name."""
        panels = extract_panel_definitions_from_model_class(Series)
        return ObjectList(panels, base_form_class=SeriesAdminForm).bind_to_model(Series)


register_snippet(SeriesViewSet)


@hooks.register("register_admin_viewset")
def register_host_chooser():
    return HostChooserViewSet(URL_NAME, url_prefix="office-hours/hosts")


@hooks.register("after_create_snippet")
def series_created(request, instance):
    if isinstance(instance, Series):
        series_saved(series=instance, created=True)


@hooks.register("after_edit_snippet")
def series_edited(request, instance):
    if isinstance(instance, Series) and (warning := series_saved(series=instance)):
        messages.error(request, warning)
