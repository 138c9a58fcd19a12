"""Demo office hours: two weekly series in different time zones, past sessions with attendance
and no-shows, and coming ones, one of them full with a waitlist. Idempotent."""

import random
from datetime import time, timedelta

from django.utils import timezone

from portal.demo import demo_people

from . import services
from .models import Booking, Occurrence, Series

SERIES = [
    {
        "title": "Community office hours (Europe)",
        "description": "Bring a thread you are unsure about, or ask how to start. Hosted by the "
        "community team with a champion.",
        "weekday": Series.Weekday.WEDNESDAY,
        "start_time": time(14, 0),
        "time_zone": "Europe/London",
        "capacity": 8,
        "location": "https://meet.example.com/office-hours-emea",
    },
    {
        "title": "Community office hours (Americas)",
        "description": "The same open session for the Americas: real questions, live answers.",
        "weekday": Series.Weekday.THURSDAY,
        "start_time": time(11, 0),
        "time_zone": "America/New_York",
        "capacity": 4,
        "location": "https://meet.example.com/office-hours-amer",
        "prerequisite_kind": "",
    },
]
TOPICS = [
    "How do I answer a pricing question without promising anything?",
    "A customer posted their licence key in a thread",
    "When should I hand a thread over to support?",
    "",
    "How do champions get nominated?",
]


def demo_seed(*, users: dict, rng: random.Random) -> bool:
    if Series.objects.exists():
        return False
    host = users.get("editor")
    people = list(users.values()) + demo_people("attendee", 10)
    now = timezone.now()
    for spec in SERIES:
        series = Series.objects.create(**spec)
        if host is not None:
            series.hosts.add(host)
        services.occurrences_schedule(series=series, now=now)
        # past sessions are attended by the synthetic people only, so the demo accounts' tier
        # stories (issue 3's seed) stay as they are
        _past_sessions(series, people[len(users) :], rng)
    _upcoming_bookings(people, users, rng, now)
    return True


def _past_sessions(series, people, rng) -> None:
    """Four past weeks, booked, with attendance marked and a no-show or two."""
    first = series.occurrences.order_by("starts_at").first()
    for week in range(1, 5):
        starts = first.starts_at - timedelta(weeks=week)
        occurrence = Occurrence.objects.create(
            series=series,
            starts_at=starts,
            ends_at=starts + timedelta(minutes=series.duration_minutes),
            capacity=series.capacity,
            location=series.location,
            recording_url="https://video.example.com/office-hours/" + starts.strftime("%Y-%m-%d"),
        )
        booked_at = starts - timedelta(days=3)
        for person in rng.sample(people, min(len(people), series.capacity)):
            booking = services.booking_create(
                occurrence=occurrence, user=person, topic=rng.choice(TOPICS), now=booked_at
            )
            if booking.status == Booking.Status.CONFIRMED:
                services.attendance_mark(booking=booking, attended=rng.random() > 0.2)


def _upcoming_bookings(people, users, rng, now) -> None:
    """The Americas' next session is full with a waitlist; the demo staff member has a seat in
    Europe's next one."""
    americas = Occurrence.objects.filter(
        series__title__endswith="(Americas)", starts_at__gt=now
    ).first()
    europe = Occurrence.objects.filter(
        series__title__endswith="(Europe)", starts_at__gt=now
    ).first()
    others = [p for p in people if p.username not in ("staff",)]
    for person in others[: americas.capacity + 2]:
        services.booking_create(occurrence=americas, user=person, topic=rng.choice(TOPICS), now=now)
    if "staff" in users:
        services.booking_create(
            occurrence=europe, user=users["staff"], topic="How do I get the staff badge?", now=now
        )
