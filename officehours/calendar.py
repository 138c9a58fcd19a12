"""iCalendar for office hours: one booking as an invitation (or its cancellation), and a
person's private subscription feed.

A booking's UID never changes, and its SEQUENCE grows with every change to the booking or to
the session (time, cancellation), so calendar apps update the same event instead of adding a
second one. Times are written in UTC; calendar apps show them in the reader's own zone.
"""

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from .models import Booking

PRODID = "-//Community Advocacy Portal//Office hours//EN"


def booking_uid(booking: Booking) -> str:
    host = settings.WAGTAILADMIN_BASE_URL.split("://", 1)[-1].split("/", 1)[0] or "portal"
    return f"office-hours-booking-{booking.pk}@{host}"


def booking_ics(booking: Booking) -> bytes:
    """The booking as a single event: REQUEST while it stands, CANCEL once it does not."""
    cancelled = booking.status == Booking.Status.CANCELLED
    calendar = _calendar(method="CANCEL" if cancelled else "REQUEST")
    calendar.add_component(_event(booking))
    return calendar.to_ical()


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
