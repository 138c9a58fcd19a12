"""What office hours keep about a person (`portal.privacy.holdings`): bookings stay after an
erasure (attendance counts), without the topic the person typed; their calendar feed ends."""

from portal.privacy.holdings import Blank, Custom, Delete, Export, Holding, register

from .models import Booking, CalendarFeed, Series


def _hosting_end(rows, person) -> int:
    """An erased account hosts nothing: it leaves every series' hosts."""
    if person.user is None:
        return 0
    return Series.hosts.through.objects.filter(user=person.user).delete()[0]


register(
    Holding(
        Booking,
        links=("user",),
        export=Export(
            "office_hours_bookings",
            "Your bookings at office hours.",
            {
                "series": "occurrence__series__title",
                "starts": "occurrence__starts_at",
                "status": "status",
                "topic": "topic",
                "queued": "queued_at",
                "confirmed": "confirmed_at",
                "cancelled": "cancelled_at",
                "attended": "attended",
            },
            order_by=("queued_at", "pk"),
        ),
        erase=Blank({"topic": ""}),
    ),
    Holding(
        CalendarFeed,
        links=("user",),
        export=Export(
            "calendar_feed",
            "When you subscribed to your office-hours calendar.",
            {"created": "created_at"},
        ),
        erase=Delete(),
    ),
    Holding(
        Series,
        links=("hosts",),
        export=Export("office_hours_hosted", "Office-hour series you host.", {"series": "title"}),
        erase=Custom("they leave the hosts of every series", _hosting_end),
    ),
)
