"""Two people, one in Tokyo and one in New York, open Office hours in browsers set to their own
zones: each sees the same session at their own local time, with the host's time beside it, and
nobody had to choose a zone."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from officehours.factories import OccurrenceFactory, SeriesFactory
from portal.factories import UserFactory
from tests.browser.conftest import PortalPage


@pytest.mark.parametrize("zone", ["Asia/Tokyo", "America/New_York"])
def test_each_reader_sees_their_own_time_from_their_browsers_zone(
    browser, live_server, server_lock, zone
):
    with server_lock:
        series = SeriesFactory(time_zone="Europe/Berlin", start_time=time(10, 0))
        day = timezone.now().astimezone(ZoneInfo("Europe/Berlin")).date() + timedelta(days=2)
        starts = datetime.combine(day, time(10, 0), tzinfo=ZoneInfo("Europe/Berlin")).astimezone(
            UTC
        )
        OccurrenceFactory(series=series, starts_at=starts, ends_at=starts + timedelta(minutes=45))
        user = UserFactory()
    context = browser.new_context(timezone_id=zone, viewport={"width": 390, "height": 844})
    try:
        portal = PortalPage(context.new_page(), live_server.url)
        portal.goto("/accounts/login/")  # the browser tells its zone on its first page
        session = Client()
        session.force_login(user)
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": session.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )
        portal.goto("/office-hours/")
        expected = f"{starts.astimezone(ZoneInfo(zone)):%A %-d %B, %H:%M}"
        when = portal.page.locator(f"#session-{series.occurrences.get().pk} time")
        assert when.inner_text().startswith(expected)
        zone_note = portal.page.locator(".oh-session__zone").first.inner_text()
        assert zone_note == f"({zone}; 10:00 for the host in Europe/Berlin)"
        portal.screenshot(f"office-hours-{zone.replace('/', '-')}")
    finally:
        context.close()
