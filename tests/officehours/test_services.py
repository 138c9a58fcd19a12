"""Office-hour writes: scheduling across time zones, seats and the waitlist, capacity changes,
cancellation, attendance feeding the tiers, and the reminder outbox sent exactly once."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from officehours import services
from officehours.factories import OccurrenceFactory, SeriesFactory
from officehours.models import Booking, Occurrence, Reminder
from portal.factories import StaffFactory, UserFactory
from portal.models import EngagementEvent, Tier, TierAttainment
from tests.outbox import delivered

pytestmark = pytest.mark.django_db


def _users(n):
    return [UserFactory() for _ in range(n)]


def test_weekly_sessions_keep_their_local_time_across_daylight_saving():
    series = SeriesFactory(
        weekday=6, start_time=time(10, 0), time_zone="Europe/Berlin", weeks_ahead=4
    )
    # Sundays 22 March, then 29 March (the spring change in Berlin, at 02:00), 5 and 12 April:
    # 10:00 local is 09:00 UTC in winter time and 08:00 UTC in summer time.
    made = services.occurrences_schedule(series=series, now=datetime(2026, 3, 16, tzinfo=UTC))
    starts = list(series.occurrences.values_list("starts_at", flat=True))
    assert made == 4
    assert [s.hour for s in starts] == [9, 8, 8, 8]
    assert services.occurrences_schedule(series=series, now=datetime(2026, 3, 16, tzinfo=UTC)) == 0


def test_a_local_time_in_the_spring_gap_moves_forward():
    series = SeriesFactory(
        weekday=6, start_time=time(2, 30), time_zone="Europe/Berlin", weeks_ahead=1
    )
    services.occurrences_schedule(series=series, now=datetime(2026, 3, 28, tzinfo=UTC))
    (starts,) = series.occurrences.values_list("starts_at", flat=True)
    assert starts == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)  # 03:30 summer time


def test_seats_then_waitlist_then_promotion_in_order():
    occurrence = OccurrenceFactory(capacity=2)
    first, second, third, fourth = _users(4)
    bookings = [
        services.booking_create(occurrence=occurrence, user=u)
        for u in (first, second, third, fourth)
    ]
    assert [b.status for b in bookings] == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    again = services.booking_create(occurrence=occurrence, user=third)
    assert again.pk == bookings[2].pk  # asking twice is one booking

    services.booking_cancel(booking=bookings[0])
    statuses = dict(Booking.objects.values_list("user_id", "status"))
    assert statuses[third.pk] == "confirmed" and statuses[fourth.pk] == "waitlisted"
    occurrence.refresh_from_db()
    assert occurrence.confirmed == 2
    assert Reminder.objects.filter(booking=bookings[2], kind="promoted").exists()

    # a waitlisted person leaving frees nothing
    services.booking_cancel(booking=bookings[3])
    occurrence.refresh_from_db()
    assert occurrence.confirmed == 2
    with pytest.raises(services.BookingError, match="already cancelled"):
        services.booking_cancel(booking=bookings[3])


def _capacity_edit(occurrence, capacity):
    """The organiser's edit of one session, changing only its capacity."""
    zone = ZoneInfo(occurrence.series.time_zone)
    services.occurrence_edit(
        occurrence=occurrence,
        start_time=occurrence.starts_at.astimezone(zone).time(),
        duration_minutes=int((occurrence.ends_at - occurrence.starts_at).total_seconds() // 60),
        location=occurrence.location,
        capacity=capacity,
        future=False,
    )


def test_capacity_never_drops_below_the_seats_taken():
    occurrence = OccurrenceFactory(capacity=3)
    for user in _users(4):
        services.booking_create(occurrence=occurrence, user=user)
    with pytest.raises(services.BookingError, match="would be fewer than are already taken"):
        _capacity_edit(occurrence, 2)
    assert Booking.objects.filter(status="confirmed").count() == 3
    _capacity_edit(occurrence, 5)
    assert Booking.objects.filter(status="confirmed").count() == 4  # the waiting one moved up


def test_cancelling_a_session_tells_everyone_once(django_capture_on_commit_callbacks):
    occurrence = OccurrenceFactory(capacity=1)
    users = _users(3)
    for user in users:
        services.booking_create(occurrence=occurrence, user=user)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.occurrence_cancel(occurrence=occurrence) == 3
        assert services.occurrence_cancel(occurrence=occurrence) == 0
    assert sorted(m.to[0] for m in delivered()) == sorted(u.email for u in users)
    assert all(m.subject.startswith("Cancelled") for m in delivered())
    with pytest.raises(services.BookingError, match="cancelled"):
        services.booking_create(occurrence=occurrence, user=UserFactory())


def test_a_prerequisite_blocks_booking_in_words():
    occurrence = OccurrenceFactory(series=SeriesFactory(prerequisite_kind="wiifm_watched"))
    user = UserFactory()
    person = StaffFactory(user=user, email=user.email)
    with pytest.raises(services.BookingError, match="Watch the WIIFM video"):
        services.booking_create(occurrence=occurrence, user=user)
    EngagementEvent.objects.create(
        staff=person,
        kind="wiifm_watched",
        occurred_at=timezone.now(),
        source="test",
        idempotency_key="w",
    )
    assert services.booking_create(occurrence=occurrence, user=user).status == "confirmed"


def test_attendance_counts_toward_the_engaged_tier(django_capture_on_commit_callbacks):
    occurrence = OccurrenceFactory(starts_at=timezone.now() + timedelta(hours=2))
    user = UserFactory()
    person = StaffFactory(user=user, email=user.email)
    booking = services.booking_create(occurrence=occurrence, user=user)
    with pytest.raises(services.BookingError, match="once the session has started"):
        services.attendance_mark(booking=booking, attended=True)
    Occurrence.objects.filter(pk=occurrence.pk).update(
        starts_at=timezone.now() - timedelta(minutes=50),
        ends_at=timezone.now() - timedelta(minutes=5),
    )
    booking.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.attendance_mark(booking=booking, attended=True)
        services.attendance_mark(booking=booking, attended=True)  # marking again adds nothing
    assert EngagementEvent.objects.filter(staff=person, kind="office_hours_attended").count() == 1
    # Engaged sits on top of the tiers below, so only its own requirement is checked here
    engaged = Tier.objects.get(order=4)
    assert not TierAttainment.objects.filter(staff=person, tier=engaged).exists()


def test_reminders_are_sent_once_at_their_time_and_not_after_cancelling():
    starts = timezone.now() + timedelta(days=2)
    occurrence = OccurrenceFactory(starts_at=starts, ends_at=starts + timedelta(minutes=45))
    keeper, leaver = _users(2)
    services.booking_create(occurrence=occurrence, user=keeper)
    gone = services.booking_create(occurrence=occurrence, user=leaver)
    services.booking_cancel(booking=gone)
    assert services.reminders_send(now=starts - timedelta(hours=25)) == 1  # the confirmation
    assert services.reminders_send(now=starts - timedelta(hours=25)) == 0
    assert services.reminders_send(now=starts - timedelta(hours=24)) == 1
    assert services.reminders_send(now=starts - timedelta(hours=24)) == 0  # a second run
    assert services.reminders_send(now=starts - timedelta(minutes=59)) == 1
    assert [m.to for m in delivered()] == [[keeper.email]] * 3
    # the leaver's confirmation, reminders, and the cancellation of an invitation never sent
    skipped = Reminder.objects.filter(booking=gone, skipped=True)
    assert sorted(skipped.values_list("kind", flat=True)) == ["1h", "24h", "confirmed", "withdrawn"]


def test_editing_this_or_all_future_sessions_keeps_local_time_and_seats():
    series = SeriesFactory(
        weekday=6, start_time=time(10, 0), time_zone="Europe/Berlin", weeks_ahead=4
    )
    services.occurrences_schedule(series=series, now=datetime(2026, 3, 16, tzinfo=UTC))
    first, second, third, fourth = series.occurrences.order_by("starts_at")
    booker = UserFactory()
    booked = services.booking_create(
        occurrence=third, user=booker, now=datetime(2026, 3, 16, tzinfo=UTC)
    )
    reminder = Reminder.objects.get(booking=booked, kind="1h")

    # this one only
    assert (
        services.occurrence_edit(
            occurrence=first,
            start_time=time(9, 0),
            duration_minutes=30,
            location="Room 1",
            capacity=4,
            future=False,
        )
        == 1
    )
    first.refresh_from_db()
    assert (first.starts_at, first.location, first.capacity) == (
        datetime(2026, 3, 22, 8, 0, tzinfo=UTC),
        "Room 1",
        4,
    )
    second.refresh_from_db()
    assert second.starts_at.hour == 8 and second.location != "Room 1"  # 10:00 summer time

    # this and all future: 11:00 Berlin time on each date, across the change
    assert (
        services.occurrence_edit(
            occurrence=second,
            start_time=time(11, 0),
            duration_minutes=45,
            location="Room 2",
            capacity=6,
            future=True,
        )
        == 3
    )
    hours = [o.starts_at.hour for o in series.occurrences.order_by("starts_at")]
    assert hours == [8, 9, 9, 9]
    series.refresh_from_db()
    assert (series.start_time, series.location, series.capacity) == (time(11, 0), "Room 2", 6)
    reminder.refresh_from_db()
    third.refresh_from_db()
    assert reminder.due_at == third.starts_at - timedelta(hours=1)
    assert third.sequence == 1

    # never below the seats taken anywhere in scope, and then nothing changes
    services.booking_create(
        occurrence=third, user=UserFactory(), now=datetime(2026, 3, 16, tzinfo=UTC)
    )
    with pytest.raises(
        services.BookingError, match="1 seat would be fewer than are already taken on 05 Apr"
    ):
        services.occurrence_edit(
            occurrence=second,
            start_time=time(12, 0),
            duration_minutes=45,
            location="Room 3",
            capacity=1,
            future=True,
        )
    assert not series.occurrences.filter(location="Room 3").exists()
    fourth.refresh_from_db()
    assert fourth.starts_at.hour == 9
