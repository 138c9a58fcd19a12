"""Office hours for staff (sessions, booking, calendars) and for hosts (attendance).

Function views: each parses the request, calls one service or selector, renders. Booking and
cancelling answer htmx with the changed part (a partial of the same template) and plain posts
with a redirect, so everything works without JavaScript too.
"""

from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.accounts import zones
from portal.permissions import can_run_programme

from . import calendar, selectors, services
from .forms import BookForm, RecordingForm, SessionEditForm, SessionFilterForm, ZoneForm
from .models import Booking, CalendarFeed, Occurrence, Series

TEMPLATE = "officehours/sessions.html"


@require_GET
def sessions(request):
    """Your bookings, then the coming sessions by week, filtered by series or time of day.

    htmx's filter requests get the list alone (the `session_list` partial); a filter value that
    is not offered answers 400 with the sentence and every session, never an error page."""
    zone = selectors.viewer_zone(request)
    offered = selectors.series_offered()
    filters = SessionFilterForm(request.GET or None, series=offered)
    filters.is_valid()
    page = selectors.sessions_page(
        user=request.user,
        zone=zone,
        organiser=can_run_programme(request.user),
        **filters.filters(),
    )
    chosen = filters.filters()
    context = {
        "page": page,
        "bookings": page.bookings,
        "filters": filters,
        "filtered": any(chosen.values()),
        "zone": zone.key,
    }
    status = 400 if filters.errors else 200
    if request.htmx and not request.htmx.history_restore_request:
        response = TemplateResponse(request, f"{TEMPLATE}#session_list", context, status=status)
    else:
        feed = CalendarFeed.objects.filter(user=request.user).first()
        zone_names = {s.time_zone for s in offered}
        context |= {
            "zone_form": ZoneForm(initial={"zone": zone.key}, zones=_zones(zone.key, zone_names)),
            "feed_url": request.build_absolute_uri(reverse("officehours_feed", args=[feed.token]))
            if feed
            else "",
        }
        response = TemplateResponse(request, TEMPLATE, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_POST
def zone_set(request):
    form = ZoneForm(request.POST, zones=_zones("", _series_zones()))
    if form.is_valid():
        zone = zones.time_zone_set(user=request.user, name=form.cleaned_data["zone"])
        request.session[zones.SESSION_KEY] = zone.key
        request.session.pop(zones.GUESSED_KEY, None)  # chosen: the browser's guess is over
    return redirect("officehours_sessions")


@require_POST
def session_book(request, pk: int):
    occurrence = get_object_or_404(Occurrence.objects.select_related("series"), pk=pk)
    form = BookForm(request.POST)
    error = error_url = notice = ""
    if form.is_valid():
        try:
            booking = services.booking_create(
                occurrence=occurrence, user=request.user, topic=form.cleaned_data["topic"]
            )
        except services.BookingError as exc:
            error, error_url = str(exc), exc.url
        else:
            notice = (
                "Booked: you have a seat. We are emailing you the invitation."
                if booking.status == Booking.Status.CONFIRMED
                else "The session is full, so you are on the waitlist. We will email you if a "
                "seat comes free."
            )
    else:
        error = " ".join(form.errors["topic"])
    return _after_change(request, occurrence, error=error, error_url=error_url, notice=notice)


@require_POST
def booking_cancel(request, pk: int):
    booking = _own_booking(request, pk)
    was = booking.status
    error = ""
    try:
        services.booking_cancel(booking=booking)
    except services.BookingError as exc:
        error = str(exc)
    notice = (
        "You have left the waitlist."
        if was == Booking.Status.WAITLISTED
        else "Your seat is cancelled. Thank you for letting someone else have it."
    )
    return _after_change(
        request,
        booking.occurrence,
        error=error,
        notice="" if error else notice,
        booking_pk=booking.pk if request.POST.get("from") == "bookings" else None,
    )


@require_GET
def booking_ics(request, pk: int):
    booking = _own_booking(request, pk)
    response = HttpResponse(
        calendar.booking_ics(booking), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="office-hours-{booking.pk}.ics"'
    return response


@require_GET
def feed(request, token: str):
    """A person's calendar subscription. Public by design (calendar apps have no session); the
    unguessable token is the key, and renewing it cuts off the old address."""
    subscription = CalendarFeed.objects.select_related("user").filter(token=token).first()
    if subscription is None or not subscription.user.is_active:
        raise Http404("No such calendar feed.")
    bookings = selectors.bookings_for_feed(user=subscription.user)
    return HttpResponse(calendar.feed_ics(bookings), content_type="text/calendar; charset=utf-8")


@require_POST
def feed_manage(request):
    if request.POST.get("action") == "revoke":
        services.calendar_feed_revoke(user=request.user)
        messages.success(request, "Your calendar feed address no longer works.")
    else:
        services.calendar_feed_renew(user=request.user)
        messages.success(
            request,
            "Your private calendar feed address is below. Any older address has stopped working.",
        )
    return redirect(reverse("officehours_sessions") + "#calendar")


@require_http_methods(["GET", "POST"])
def session_host(request, pk: int):
    """The host's page for one session: attendees with topic and tier, attendance, recording."""
    occurrence = get_object_or_404(Occurrence.objects.select_related("series"), pk=pk)
    if not _may_host(request.user, occurrence.series):
        raise Http404("No such session.")
    recording_form = RecordingForm(initial={"url": occurrence.recording_url})
    if request.method == "POST":
        try:
            recording_form = _host_action(request, occurrence)
        except services.BookingError as exc:
            messages.error(request, str(exc))
        if recording_form is None:
            return redirect("officehours_host", pk=occurrence.pk)
    zone = selectors.viewer_zone(request)
    return TemplateResponse(
        request,
        "officehours/host.html",
        {
            "occurrence": occurrence,
            "starts": occurrence.starts_at.astimezone(zone),
            "attendees": selectors.session_attendees(occurrence=occurrence),
            "counts": selectors.no_show_counts(occurrence=occurrence),
            "recording_form": recording_form,
            "organiser": can_run_programme(request.user),
            "edit_form": SessionEditForm(
                initial={
                    "start_time": occurrence.starts_at.astimezone(
                        ZoneInfo(occurrence.series.time_zone)
                    ).time(),
                    "duration_minutes": int(
                        (occurrence.ends_at - occurrence.starts_at).total_seconds() // 60
                    ),
                    "location": occurrence.location,
                    "capacity": occurrence.capacity,
                }
            ),
        },
        status=400 if recording_form.errors else 200,
    )


def _host_action(request, occurrence: Occurrence) -> RecordingForm | None:
    """Do what the host asked; the recording form back if it had errors, else None."""
    action = request.POST.get("action", "")
    if action in ("attended", "no_show", "topic"):
        booking = get_object_or_404(Booking, pk=request.POST.get("booking"), occurrence=occurrence)
        if action == "topic":
            services.topic_to_faq(booking=booking)
            messages.success(request, "The topic is in the FAQ guide's question queue.")
        else:
            services.attendance_mark(booking=booking, attended=action == "attended")
        return None
    if action in ("edit", "cancel") and not can_run_programme(request.user):
        raise Http404("No such action.")
    if action == "edit":
        form = SessionEditForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                messages.error(request, " ".join(errors))
            return None
        data = form.cleaned_data
        changed = services.occurrence_edit(
            occurrence=occurrence,
            start_time=data["start_time"],
            duration_minutes=data["duration_minutes"],
            location=data["location"],
            capacity=data["capacity"],
            future=data["scope"] == "future",
        )
        messages.success(request, f"Saved: {changed} session{'s' if changed != 1 else ''} changed.")
        return None
    if action == "cancel":
        told = services.occurrence_cancel(occurrence=occurrence)
        messages.success(request, f"Session cancelled; {told} people will be told.")
        return None
    if action == "recording":
        form = RecordingForm(request.POST)
        if not form.is_valid():
            return form
        told = services.recording_post(occurrence=occurrence, url=form.cleaned_data["url"])
        messages.success(request, f"Recording posted; {told} people will be told.")
    return None


def _after_change(request, occurrence, *, error="", error_url="", notice="", booking_pk=None):
    """After booking or cancelling: htmx gets the changed part with the outcome in it (the
    session's row, or "Your bookings" when the change was made there) and the other part
    out of band; a plain post goes back to the page, to the same place."""
    if request.htmx:
        zone = selectors.viewer_zone(request)
        card = selectors.session_card(occurrence_id=occurrence.pk, user=request.user, zone=zone)
        bookings = selectors.your_bookings(user=request.user, zone=zone, keep=booking_pk)
        context = {
            "card": card,
            "bookings": bookings,
            "error": error,
            "error_url": error_url,
            "notice": notice,
            "outcome_booking": booking_pk,
            "zone": zone.key,
        }
        name = "bookings_changed" if booking_pk else "row_changed"
        return TemplateResponse(request, f"{TEMPLATE}#{name}", context)
    if error:
        messages.error(request, error)
    elif notice:
        messages.success(request, notice)
    return redirect("officehours_sessions")  # the message is at the top, above your bookings


def _own_booking(request, pk: int) -> Booking:
    """A booking of the person asking; anyone else's is not found (never 'forbidden')."""
    return get_object_or_404(
        Booking.objects.select_related("occurrence__series"), pk=pk, user=request.user
    )


def _may_host(user, series: Series) -> bool:
    return can_run_programme(user) or series.hosts.filter(pk=user.pk).exists()


def _series_zones() -> set[str]:
    return set(Series.objects.filter(active=True).values_list("time_zone", flat=True))


def _zones(current: str, series_zones: set[str]) -> list[str]:
    return sorted({*selectors.COMMON_ZONES, *series_zones, *([current] if current else [])})
