"""Reads for office hours, each a fixed number of queries whatever the number of sessions."""

import zoneinfo
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from portal.models import Staff, TierAttainment

from .models import ACTIVE, Booking, Occurrence

UPCOMING_WEEKS = 6
UPCOMING_MAX = 60
# Zones offered for showing times; the series' own zones are added to these.
COMMON_ZONES = [
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Sydney",
    "UTC",
]


def viewer_zone(request) -> zoneinfo.ZoneInfo:
    """The reader's zone, activated for the request by `portal.accounts.zones`."""
    return timezone.get_current_timezone()


@dataclass
class SessionCard:
    occurrence: Occurrence
    starts: datetime  # in the viewer's zone
    ends: datetime
    booking: Booking | None
    position: int | None  # place on the waitlist, 1 = next

    @property
    def seats_left(self) -> int:
        return self.occurrence.seats_left


def sessions_upcoming(*, user, zone, now: datetime | None = None) -> list[SessionCard]:
    """Scheduled sessions of the next weeks, with this person's booking. Three queries."""
    now = now or timezone.now()
    occurrences = list(
        Occurrence.objects.filter(
            status=Occurrence.Status.SCHEDULED,
            starts_at__gt=now,
            starts_at__lte=now + timedelta(weeks=UPCOMING_WEEKS),
        )
        .select_related("series")
        .order_by("starts_at", "pk")[:UPCOMING_MAX]
    )
    return _cards(occurrences, user, zone)


def sessions_to_host(*, user, organiser: bool, now: datetime | None = None) -> list[Occurrence]:
    """Recent and coming sessions this person hosts (all of them, for organisers). One query."""
    now = now or timezone.now()
    occurrences = Occurrence.objects.filter(
        starts_at__gte=now - timedelta(days=14), starts_at__lte=now + timedelta(days=7)
    )
    if not organiser:
        occurrences = occurrences.filter(series__hosts=user)
    occurrences = occurrences.annotate(
        n_attended=Count("bookings", filter=Q(bookings__attended=True)),
        n_no_show=Count("bookings", filter=Q(bookings__attended=False)),
    )
    return list(occurrences.select_related("series").order_by("starts_at", "pk")[:UPCOMING_MAX])


def session_card(*, occurrence: Occurrence, user, zone) -> SessionCard:
    return _cards([occurrence], user, zone)[0]


def bookings_for_feed(*, user, now: datetime | None = None) -> list[Booking]:
    """A person's bookings from the last 30 days on, for their calendar feed. One query."""
    now = now or timezone.now()
    return list(
        Booking.objects.filter(user=user, occurrence__starts_at__gte=now - timedelta(days=30))
        .select_related("occurrence__series")
        .order_by("occurrence__starts_at")
    )


@dataclass
class Attendee:
    booking: Booking
    name: str
    tier: str


def session_attendees(*, occurrence: Occurrence) -> list[Attendee]:
    """Who holds a seat, with their topic and current tier, for the host. Three queries."""
    bookings = list(
        Booking.objects.filter(occurrence=occurrence, status=Booking.Status.CONFIRMED)
        .select_related("user")
        .order_by("queued_at", "pk")
    )
    staff = {
        s.user_id: s
        for s in Staff.objects.filter(user__in=[b.user_id for b in bookings]).only(
            "pk", "user_id", "display_name"
        )
    }
    now = timezone.now()
    held = {}
    for attainment in (
        TierAttainment.objects.filter(staff__in=staff.values(), reached_at__lte=now)
        .filter(Q(lapsed_at__isnull=True) | Q(lapsed_at__gt=now))
        .select_related("tier")
        .order_by("tier__order")
    ):
        held[attainment.staff_id] = attainment.tier.name  # the highest, by order
    result = []
    for booking in bookings:
        person = staff.get(booking.user_id)
        name = person.display_name if person else booking.user.get_full_name()
        tier = held.get(person.pk, "none yet") if person else "not in the directory"
        result.append(Attendee(booking, name or booking.user.get_username(), tier))
    return result


def no_show_counts(*, occurrence: Occurrence) -> dict[str, int]:
    counts = Booking.objects.filter(
        occurrence=occurrence, status=Booking.Status.CONFIRMED
    ).aggregate(
        n_attended=Count("pk", filter=Q(attended=True)),
        n_no_show=Count("pk", filter=Q(attended=False)),
        n_unmarked=Count("pk", filter=Q(attended__isnull=True)),
    )
    return counts


def _cards(occurrences: list[Occurrence], user, zone) -> list[SessionCard]:
    mine = {
        b.occurrence_id: b
        for b in Booking.objects.filter(user=user, occurrence__in=occurrences, status__in=ACTIVE)
    }
    waiting_on = [o for o, b in mine.items() if b.status == Booking.Status.WAITLISTED]
    positions: dict[int, int] = {}
    if waiting_on:
        queue = Booking.objects.filter(
            occurrence__in=waiting_on, status=Booking.Status.WAITLISTED
        ).order_by("occurrence_id", "queued_at", "pk")
        place: dict[int, int] = {}
        for occurrence_id, booking_id in queue.values_list("occurrence_id", "pk"):
            place[occurrence_id] = place.get(occurrence_id, 0) + 1
            if mine[occurrence_id].pk == booking_id:
                positions[occurrence_id] = place[occurrence_id]
    cards = []
    for occurrence in occurrences:
        cards.append(
            SessionCard(
                occurrence=occurrence,
                starts=occurrence.starts_at.astimezone(zone),
                ends=occurrence.ends_at.astimezone(zone),
                booking=mine.get(occurrence.pk),
                position=positions.get(occurrence.pk),
            )
        )
    return cards
