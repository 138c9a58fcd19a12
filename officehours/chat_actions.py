"""What the office-hours buttons in a Slack message do in place ("Book this session")."""

from notifications.actions import ActionError

from . import services
from .models import Booking, Occurrence


def book(user, argument: str) -> str:
    """Take a seat (or a waitlist place) at the occurrence `argument`, as the page would."""
    occurrence = Occurrence.objects.filter(pk=int(argument) if argument.isdigit() else 0).first()
    if occurrence is None:
        raise ActionError("This session no longer exists; see Office hours in the portal.")
    try:
        booking = services.booking_create(occurrence=occurrence, user=user)
    except services.BookingError as refusal:
        raise ActionError(str(refusal)) from None
    if booking.status == Booking.Status.CONFIRMED:
        return (
            f"Booked: you have a seat at {occurrence.series.title}. The invitation is on its way."
        )
    return f"{occurrence.series.title} is full: you are on the waitlist and hear if a seat frees."
