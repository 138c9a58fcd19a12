"""Weekly office hours: a series, its concrete occurrences, the bookings on them, and the
reminders waiting to be sent.

Capacity is a database fact (DESIGN.md): an occurrence keeps its count of confirmed seats, a
check constraint keeps it within 0..capacity, seats are taken by a conditional update, and a
partial unique constraint allows one active booking per person per occurrence. Time is kept as
weekday + local time + IANA zone on the series, and as aware UTC instants on occurrences.
"""

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from portal.tiers import events


def time_zone_choices() -> list[tuple[str, str]]:
    """Every IANA zone, for the series' time zone select (a callable: no migration per tzdata)."""
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            f"“{value}” is not a time zone name; use one like Europe/Berlin or America/New_York."
        )


class Series(models.Model):
    """A weekly office hour: the same weekday and local time, in one time zone."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, "Monday"
        TUESDAY = 1, "Tuesday"
        WEDNESDAY = 2, "Wednesday"
        THURSDAY = 3, "Thursday"
        FRIDAY = 4, "Friday"
        SATURDAY = 5, "Saturday"
        SUNDAY = 6, "Sunday"

    title = models.CharField(max_length=120)
    description = models.TextField(blank=True, max_length=2000)
    hosts = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="hosted_series")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    start_time = models.TimeField(help_text="Local time in the series' time zone.")
    duration_minutes = models.PositiveSmallIntegerField(
        default=45, validators=[MinValueValidator(5)]
    )
    time_zone = models.CharField(
        max_length=64,
        default="Europe/London",
        choices=time_zone_choices,
        validators=[validate_time_zone],
        help_text="Where the hosts are: the session keeps its local time across clock changes.",
    )
    capacity = models.PositiveSmallIntegerField(default=10, validators=[MinValueValidator(1)])
    location = models.CharField(
        max_length=300, help_text="The meeting link, or the room, people join at."
    )
    prerequisite_kind = models.CharField(
        "prerequisite",
        max_length=64,
        blank=True,
        choices=events.kind_choices,
        help_text="A step people must have done before booking, if any.",
    )
    weeks_ahead = models.PositiveSmallIntegerField(
        default=6, validators=[MinValueValidator(1)], help_text="How far ahead to schedule."
    )
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name_plural = "series"
        ordering = ["weekday", "start_time", "pk"]

    def __str__(self):
        return self.title


class Occurrence(models.Model):
    """One session of a series, at a concrete instant, with its own capacity and seat count."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        CANCELLED = "cancelled", "Cancelled"

    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="occurrences")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    capacity = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    confirmed = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    location = models.CharField(max_length=300)
    recording_url = models.URLField(blank=True)
    sequence = models.PositiveIntegerField(default=0, help_text="iCalendar SEQUENCE")

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["series", "starts_at"], name="occurrence_once"),
            models.CheckConstraint(
                condition=Q(confirmed__lte=models.F("capacity")), name="occurrence_not_overbooked"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="occurrence_ends_after_start"
            ),
        ]
        indexes = [models.Index(fields=["status", "starts_at"], name="occurrence_upcoming")]

    def __str__(self):
        return f"{self.series} at {self.starts_at:%Y-%m-%d %H:%M} UTC"

    @property
    def seats_left(self) -> int:
        return max(0, self.capacity - self.confirmed)


ACTIVE = ("confirmed", "waitlisted")


class Booking(models.Model):
    """A person's seat, or place in the queue, for one occurrence."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", "Confirmed"
        WAITLISTED = "waitlisted", "On the waitlist"
        CANCELLED = "cancelled", "Cancelled"

    occurrence = models.ForeignKey(Occurrence, on_delete=models.CASCADE, related_name="bookings")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="office_hour_bookings"
    )
    status = models.CharField(max_length=10, choices=Status.choices)
    topic = models.CharField("what you want to discuss", max_length=300, blank=True)
    queued_at = models.DateTimeField(help_text="Arrival; the waitlist is served in this order.")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    attended = models.BooleanField(
        null=True, blank=True, help_text="Empty until the host marks it."
    )
    sequence = models.PositiveIntegerField(default=0, help_text="iCalendar SEQUENCE")

    class Meta:
        ordering = ["queued_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["occurrence", "user"],
                condition=Q(status__in=ACTIVE),
                name="booking_one_active_per_person",
            )
        ]
        indexes = [
            models.Index(fields=["occurrence", "status", "queued_at"], name="booking_queue"),
            models.Index(fields=["user", "status"], name="booking_user"),
        ]

    def __str__(self):
        return f"{self.user_id} {self.status} for {self.occurrence_id}"


class Reminder(models.Model):
    """One row per message a booking is owed, handed to the outbox once by the sweeper (which
    skips it if the booking or session changed)."""

    class Kind(models.TextChoices):
        CONFIRMED = "confirmed", "Seat confirmed"
        DAY_BEFORE = "24h", "24 hours before"
        HOUR_BEFORE = "1h", "1 hour before"
        PROMOTED = "promoted", "A seat came free"
        CANCELLED = "cancelled", "The session was cancelled"
        RECORDING = "recording", "The recording is up"
        WITHDRAWN = "withdrawn", "The person cancelled"

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    due_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    skipped = models.BooleanField(default=False, help_text="Not sent: the booking was cancelled.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["booking", "kind"], name="reminder_once_per_kind")
        ]
        indexes = [models.Index(fields=["sent_at", "due_at"], name="reminder_due")]

    def __str__(self):
        return f"{self.kind} for booking {self.booking_id}"


class CalendarFeed(models.Model):
    """A person's private calendar subscription: the token is the only key, and revocable."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="office_hours_feed"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"calendar feed of {self.user_id}"
