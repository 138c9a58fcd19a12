"""A Hypothesis state machine over booking, cancelling, changing capacity and promotion: the
invariants hold after every step, whatever the order."""

from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from officehours import services
from officehours.factories import OccurrenceFactory
from officehours.models import Booking, Occurrence
from portal.factories import UserFactory
from tests.examples import examples

PEOPLE = 6


class Bookings(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        Booking.objects.all().delete()
        Occurrence.objects.all().delete()
        self.occurrence = OccurrenceFactory(capacity=2)
        self.users = [UserFactory(username=f"sm{i}") for i in range(PEOPLE)]
        self.queue: list[int] = []  # the model: user ids waiting, in order

    @rule(person=st.integers(0, PEOPLE - 1), topic=st.sampled_from(["", "badges"]))
    def book(self, person, topic):
        user = self.users[person]
        before = self._active(user)
        booking = services.booking_create(occurrence=self.occurrence, user=user, topic=topic)
        if before is None and booking.status == "waitlisted":
            self.queue.append(user.pk)

    @rule(person=st.integers(0, PEOPLE - 1))
    def cancel(self, person):
        booking = self._active(self.users[person])
        if booking is None:
            return
        services.booking_cancel(booking=booking)
        if booking.user_id in self.queue:
            self.queue.remove(booking.user_id)
        self._promoted_leave_queue()

    @rule(capacity=st.integers(1, 5))
    def change_capacity(self, capacity):
        """What the organiser's edit form does: the same session, a new capacity."""
        session = self.occurrence
        session.refresh_from_db()
        try:
            services.occurrence_edit(
                occurrence=session,
                start_time=session.starts_at.astimezone(ZoneInfo(session.series.time_zone)).time(),
                duration_minutes=int((session.ends_at - session.starts_at).total_seconds() // 60),
                location=session.location,
                capacity=capacity,
                future=False,
            )
        except services.BookingError:
            self.occurrence.refresh_from_db()
            assert capacity < self.occurrence.confirmed  # refused only when it would cut seats
        self._promoted_leave_queue()

    def _active(self, user):
        return Booking.objects.filter(
            occurrence=self.occurrence, user=user, status__in=["confirmed", "waitlisted"]
        ).first()

    def _promoted_leave_queue(self):
        confirmed = set(
            Booking.objects.filter(occurrence=self.occurrence, status="confirmed").values_list(
                "user_id", flat=True
            )
        )
        promoted = [u for u in self.queue if u in confirmed]
        # promotion serves the head of the queue, in order
        assert promoted == self.queue[: len(promoted)]
        self.queue = self.queue[len(promoted) :]

    @invariant()
    def seats_are_a_database_fact(self):
        occurrence = Occurrence.objects.get(pk=self.occurrence.pk)
        confirmed = Booking.objects.filter(occurrence=occurrence, status="confirmed").count()
        assert confirmed == occurrence.confirmed <= occurrence.capacity
        waiting = Booking.objects.filter(occurrence=occurrence, status="waitlisted")
        # nobody waits while a seat is free
        assert not waiting.exists() or confirmed == occurrence.capacity
        assert list(waiting.order_by("queued_at", "pk").values_list("user_id", flat=True)) == (
            self.queue
        )

    @invariant()
    def one_active_booking_per_person(self):
        active = Booking.objects.filter(
            occurrence=self.occurrence, status__in=["confirmed", "waitlisted"]
        ).values_list("user_id", flat=True)
        assert len(active) == len(set(active))


@pytest.mark.django_db
def test_booking_invariants_hold_in_any_order():
    machine = settings(
        max_examples=examples(40),
        stateful_step_count=25,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )(Bookings)
    machine.TestCase().runTest()
