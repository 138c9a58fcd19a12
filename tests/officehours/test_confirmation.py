"""A booking's confirmation: an outbox row written in the booking's own transaction, sent by the
sweep after commit and only once, in the reader's zone, with the same .ics the page offers
(REQUEST, and a CANCEL with the same UID when the person cancels) and Google Calendar and
Outlook links whose times are the session's, in UTC."""

import re
from datetime import UTC, datetime, time, timedelta
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.db import transaction
from django.urls import reverse

from officehours import calendar, services
from officehours.factories import OccurrenceFactory, SeriesFactory
from officehours.models import Booking, Reminder
from portal.accounts.zones import time_zone_set
from portal.factories import StaffFactory, UserFactory
from tests.outbox import delivered

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def _ics(message) -> icalendar.Calendar:
    (name, content, mimetype) = message.attachments[0]
    assert name.endswith(".ics") and mimetype.startswith("text/calendar")
    return icalendar.Calendar.from_ical(content)


def _event(ics: icalendar.Calendar):
    return next(iter(ics.walk("VEVENT")))


def test_the_confirmation_row_is_written_in_the_bookings_transaction():
    occurrence = OccurrenceFactory()
    user = UserFactory()

    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        booking = services.booking_create(occurrence=occurrence, user=user)
        assert Reminder.objects.filter(booking=booking, kind="confirmed").exists()
        raise Undo  # whatever fails after the booking takes its confirmation with it
    assert not Booking.objects.exists() and not Reminder.objects.exists()

    booking = services.booking_create(occurrence=occurrence, user=user)
    (row,) = Reminder.objects.filter(booking=booking, kind="confirmed")
    assert row.sent_at is None and row.claimed_at is None
    assert not delivered()  # written, not sent


def test_a_waitlist_place_gets_no_confirmation_until_promoted():
    occurrence = OccurrenceFactory(capacity=1)
    holder = services.booking_create(occurrence=occurrence, user=UserFactory())
    waiting = services.booking_create(occurrence=occurrence, user=UserFactory())
    assert not Reminder.objects.filter(booking=waiting).exists()
    services.booking_cancel(booking=holder)
    services.reminders_send()
    # the promotion's message is the confirmation: one email, with the invitation
    to_waiting = [m for m in delivered() if m.to == [waiting.user.email]]
    assert len(to_waiting) == 1
    assert to_waiting[0].subject.startswith("You have a seat")
    assert str(_ics(to_waiting[0])["METHOD"]) == "REQUEST"
    assert (
        "calendar.google.com" in to_waiting[0].body and "outlook.office.com" in to_waiting[0].body
    )
    assert not Reminder.objects.filter(booking=waiting, kind="confirmed").exists()


def test_booking_on_the_page_sends_nothing_in_the_request_and_the_sweep_sends_once(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory()
    client.force_login(user)
    occurrence = OccurrenceFactory()
    with django_capture_on_commit_callbacks(execute=False) as after_commit:
        response = client.post(reverse("officehours_book", args=[occurrence.pk]), headers=HTMX)
    assert response.status_code == 200
    assert not delivered()  # nothing is sent while the person waits for the page
    assert Reminder.objects.filter(kind="confirmed", sent_at__isnull=True).count() == 1

    for callback in after_commit:  # the commit asks a worker to sweep (eager in tests)
        callback()
    assert len(delivered()) == 1
    services.reminders_send()  # the periodic sweep, and a retry, find it taken
    services.reminders_send()
    assert len(delivered()) == 1
    assert Reminder.objects.get(kind="confirmed").sent_at is not None


def test_the_attached_ics_is_the_pages_with_utc_times(client):
    user = UserFactory(first_name="Ana")
    client.force_login(user)
    starts = datetime(2027, 3, 4, 16, 0, tzinfo=UTC)
    occurrence = OccurrenceFactory(starts_at=starts, ends_at=starts + timedelta(minutes=45))
    booking = services.booking_create(occurrence=occurrence, user=user, topic="Badges")
    services.reminders_send()
    (message,) = delivered()
    attached = _ics(message)
    downloaded = icalendar.Calendar.from_ical(
        client.get(reverse("officehours_ics", args=[booking.pk])).content
    )
    assert str(attached["METHOD"]) == "REQUEST"
    event, page_event = _event(attached), _event(downloaded)
    assert str(event["UID"]) == str(page_event["UID"]) == calendar.booking_uid(booking)
    assert event.decoded("DTSTART") == starts and event.decoded("DTEND") == starts + timedelta(
        minutes=45
    )
    assert "DTSTART:20270304T160000Z" in attached.to_ical().decode()


def test_google_and_outlook_links_carry_the_sessions_utc_times():
    series = SeriesFactory(title="Open office hours & more", description="Bring questions.")
    starts = datetime(2027, 3, 14, 15, 0, tzinfo=UTC)  # the US change day: 11:00 in New York
    occurrence = OccurrenceFactory(
        series=series, starts_at=starts, ends_at=starts + timedelta(minutes=45), location="Room 4"
    )
    booking = services.booking_create(occurrence=occurrence, user=UserFactory(), topic="Badges")

    google = urlsplit(calendar.google_calendar_url(booking))
    assert (google.scheme, google.netloc, google.path) == (
        "https",
        "calendar.google.com",
        "/calendar/render",
    )
    query = parse_qs(google.query, strict_parsing=True)
    assert query["action"] == ["TEMPLATE"]
    assert query["text"] == ["Open office hours & more"]  # the & is encoded, not a new field
    assert query["dates"] == ["20270314T150000Z/20270314T154500Z"]
    assert query["location"] == ["Room 4"]
    assert "Bring questions." in query["details"][0] and "Your topic: Badges" in query["details"][0]

    outlook = urlsplit(calendar.outlook_calendar_url(booking))
    assert (outlook.netloc, outlook.path) == (
        "outlook.office.com",
        "/calendar/0/deeplink/compose",
    )
    query = parse_qs(outlook.query, strict_parsing=True)
    assert query["subject"] == ["Open office hours & more"]
    assert query["startdt"] == ["2027-03-14T15:00:00Z"]
    assert query["enddt"] == ["2027-03-14T15:45:00Z"]
    assert query["location"] == ["Room 4"]
    assert "Join at: Room 4" in query["body"][0]
    assert "+" not in outlook.query  # spaces as %20: Outlook shows a plus sign as it is


def test_cancelling_sends_the_calendar_cancel_with_the_same_uid():
    occurrence = OccurrenceFactory()
    booking = services.booking_create(occurrence=occurrence, user=UserFactory())
    services.reminders_send()
    services.booking_cancel(booking=booking)
    services.reminders_send()
    services.reminders_send()
    invitation, withdrawal = delivered()
    assert withdrawal.subject.startswith("You cancelled")
    first, second = _event(_ics(invitation)), _event(_ics(withdrawal))
    assert str(_ics(withdrawal)["METHOD"]) == "CANCEL"
    assert str(first["UID"]) == str(second["UID"])
    assert int(second["SEQUENCE"]) > int(first["SEQUENCE"])
    assert str(second["STATUS"]) == "CANCELLED"


def test_cancelling_before_the_confirmation_went_sends_nothing():
    booking = services.booking_create(occurrence=OccurrenceFactory(), user=UserFactory())
    services.booking_cancel(booking=booking)
    assert services.reminders_send() == 0
    assert not delivered()


def test_the_hosts_are_named_in_the_confirmation():
    series = SeriesFactory()
    for name in ("Ana Lima", "Bo Chen"):
        host = UserFactory()
        StaffFactory(user=host, email=host.email, display_name=name)
        series.hosts.add(host)
    services.booking_create(occurrence=OccurrenceFactory(series=series), user=UserFactory())
    services.reminders_send()
    assert "Hosted by Ana Lima and Bo Chen." in delivered()[0].body


# The reader's zone: page, email and .ics agree, on both sides of UTC, across the 14 March 2027
# US clock change. A New York series at Thursday 11:00.


@pytest.fixture
def around_the_change():
    series = SeriesFactory(
        weekday=3, start_time=time(11, 0), time_zone="America/New_York", weeks_ahead=3
    )
    services.occurrences_schedule(series=series, now=datetime(2027, 3, 1, tzinfo=UTC))
    sessions = list(series.occurrences.order_by("starts_at"))
    assert [o.starts_at.hour for o in sessions] == [16, 16, 15]  # 4, 11, 18 March in UTC
    return sessions


@pytest.mark.parametrize("reader_zone", ["Asia/Tokyo", "America/New_York"])
def test_confirmation_page_and_ics_agree_in_the_readers_zone(
    client, around_the_change, reader_zone
):
    user = UserFactory()
    time_zone_set(user=user, name=reader_zone)
    client.force_login(user)
    for occurrence in around_the_change:
        local = occurrence.starts_at.astimezone(ZoneInfo(reader_zone))
        expected = f"{local:%A %-d %B, %H:%M}–{occurrence.ends_at.astimezone(local.tzinfo):%H:%M}"

        row = client.post(
            reverse("officehours_book", args=[occurrence.pk]), headers=HTMX
        ).content.decode()
        shown = re.search(r'<time datetime="[^"]+">([^<]+)</time>', row)[1]
        assert shown == expected

        delivered().clear()
        services.reminders_send(now=occurrence.starts_at - timedelta(days=2))
        (message,) = delivered()
        assert f"{expected} ({reader_zone})" in message.body
        event = _event(_ics(message))
        assert event.decoded("DTSTART") == occurrence.starts_at  # UTC, shown locally by apps
        google = parse_qs(urlsplit(re.search(r"Google Calendar: (\S+)", message.body)[1]).query)
        assert google["dates"][0].startswith(f"{occurrence.starts_at:%Y%m%dT%H%M%SZ}/")
    # Tokyo has no clock change: the same New York 11:00 is 01:00 before it and 00:00 after
    if reader_zone == "Asia/Tokyo":
        hours = [o.starts_at.astimezone(ZoneInfo(reader_zone)).hour for o in around_the_change]
        assert hours == [1, 1, 0]
