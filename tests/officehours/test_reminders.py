"""Reminders on a simulated clock across the 2026 and 2027 daylight-saving changes of
Europe/Berlin and America/New_York: one of each kind per booking, at its instant (24 hours and
1 hour before the session, in real elapsed time), none after cancelling, none twice. Each seat's
confirmation goes at the first sweep after booking."""

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.core import mail

from officehours import services
from officehours.factories import SeriesFactory
from officehours.models import Reminder
from portal.factories import UserFactory
from portal.outbox.services import messages_deliver

pytestmark = pytest.mark.django_db

# The Sundays the clocks change (spring, autumn), when a Sunday 10:00 session moves in UTC.
CHANGES = {
    "Europe/Berlin": [date(2026, 3, 29), date(2026, 10, 25), date(2027, 3, 28), date(2027, 10, 31)],
    "America/New_York": [date(2026, 3, 8), date(2026, 11, 1), date(2027, 3, 14), date(2027, 11, 7)],
}
STEP = timedelta(minutes=10)  # how often the sweeper runs


def _sweeps(starts_at: datetime) -> list[datetime]:
    """The sweeps that matter for a session: well before, one step before each reminder is due
    (in real elapsed time, whatever the clocks do), at it, one step after, and after the start.
    A sweep between two of these would find nothing new: the clock jumps instead of ticking."""
    moments = {starts_at - timedelta(hours=26), starts_at + STEP}
    for before in (timedelta(hours=24), timedelta(hours=1)):
        due = starts_at - before
        moments |= {due - STEP, due - timedelta(seconds=1), due, due + STEP}
    return sorted(moments)


@pytest.mark.parametrize("zone", sorted(CHANGES))
def test_each_reminder_once_at_its_instant_across_clock_changes(zone):
    keeper, leaver = UserFactory(), UserFactory()
    bookings = []
    for change in CHANGES[zone]:
        # a session on the Sunday before, the day of, and the Sunday after each change
        series = SeriesFactory(weekday=6, start_time=time(10, 0), time_zone=zone, weeks_ahead=3)
        start = datetime.combine(change - timedelta(days=8), time(0, 0), tzinfo=UTC)
        services.occurrences_schedule(series=series, now=start)
        for occurrence in series.occurrences.all():
            booked_at = occurrence.starts_at - timedelta(days=3)
            bookings.append(
                services.booking_create(occurrence=occurrence, user=keeper, now=booked_at)
            )
            gone = services.booking_create(occurrence=occurrence, user=leaver, now=booked_at)
            services.booking_cancel(booking=gone, now=booked_at + timedelta(hours=1))
    assert len(bookings) == 12

    sent_at = {}
    for booking in bookings:
        for clock in _sweeps(booking.occurrence.starts_at):
            for _ in range(2):  # the sweeper runs twice each time: a retry, a second worker
                before = set(
                    Reminder.objects.filter(sent_at__isnull=False).values_list("pk", flat=True)
                )
                services.reminders_send(now=clock)
                messages_deliver(now=clock)  # the outbox's worker, at the same moment
                for reminder in Reminder.objects.filter(sent_at__isnull=False).exclude(
                    pk__in=before
                ):
                    sent_at[reminder.pk] = clock

    reminders = Reminder.objects.filter(booking__user=keeper)
    kinds = Counter(reminders.values_list("kind", flat=True))
    assert kinds == {"confirmed": 12, "24h": 12, "1h": 12}
    for reminder in reminders.select_related("booking__occurrence"):
        starts = reminder.booking.occurrence.starts_at
        if reminder.kind == "confirmed":  # due when booked; the first sweep sends it
            assert reminder.due_at == starts - timedelta(days=3)
            assert sent_at[reminder.pk] == starts - timedelta(hours=26)
            continue
        due = starts - (timedelta(hours=24) if reminder.kind == "24h" else timedelta(hours=1))
        assert reminder.due_at == due
        assert due <= sent_at[reminder.pk] < due + STEP  # the first sweep after it is due
    assert len(mail.outbox) == 36
    assert {m.to[0] for m in mail.outbox} == {keeper.email}
    assert not Reminder.objects.filter(booking__user=leaver, sent_at__isnull=False).exists()


@pytest.mark.worker
def test_the_sweeper_in_a_real_worker_sends_each_reminder_once(celery_worker):
    from django.utils import timezone

    from officehours.factories import OccurrenceFactory
    from officehours.tasks import reminders_sweep

    starts = timezone.now() + timedelta(minutes=30)
    occurrence = OccurrenceFactory(starts_at=starts, ends_at=starts + timedelta(minutes=45))
    booking = services.booking_create(
        occurrence=occurrence, user=UserFactory(), now=starts - timedelta(hours=2)
    )
    assert celery_worker.run(reminders_sweep) == 2  # the confirmation and the 1-hour reminder
    assert celery_worker.run(reminders_sweep) == 0  # and never again
    reminders = Reminder.objects.filter(booking=booking)
    assert sorted(reminders.values_list("kind", flat=True)) == ["1h", "confirmed"]
    assert all(r.sent_at is not None for r in reminders)
