"""The office-hours section of the adoption report: do people in view come, and is there room?

Leaders read it to see whether office hours are used (people booking and turning up), whether
the seats booked are wasted (no-shows) and whether sessions are too small (people who had to
queue). Every number is about the bookings of the people in view, for sessions that started
in the period, and all of them are withheld when fewer than 5 people booked.

Two queries: whether there are sessions at all (no section before the app is used), and one
conditional aggregate over the bookings.
"""

from datetime import datetime

from django.db.models import Count, F, Q, QuerySet

from portal.people.models import Staff
from portal.reports.tables import (
    COUNT,
    PERCENT,
    SUPPRESSED,
    TEXT,
    Cell,
    Column,
    Table,
    count,
    min_group,
    share,
)

from .models import Booking, Occurrence

# A booking waited when it did not get a seat on arrival: still on the waitlist, or given a
# seat later (`booking_create` sets confirmed_at == queued_at for a seat taken at once; a
# promotion from the waitlist sets confirmed_at to the moment a seat came free).
WAITED = Q(status=Booking.Status.WAITLISTED) | Q(confirmed_at__gt=F("queued_at"))


def office_hours_table(
    *, people: QuerySet[Staff], since: datetime, now: datetime, whole_organisation: bool
) -> Table | None:
    """Bookings by the people in view for sessions that started in [since, now); None while
    the portal has no office-hour sessions at all."""
    if not Occurrence.objects.exists():
        return None
    numbers = (
        Booking.objects.filter(
            user__staff__in=people,
            occurrence__starts_at__gte=since,
            occurrence__starts_at__lt=now,
        )
        .exclude(status=Booking.Status.CANCELLED)
        .aggregate(
            people=Count("user", distinct=True),
            attendees=Count("user", distinct=True, filter=Q(attended=True)),
            bookings=Count("pk"),
            came=Count("pk", filter=Q(attended=True)),
            no_shows=Count("pk", filter=Q(attended=False)),
            waited=Count("pk", filter=WAITED),
        )
    )
    n = numbers["people"]

    def of_people(value: int) -> Cell:
        return count(value, n)

    def rate(part: int, whole: int) -> Cell:
        return SUPPRESSED if n < min_group() else share(part, whole)

    marked = numbers["came"] + numbers["no_shows"]
    no_show_rate = rate(numbers["no_shows"], marked)
    rows = [
        ["People who booked", of_people(n), None],
        ["People who attended", of_people(numbers["attendees"]), None],
        ["Bookings", of_people(numbers["bookings"]), None],
        ["Attended", of_people(numbers["came"]), None],
        ["No-shows", of_people(numbers["no_shows"]), no_show_rate],
        [
            "Waited on the waitlist",
            of_people(numbers["waited"]),
            rate(numbers["waited"], numbers["bookings"]),
        ],
    ]
    return Table(
        key="office_hours",
        title="Office hours",
        columns=[Column("Measure", TEXT), Column("Number", COUNT), Column("Share", PERCENT)],
        rows=rows,
        summary=_summary(n, numbers["attendees"], no_show_rate),
        note=(
            "Bookings by the people in this view for sessions that started in the period; "
            "cancelled bookings are left out. The no-show share is of the bookings whose "
            "attendance the host marked. A booking waited when there was no seat on arrival: "
            "it is still on the waitlist, or a seat came free later; its share is of all "
            f"bookings (the waitlist pressure). Nothing is shown when fewer than {min_group()} "
            f"people booked, and a share of fewer than {min_group()} bookings is withheld."
        ),
    )


def _summary(people: int, attendees: int, no_show_rate: Cell) -> str:
    if people < min_group():
        return (
            f"Fewer than {min_group()} people in this view booked office hours in this period, "
            "so the numbers are withheld."
        )
    who = "1 person" if attendees == 1 else f"{attendees:,} people"
    sentence = f"{who} attended office hours in this period"
    if isinstance(no_show_rate, float):
        sentence += f"; {no_show_rate * 100:.0f} % of marked bookings were no-shows"
    return sentence + "."
