"""iCalendar for office hours: one booking as an invitation (or its cancellation), and a
person's private subscription feed.

A booking's UID never changes, and its SEQUENCE grows with every change to the booking or to
the session (time, cancellation), so calendar apps update the same event instead of adding a
second one. Times are written in UTC; calendar apps show them in the reader's own zone.

For people who live in a web calendar, the same event is also offered as Google Calendar and
Outlook "add event" links; those cannot be updated afterwards, so the .ics stays the reference.
"""

from datetime import UTC, datetime
from urllib.parse import quote, urlencode

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

from .models import Booking

PRODID = "-//Community Advocacy Portal//Office hours//EN"
GOOGLE = "https://calendar.google.com/calendar/render"
OUTLOOK = "https://outlook.office.com/calendar/0/deeplink/compose"


def booking_uid(booking: Booking) -> str:
    host = settings.WAGTAILADMIN_BASE_URL.split("://", 1)[-1].split("/", 1)[0] or "portal"
    return f"office-hours-booking-{booking.pk}@{host}"


def booking_ics(booking: Booking) -> bytes:
    """The booking as a single event: REQUEST while it stands, CANCEL once it does not."""
    cancelled = booking.status == Booking.Status.CANCELLED
    calendar = _calendar(method="CANCEL" if cancelled else "REQUEST")
    calendar.add_component(_event(booking))
    return calendar.to_ical()


def google_calendar_url(booking: Booking) -> str:
    """Google Calendar's "add event" page, filled in; `dates` are UTC (`20270304T160000Z`)."""
    occurrence = booking.occurrence
    return _link(
        GOOGLE,
        {
            "action": "TEMPLATE",
            "text": occurrence.series.title,
            "dates": f"{_compact(occurrence.starts_at)}/{_compact(occurrence.ends_at)}",
            "details": _details(booking),
            "location": occurrence.location,
        },
    )


def outlook_calendar_url(booking: Booking) -> str:
    """Outlook on the web's new-event form, filled in; times are ISO 8601 in UTC."""
    occurrence = booking.occurrence
    return _link(
        OUTLOOK,
        {
            "subject": occurrence.series.title,
            "startdt": _iso(occurrence.starts_at),
            "enddt": _iso(occurrence.ends_at),
            "body": _details(booking),
            "location": occurrence.location,
        },
    )


def feed_ics(bookings: list[Booking]) -> bytes:
    """A person's subscription: their confirmed and waiting bookings, and recent cancellations."""
    calendar = _calendar(method="PUBLISH")
    calendar.add("x-wr-calname", "Office hours")
    for booking in bookings:
        calendar.add_component(_event(booking))
    return calendar.to_ical()


def _calendar(*, method: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    return calendar


def _link(base: str, params: dict[str, str]) -> str:
    # quote (%20), not quote_plus (+): Outlook shows a plus sign literally. `/` and `:` stay
    # readable; both are allowed in a query.
    return f"{base}?{urlencode(params, quote_via=quote, safe='/:')}"


def _compact(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _iso(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _details(booking: Booking) -> str:
    """What a web calendar's event says: the description, where to join, and where to cancel."""
    occurrence = booking.occurrence
    parts = [
        occurrence.series.description.strip(),
        f"Join at: {occurrence.location}",
        f"Your topic: {booking.topic}" if booking.topic else "",
        "Cannot come? Cancel in the portal so someone on the waitlist gets your seat: "
        + settings.WAGTAILADMIN_BASE_URL.rstrip("/")
        + reverse("officehours_sessions"),
    ]
    return "\n\n".join(part for part in parts if part)


def _event(booking: Booking) -> Event:
    occurrence = booking.occurrence
    series = occurrence.series
    event = Event()
    event.add("uid", booking_uid(booking))
    event.add("sequence", booking.sequence + occurrence.sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", occurrence.starts_at)
    event.add("dtend", occurrence.ends_at)
    event.add("summary", series.title)
    event.add("location", occurrence.location)
    description = series.description
    if booking.status == Booking.Status.WAITLISTED:
        description = "You are on the waitlist; you will be told if a seat comes free.\n\n" + (
            description
        )
    if booking.topic:
        description += f"\n\nYour topic: {booking.topic}"
    event.add("description", description.strip())
    cancelled = (
        booking.status == Booking.Status.CANCELLED
        or occurrence.status == occurrence.Status.CANCELLED
    )
    event.add(
        "status",
        "CANCELLED"
        if cancelled
        else ("TENTATIVE" if booking.status == Booking.Status.WAITLISTED else "CONFIRMED"),
    )
    return event
