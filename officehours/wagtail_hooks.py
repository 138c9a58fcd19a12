"""Office hours in the Wagtail admin: the weekly series, for people who run the programme.

Saving a series schedules its sessions for the weeks ahead, and editing it changes all its
future sessions. One session alone (its time, place, seats, or its cancellation), attendance
and the recording are handled on the session's host page, through the services, so a seat count
is never edited by hand.
"""

from django.contrib import messages
from django.utils import timezone
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Occurrence, Series
from .services import BookingError, occurrence_edit, occurrences_schedule


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
def series_created(request, instance):
    if isinstance(instance, Series) and instance.active:
        occurrences_schedule(series=instance)


@hooks.register("after_edit_snippet")
def series_edited(request, instance):
    """Editing the series changes all its future sessions (time of day, length, place, seats);
    one session alone is changed from its own page. A new weekday applies to weeks not yet
    scheduled."""
    if not isinstance(instance, Series):
        return
    upcoming = (
        instance.occurrences.filter(
            status=Occurrence.Status.SCHEDULED, starts_at__gt=timezone.now()
        )
        .order_by("starts_at")
        .first()
    )
    if upcoming is not None:
        try:
            occurrence_edit(
                occurrence=upcoming,
                start_time=instance.start_time,
                duration_minutes=instance.duration_minutes,
                location=instance.location,
                capacity=instance.capacity,
                future=True,
            )
        except BookingError as error:
            messages.error(
                request, f"{error} The series is saved; its scheduled sessions are unchanged."
            )
    if instance.active:
        occurrences_schedule(series=instance)
