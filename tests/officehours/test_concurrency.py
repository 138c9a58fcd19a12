"""200 people booking a 10-seat session at once (PostgreSQL): exactly 10 seats, 190 waiting
in the order they got in, no errors, no one booked twice."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections

from officehours import services
from officehours.factories import OccurrenceFactory
from officehours.models import Booking
from portal.factories import UserFactory

REQUESTS = 200
SEATS = 10


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_hundred_concurrent_bookings_for_ten_seats():
    occurrence = OccurrenceFactory(capacity=SEATS)
    users = UserFactory.create_batch(REQUESTS)

    def book(user):
        try:
            return services.booking_create(occurrence=occurrence, user=user).status
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=20) as pool:
        outcomes = list(pool.map(book, users + users[:20]))  # 20 people press twice

    assert outcomes.count("confirmed") >= SEATS
    bookings = list(Booking.objects.filter(occurrence=occurrence).order_by("queued_at", "pk"))
    assert len(bookings) == REQUESTS  # the second presses found the first booking
    assert len({b.user_id for b in bookings}) == REQUESTS
    assert [b.status for b in bookings] == ["confirmed"] * SEATS + ["waitlisted"] * (
        REQUESTS - SEATS
    )
    times = [b.queued_at for b in bookings]
    assert times == sorted(times) and len(set(times)) == REQUESTS  # a strict arrival order
    occurrence.refresh_from_db()
    assert occurrence.confirmed == SEATS
