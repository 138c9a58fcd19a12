"""Times are the reader's: the same session reads the same local time on the Office hours page,
in the reminder email and in the .ics, for readers on both sides of UTC, before and after a
daylight-saving change; and the host's own time is the host's.

A New York series at Thursday 11:00, with sessions on either side of the 14 March 2027 change
(US clocks go forward; Berlin's follow on 28 March, Tokyo has none)."""

import re
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.urls import reverse

from officehours import services
from officehours.factories import OccurrenceFactory, SeriesFactory
from portal.accounts.models import Preferences
from portal.accounts.zones import BROWSER_COOKIE, time_zone_set
from portal.factories import UserFactory
from tests.outbox import delivered

pytestmark = pytest.mark.django_db

HOST_ZONE = "America/New_York"
READERS = ["Asia/Tokyo", "America/New_York", "Europe/Berlin", "America/Los_Angeles", "UTC"]


@pytest.fixture
def sessions():
    series = SeriesFactory(
        weekday=3, start_time=time(11, 0), time_zone=HOST_ZONE, weeks_ahead=3, capacity=5
    )
    services.occurrences_schedule(series=series, now=datetime(2027, 3, 1, tzinfo=UTC))
    occurrences = list(series.occurrences.order_by("starts_at"))
    assert [o.starts_at.astimezone(ZoneInfo(HOST_ZONE)).time() for o in occurrences] == [
        time(11, 0)
    ] * 3
    # 11:00 New York is 16:00 UTC before the change and 15:00 UTC after it
    assert [o.starts_at.hour for o in occurrences] == [16, 16, 15]  # 4, 11 and 18 March
    return occurrences


def _local(instant: datetime, zone: str) -> str:
    return f"{instant.astimezone(ZoneInfo(zone)):%A %-d %B, %H:%M}"


@pytest.mark.parametrize("reader_zone", READERS)
def test_page_email_and_calendar_agree_in_the_readers_zone(client, sessions, reader_zone):
    user = UserFactory()
    time_zone_set(user=user, name=reader_zone)
    client.force_login(user)
    for occurrence in sessions:
        expected = _local(occurrence.starts_at, reader_zone)

        card = client.post(
            reverse("officehours_book", args=[occurrence.pk]), headers={"HX-Request": "true"}
        ).content.decode()
        shown = re.search(r'<time datetime="[^"]+">([^<]+)–', card)[1]
        assert shown == expected, (reader_zone, occurrence.starts_at)
        host_time = re.search(r"(\d\d:\d\d) for the host in America/New_York", card)
        if reader_zone == HOST_ZONE:
            assert host_time is None
        else:
            assert host_time[1] == "11:00"  # the host's own clock, before and after the change

        booking = occurrence.bookings.get(user=user)
        due = occurrence.starts_at - timedelta(hours=24)
        delivered().clear()
        services.reminders_send(now=due)
        confirmation, reminder = delivered()  # the seat's confirmation went at the same sweep
        assert confirmation.subject.startswith("Booked:")
        assert f"{expected}–" in confirmation.body and f"({reader_zone})" in confirmation.body
        assert f"{expected} ({reader_zone})" in reminder.body
        attached = icalendar.Calendar.from_ical(confirmation.attachments[0][1])
        assert next(iter(attached.walk("VEVENT"))).decoded("dtstart") == occurrence.starts_at

        ics = icalendar.Calendar.from_ical(
            client.get(reverse("officehours_ics", args=[booking.pk])).content
        )
        event = next(iter(ics.walk("VEVENT")))
        assert event.decoded("dtstart") == occurrence.starts_at


@pytest.fixture
def soon():
    """A session in the coming days (the page lists the next weeks), hosted in Berlin."""
    return OccurrenceFactory()


def test_the_first_visit_takes_the_browsers_zone_and_a_choice_replaces_it(client, soon):
    user = UserFactory()
    client.force_login(user)
    client.cookies[BROWSER_COOKIE] = "Asia/Tokyo"
    page = client.get(reverse("officehours_sessions")).content.decode()
    assert "(Asia/Tokyo;" in page
    assert user.preferences.time_zone == "Asia/Tokyo"

    client.post(reverse("officehours_zone"), {"zone": "Europe/Berlin"})
    page = client.get(reverse("officehours_sessions")).content.decode()
    assert "(Europe/Berlin)" in page and "(Asia/Tokyo;" not in page  # the host's own zone
    user.preferences.refresh_from_db()
    assert user.preferences.time_zone == "Europe/Berlin"


def test_a_made_up_zone_in_the_cookie_is_ignored(client, soon):
    user = UserFactory()
    client.force_login(user)
    client.cookies[BROWSER_COOKIE] = "Mars/Olympus_Mons"
    page = client.get(reverse("officehours_sessions"))
    assert page.status_code == 200 and "(UTC;" in page.content.decode()
    assert not Preferences.objects.filter(user=user).exists()


def test_a_choice_made_before_the_browser_told_its_zone_is_kept(client, soon):
    user = UserFactory()
    client.force_login(user)
    assert "(UTC;" in client.get(reverse("officehours_sessions")).content.decode()
    client.post(reverse("officehours_zone"), {"zone": "America/New_York"})
    client.cookies[BROWSER_COOKIE] = "Asia/Tokyo"  # the page's script, after the choice
    page = client.get(reverse("officehours_sessions")).content.decode()
    assert "(America/New_York;" in page
    assert Preferences.objects.get(user=user).time_zone == "America/New_York"


def test_the_browsers_zone_arriving_after_the_first_page_is_taken(client, soon):
    user = UserFactory()
    client.force_login(user)
    assert "(UTC;" in client.get(reverse("officehours_sessions")).content.decode()
    client.cookies[BROWSER_COOKIE] = "Asia%2FTokyo"  # as the script writes it
    assert "(Asia/Tokyo;" in client.get(reverse("officehours_sessions")).content.decode()
    assert Preferences.objects.get(user=user).time_zone == "Asia/Tokyo"


@pytest.mark.parametrize("zone", ["Pacific/Auckland", "America/Los_Angeles"])
def test_the_admin_shows_times_in_the_zone_chosen_on_the_portal(client, community_manager, zone):
    """Wagtail's admin renders under the zone of the person's Wagtail profile; choosing a zone
    on the portal keeps it there, so the admin's times are the reader's too."""
    time_zone_set(user=community_manager, name=zone)
    client.force_login(community_manager)
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    assert community_manager.wagtail_userprofile.get_current_time_zone() == zone
    account = client.get(reverse("wagtailadmin_account")).content.decode()
    assert 'name="locale-current_time_zone"' not in account  # one place to choose it
