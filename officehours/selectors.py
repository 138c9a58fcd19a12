"""Reads for office hours, each a fixed number of queries whatever the number of sessions."""

import zoneinfo
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count, Prefetch, Q, Value
from django.db.models.functions import Coalesce, Concat, ExtractHour, Lower, NullIf
from django.utils import timezone
from django.utils.formats import date_format

from portal.models import Staff, TierAttainment

from .models import ACTIVE, Booking, Occurrence, Series

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


# Parts of the day in the reader's zone, as [from, to) hours: every hour is in exactly one.
PARTS_OF_DAY = {"morning": (0, 12), "afternoon": (12, 17), "evening": (17, 24)}
RECENT = timedelta(days=14)  # cancelled or past bookings offered again ("rebook")
HOSTED_SINCE = timedelta(days=14)  # how far back the hosts' list (and their to-do) looks


@dataclass(frozen=True)
class Host:
    name: str
    initials: str
    photo_url: str  # the Wagtail profile picture, if they uploaded one


@dataclass
class SessionCard:
    occurrence: Occurrence
    starts: datetime  # in the viewer's zone
    ends: datetime
    booking: Booking | None
    position: int | None  # place on the waitlist, 1 = next
    hosts: list[Host] = field(default_factory=list)

    @property
    def seats_left(self) -> int:
        return self.occurrence.seats_left


@dataclass
class Week:
    label: str  # "This week", "Next week", "Week of 14 December"
    monday: date
    cards: list[SessionCard]


@dataclass
class YourBooking:
    booking: Booking
    starts: datetime
    ends: datetime
    position: int | None
    rebook: Occurrence | None  # the next session of the same series, for a cancelled/past one

    @property
    def upcoming(self) -> bool:
        return self.booking.status in ACTIVE and self.starts > timezone.now()

    @property
    def session_cancelled(self) -> bool:
        return self.booking.occurrence.status == Occurrence.Status.CANCELLED


@dataclass
class SessionsPage:
    weeks: list[Week]
    bookings: list[YourBooking]
    hosting: list[Occurrence]

    @property
    def count(self) -> int:
        return sum(len(week.cards) for week in self.weeks)


def series_offered() -> list[Series]:
    """The active series, for the filter and the zone chooser. One query."""
    return list(Series.objects.filter(active=True).only("pk", "title", "time_zone"))


def sessions_page(
    *,
    user,
    zone,
    organiser: bool,
    series_id: int | None = None,
    part: str | None = None,
    now: datetime | None = None,
) -> SessionsPage:
    """Everything Office hours shows one person: their bookings, the coming sessions by week
    (of one series, or one part of the day in the reader's zone, if asked), and what they host.

    A fixed number of queries whatever the number of sessions: the sessions, their hosts, the
    person's bookings, the sessions they host, and only when needed their waitlist places and
    the next session of series they could book again.
    """
    now = now or timezone.now()
    occurrences = _upcoming(now=now, zone=zone, series_id=series_id, part=part)
    bookings, mine, positions = _bookings_recent(user=user, now=now)
    cards = [_card(o, mine.get(o.pk), positions, zone) for o in occurrences]
    return SessionsPage(
        weeks=_weeks(cards, zone=zone, now=now),
        bookings=_your_bookings(bookings, mine=mine, positions=positions, zone=zone, now=now),
        hosting=sessions_to_host(user=user, organiser=organiser, now=now),
    )


def your_bookings(
    *, user, zone, keep: int | None = None, now: datetime | None = None
) -> list[YourBooking]:
    """The person's coming bookings and recent ones to book again (and booking `keep`, just
    changed, whatever it is now). One to three queries."""
    now = now or timezone.now()
    bookings, mine, positions = _bookings_recent(user=user, now=now)
    return _your_bookings(bookings, mine=mine, positions=positions, zone=zone, now=now, keep=keep)


def sessions_upcoming(*, user, zone, now: datetime | None = None) -> list[SessionCard]:
    """Scheduled sessions of the next weeks, with this person's booking. Four queries."""
    now = now or timezone.now()
    occurrences = _upcoming(now=now, zone=zone)
    return _cards(occurrences, user, zone)


def my_path_bookings(user) -> dict | None:
    """The "Your office hours" panel on My path: the coming bookings, or nothing. One query,
    two when the person is on a waitlist."""
    now = timezone.now()
    bookings = list(
        Booking.objects.filter(
            user=user,
            status__in=ACTIVE,
            occurrence__status=Occurrence.Status.SCHEDULED,
            occurrence__starts_at__gt=now,
        )
        .select_related("occurrence__series")
        .order_by("occurrence__starts_at", "pk")[:5]
    )
    if not bookings:
        return None
    positions = _positions(bookings)
    return {
        "bookings": [
            YourBooking(
                booking=b,
                starts=b.occurrence.starts_at,
                ends=b.occurrence.ends_at,
                position=positions.get(b.occurrence_id),
                rebook=None,
            )
            for b in bookings
        ]
    }


def hosts_of(*, series: Series) -> list[Host]:
    """The hosts of one series, named as the directory names them. One query."""
    return _hosts(_hosts_queryset().filter(hosted_series=series))


def sessions_to_host(*, user, organiser: bool, now: datetime | None = None) -> list[Occurrence]:
    """Recent and coming sessions this person hosts (all of them, for organisers). One query."""
    now = now or timezone.now()
    occurrences = Occurrence.objects.filter(
        starts_at__gte=now - HOSTED_SINCE, starts_at__lte=now + timedelta(days=7)
    )
    if not organiser:
        occurrences = occurrences.filter(series__hosts=user)
    occurrences = occurrences.annotate(
        n_attended=Count("bookings", filter=Q(bookings__attended=True)),
        n_no_show=Count("bookings", filter=Q(bookings__attended=False)),
    )
    return list(occurrences.select_related("series").order_by("starts_at", "pk")[:UPCOMING_MAX])


def sessions_unmarked_count(user, now: datetime | None = None) -> int:
    """Sessions of the last 14 days (those the host list shows) that have ended with a seat
    whose attendance nobody has marked: the organisers' to-do. One query."""
    now = now or timezone.now()
    return (
        Occurrence.objects.filter(
            starts_at__gte=now - HOSTED_SINCE,
            ends_at__lte=now,
            bookings__status=Booking.Status.CONFIRMED,
            bookings__attended__isnull=True,
        )
        .exclude(status=Occurrence.Status.CANCELLED)
        .values("pk")
        .distinct()
        .count()
    )


def session_card(*, occurrence_id: int, user, zone) -> SessionCard:
    """One session as the list shows it, whatever its state. Three or four queries."""
    occurrence = (
        Occurrence.objects.select_related("series")
        .prefetch_related(Prefetch("series__hosts", queryset=_hosts_queryset()))
        .get(pk=occurrence_id)
    )
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


def _upcoming(*, now: datetime, zone, series_id: int | None = None, part: str | None = None):
    """The coming scheduled sessions (with their series and hosts): two queries."""
    occurrences = Occurrence.objects.filter(
        status=Occurrence.Status.SCHEDULED,
        starts_at__gt=now,
        starts_at__lte=now + timedelta(weeks=UPCOMING_WEEKS),
    )
    if series_id is not None:
        occurrences = occurrences.filter(series_id=series_id)
    if part is not None:
        first, last = PARTS_OF_DAY[part]
        occurrences = occurrences.annotate(local_hour=ExtractHour("starts_at", tzinfo=zone)).filter(
            local_hour__gte=first, local_hour__lt=last
        )
    return list(
        occurrences.select_related("series")
        .prefetch_related(Prefetch("series__hosts", queryset=_hosts_queryset()))
        .order_by("starts_at", "pk")[:UPCOMING_MAX]
    )


def _hosts_queryset():
    return get_user_model().objects.select_related("staff", "wagtail_userprofile").order_by("pk")


HOST_SEARCH_FIELDS = ["staff__display_name", "first_name", "last_name", "email", "staff__email"]


def host_candidates(*, keep=()):
    """Who may host a series: any active account (the rule since series had hosts), and the
    series' current hosts (`keep`, ids) even if they have left, so saving does not drop them
    unasked. Ordered by the name people know them by."""
    users = get_user_model().objects.select_related("staff")
    users = users.filter(Q(is_active=True) | Q(pk__in=list(keep)))
    return users.annotate(
        sort_name=Coalesce(
            NullIf("staff__display_name", Value("")),
            NullIf(Concat("first_name", Value(" "), "last_name"), Value(" ")),
            "username",
        )
    ).order_by(Lower("sort_name"), "pk")


def host_name(user) -> str:
    """A host as the directory names them, else by their account's name, else username."""
    person = getattr(user, "staff", None)  # select_related: None when not in the directory
    return (person.display_name if person else "") or user.get_full_name() or user.username


def _hosts(users) -> list[Host]:
    return sorted((_host(user) for user in users), key=lambda host: host.name.lower())


def _host(user) -> Host:
    name = host_name(user)
    words = name.split()
    initials = (words[0][0] + (words[-1][0] if len(words) > 1 else "")).upper() if words else "?"
    profile = getattr(user, "wagtail_userprofile", None)
    photo = profile.avatar.url if profile is not None and profile.avatar else ""
    return Host(name=name, initials=initials, photo_url=photo)


def _bookings_recent(*, user, now: datetime):
    """The person's bookings from two weeks ago on (one query); those that hold a seat or a
    place in a coming session, by occurrence; and their places in line (one more, if any)."""
    bookings = list(
        Booking.objects.filter(user=user, occurrence__starts_at__gt=now - RECENT)
        .select_related("occurrence__series")
        .order_by("occurrence__starts_at", "pk")
    )
    mine = {
        b.occurrence_id: b
        for b in bookings
        if b.status in ACTIVE and b.occurrence.starts_at > now  # cancelled ones stay bookable
    }
    return bookings, mine, _positions(list(mine.values()))


def _positions(bookings: list[Booking]) -> dict[int, int]:
    """Place in line (1 = next) of each waitlisted booking, by occurrence. One query, if any."""
    waiting = {b.occurrence_id: b.pk for b in bookings if b.status == Booking.Status.WAITLISTED}
    if not waiting:
        return {}
    queue = Booking.objects.filter(
        occurrence__in=list(waiting), status=Booking.Status.WAITLISTED
    ).order_by("occurrence_id", "queued_at", "pk")
    place: dict[int, int] = {}
    positions: dict[int, int] = {}
    for occurrence_id, booking_id in queue.values_list("occurrence_id", "pk"):
        place[occurrence_id] = place.get(occurrence_id, 0) + 1
        if waiting[occurrence_id] == booking_id:
            positions[occurrence_id] = place[occurrence_id]
    return positions


def _card(occurrence, booking, positions, zone) -> SessionCard:
    hosts = getattr(occurrence.series, "_prefetched_objects_cache", {}).get("hosts")
    if booking is not None:
        booking.occurrence = occurrence  # the calendar links read it: no query
    return SessionCard(
        occurrence=occurrence,
        starts=occurrence.starts_at.astimezone(zone),
        ends=occurrence.ends_at.astimezone(zone),
        booking=booking,
        position=positions.get(occurrence.pk),
        hosts=_hosts(hosts) if hosts is not None else [],
    )


def _cards(occurrences: list[Occurrence], user, zone) -> list[SessionCard]:
    mine = {
        b.occurrence_id: b
        for b in Booking.objects.filter(user=user, occurrence__in=occurrences, status__in=ACTIVE)
    }
    positions = _positions(list(mine.values()))
    return [_card(o, mine.get(o.pk), positions, zone) for o in occurrences]


def _weeks(cards: list[SessionCard], *, zone, now: datetime) -> list[Week]:
    """Cards grouped by the reader's week (Monday to Sunday in their zone)."""
    today = now.astimezone(zone).date()
    this_monday = today - timedelta(days=today.weekday())
    weeks: list[Week] = []
    for card in cards:
        day = card.starts.date()
        monday = day - timedelta(days=day.weekday())
        if not weeks or weeks[-1].monday != monday:
            if monday == this_monday:
                label = "This week"
            elif monday == this_monday + timedelta(weeks=1):
                label = "Next week"
            else:
                label = f"Week of {date_format(monday, 'j F')}"
            weeks.append(Week(label=label, monday=monday, cards=[]))
        weeks[-1].cards.append(card)
    return weeks


def _your_bookings(bookings, *, mine, positions, zone, now, keep=None) -> list[YourBooking]:
    """The person's coming bookings, then recent ones they could book again (one per series,
    unless they already hold a coming one there), with the series' next session."""
    coming = [b for b in bookings if b.pk in {m.pk for m in mine.values()}]
    held = {b.occurrence.series_id for b in coming}
    recent: dict[int, Booking] = {}
    kept = [b for b in bookings if b.pk == keep and b not in coming]
    for booking in reversed(bookings):  # latest first
        series_id = booking.occurrence.series_id
        if booking in coming or series_id in held or series_id in recent:
            continue
        if booking.status == Booking.Status.CANCELLED or booking.occurrence.starts_at <= now:
            recent[series_id] = booking
    recent_list = kept + [b for b in recent.values() if b not in kept][: 3 - len(kept)]
    following: dict[int, Occurrence] = {}
    if recent_list:
        for occurrence in Occurrence.objects.filter(
            series_id__in=[b.occurrence.series_id for b in recent_list],
            status=Occurrence.Status.SCHEDULED,
            starts_at__gt=now,
        ).order_by("-starts_at"):
            following[occurrence.series_id] = occurrence  # the earliest is written last
    return [
        YourBooking(
            booking=b,
            starts=b.occurrence.starts_at.astimezone(zone),
            ends=b.occurrence.ends_at.astimezone(zone),
            position=positions.get(b.occurrence_id),
            rebook=following.get(b.occurrence.series_id) if b in recent_list else None,
        )
        for b in [*coming, *recent_list]
    ]
