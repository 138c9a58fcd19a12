"""Office-hour pages: sessions and booking (plain and htmx), calendars, the host's page."""

from datetime import time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from faq.models import Question
from officehours import services
from officehours.factories import OccurrenceFactory, SeriesFactory
from officehours.models import Booking, Occurrence
from portal.factories import StaffFactory, UserFactory
from portal.models import EngagementEvent

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def me(client):
    user = UserFactory()
    StaffFactory(user=user, email=user.email)
    client.force_login(user)
    return user


@pytest.mark.parametrize("sessions", [2, 30])
def test_sessions_page_queries_do_not_grow(client, me, sessions, django_assert_num_queries):
    series = SeriesFactory()
    for i in range(sessions):
        occurrence = OccurrenceFactory(
            series=series, starts_at=timezone.now() + timedelta(days=1, hours=i)
        )
        services.booking_create(occurrence=occurrence, user=UserFactory())
        if i % 2:
            services.booking_create(occurrence=occurrence, user=me)
    client.get(reverse("officehours_sessions"))  # the menu's cached lookups
    # session, user, feed, series on offer, occurrences, their hosts, my bookings, sessions I
    # host, and the navigation's two permission lookups (a waitlist place would be one more)
    with django_assert_num_queries(10):
        assert client.get(reverse("officehours_sessions")).status_code == 200


def test_booking_with_htmx_returns_the_card_and_plain_redirects(client, me):
    full = OccurrenceFactory(capacity=1)
    services.booking_create(occurrence=full, user=UserFactory())
    response = client.post(reverse("officehours_book", args=[full.pk]), {"topic": "Badges"}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert "On the waitlist" in html and "number 1 in line" in html

    open_ = OccurrenceFactory(capacity=5)
    response = client.post(reverse("officehours_book", args=[open_.pk]), {"topic": ""})
    assert response.status_code == 302
    assert Booking.objects.get(occurrence=open_, user=me).status == "confirmed"


def test_a_prerequisite_answers_with_a_link_to_do_it_first(client, me):
    occurrence = OccurrenceFactory(series=SeriesFactory(prerequisite_kind="faq_viewed"))
    response = client.post(reverse("officehours_book", args=[occurrence.pk]), **HTMX)
    html = response.content.decode()
    assert 'role="alert"' in html and "Read 1 FAQ entry" in html
    assert not Booking.objects.exists()


def test_someone_elses_booking_is_not_found(client, me):
    theirs = services.booking_create(occurrence=OccurrenceFactory(), user=UserFactory())
    assert client.post(reverse("officehours_cancel", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("officehours_ics", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "confirmed"


def test_ics_keeps_its_uid_and_cancels(client, me):
    occurrence = OccurrenceFactory()
    booking = services.booking_create(occurrence=occurrence, user=me)
    first = Calendar.from_ical(client.get(reverse("officehours_ics", args=[booking.pk])).content)
    event = first.walk("VEVENT")[0]
    services.booking_cancel(booking=booking)
    second = Calendar.from_ical(client.get(reverse("officehours_ics", args=[booking.pk])).content)
    cancelled = second.walk("VEVENT")[0]
    assert str(first["METHOD"]) == "REQUEST" and str(second["METHOD"]) == "CANCEL"
    assert str(event["UID"]) == str(cancelled["UID"])
    assert int(cancelled["SEQUENCE"]) > int(event["SEQUENCE"])
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert event.decoded("DTSTART") == occurrence.starts_at.replace(microsecond=0)


def test_the_feed_is_private_and_revocable(client, me):
    services.booking_create(occurrence=OccurrenceFactory(), user=me)
    client.post(reverse("officehours_feed_manage"), {"action": "renew"})
    token = me.office_hours_feed.token
    feed_url = reverse("officehours_feed", args=[token])
    anonymous = client.__class__()
    feed = anonymous.get(feed_url)  # calendar apps have no session
    assert feed.status_code == 200
    assert len(Calendar.from_ical(feed.content).walk("VEVENT")) == 1
    client.post(reverse("officehours_feed_manage"), {"action": "renew"})
    assert anonymous.get(feed_url).status_code == 404  # the old address stopped working


def test_host_marks_attendance_and_sends_a_topic_to_the_faq(client, me):
    attendee = UserFactory()
    person = StaffFactory(user=attendee, email=attendee.email)
    series = SeriesFactory()
    series.hosts.add(me)
    occurrence = OccurrenceFactory(series=series)
    booking = services.booking_create(
        occurrence=occurrence, user=attendee, topic="Can I post on weekends?"
    )
    Occurrence.objects.filter(pk=occurrence.pk).update(
        starts_at=timezone.now() - timedelta(hours=1),
        ends_at=timezone.now() - timedelta(minutes=15),
    )
    url = reverse("officehours_host", args=[occurrence.pk])
    page = client.get(url).content.decode()
    assert "Can I post on weekends?" in page and person.display_name in page
    client.post(url, {"action": "attended", "booking": booking.pk})
    assert EngagementEvent.objects.filter(staff=person, kind="office_hours_attended").count() == 1
    hosting = client.get(reverse("officehours_sessions")).content.decode()
    assert "1 attended, 0 no-shows" in hosting  # the host's recent sessions, with no-shows
    client.post(url, {"action": "topic", "booking": booking.pk})
    question = Question.objects.get()
    assert (question.text, question.asker, question.source) == (
        "Can I post on weekends?",
        attendee,
        "office_hours",
    )


def test_only_hosts_and_organisers_see_the_host_page(client, me, community_manager):
    occurrence = OccurrenceFactory()
    assert client.get(reverse("officehours_host", args=[occurrence.pk])).status_code == 404
    client.force_login(community_manager)
    assert client.get(reverse("officehours_host", args=[occurrence.pk])).status_code == 200


def test_an_organiser_cannot_cut_capacity_below_the_seats_taken(client, community_manager):
    occurrence = OccurrenceFactory(capacity=3)
    for user in UserFactory.create_batch(3):
        services.booking_create(occurrence=occurrence, user=user)
    client.force_login(community_manager)
    url = reverse("officehours_host", args=[occurrence.pk])
    edit = {"action": "edit", "start_time": "10:00", "duration_minutes": "45"}
    edit |= {"location": "Room 1", "capacity": "2", "scope": "one"}
    response = client.post(url, edit, follow=True)
    assert "2 seats would be fewer than are already taken" in response.content.decode()
    occurrence.refresh_from_db()
    assert occurrence.capacity == 3 and occurrence.confirmed == 3


def test_an_organiser_moves_all_future_sessions(client, community_manager):
    series = SeriesFactory(start_time=time(10, 0), time_zone="Europe/London")
    first = OccurrenceFactory(series=series)
    later = OccurrenceFactory(series=series, starts_at=first.starts_at + timedelta(weeks=1))
    client.force_login(community_manager)
    page = client.get(reverse("officehours_host", args=[first.pk])).content.decode()
    assert "This and all future sessions" in page and "<legend>Apply to</legend>" in page
    response = client.post(
        reverse("officehours_host", args=[first.pk]),
        {
            "action": "edit",
            "start_time": "15:30",
            "duration_minutes": "30",
            "location": "Room 4",
            "capacity": "12",
            "scope": "future",
        },
        follow=True,
    )
    assert "2 sessions changed" in response.content.decode()
    later.refresh_from_db()
    assert later.location == "Room 4" and later.capacity == 12
    assert later.starts_at.astimezone(ZoneInfo("Europe/London")).time() == time(15, 30)


def test_editing_the_series_in_the_admin_moves_its_future_sessions(client, community_manager):
    series = SeriesFactory(start_time=time(10, 0), time_zone="Europe/London", capacity=5)
    series.hosts.add(community_manager)
    upcoming = OccurrenceFactory(series=series, capacity=5)
    client.force_login(community_manager)
    form = {
        "title": series.title,
        "description": "",
        "hosts": [community_manager.pk],
        "weekday": str(series.weekday),
        "start_time": "16:00",
        "duration_minutes": "60",
        "time_zone": "Europe/London",
        "capacity": "7",
        "location": "Room 9",
        "prerequisite_kind": "",
        "weeks_ahead": "2",
        "active": "on",
    }
    url = reverse("wagtailsnippets_officehours_series:edit", args=[series.pk])
    assert client.post(url, form).status_code == 302
    upcoming.refresh_from_db()
    assert upcoming.starts_at.astimezone(ZoneInfo("Europe/London")).time() == time(16, 0)
    assert (upcoming.capacity, upcoming.location) == (7, "Room 9")
    assert series.occurrences.count() >= 2  # and the weeks ahead are scheduled


def test_the_series_time_zone_is_chosen_from_a_list_and_a_made_up_one_is_refused(
    client, community_manager
):
    series = SeriesFactory(time_zone="Europe/London")
    series.hosts.add(community_manager)
    client.force_login(community_manager)
    url = reverse("wagtailsnippets_officehours_series:edit", args=[series.pk])
    page = client.get(url).content.decode()
    assert '<select name="time_zone"' in page and '<option value="Asia/Tokyo">' in page
    form = {
        "title": series.title,
        "hosts": [community_manager.pk],
        "weekday": str(series.weekday),
        "start_time": "10:00",
        "duration_minutes": "45",
        "time_zone": "Mars/Olympus_Mons",
        "capacity": "5",
        "location": "Room 1",
        "weeks_ahead": "2",
    }
    response = client.post(url, form)
    assert response.status_code == 200  # the form again, with the reason
    assert "Mars/Olympus_Mons" in response.content.decode()
    series.refresh_from_db()
    assert series.time_zone == "Europe/London"


def test_a_series_saved_outside_the_admin_still_moves_its_sessions_or_says_why_not(db):
    series = SeriesFactory(start_time=time(10, 0), time_zone="Europe/London", capacity=5)
    upcoming = OccurrenceFactory(series=series, capacity=5)
    for _ in range(3):
        services.booking_create(occurrence=upcoming, user=UserFactory())
    series.capacity = 2  # below the three seats already taken
    series.save()
    warning = services.series_saved(series=series)
    assert "The series is saved; its scheduled sessions are unchanged." in warning
    upcoming.refresh_from_db()
    assert upcoming.capacity == 5

    series.capacity, series.location = 8, "Room 2"
    series.save()
    assert services.series_saved(series=series) == ""
    upcoming.refresh_from_db()
    assert (upcoming.capacity, upcoming.location) == (8, "Room 2")
