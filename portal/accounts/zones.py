"""Times are the reader's: every page and email shows times in the person's own time zone.

The zone is kept on their preferences; until they choose one, the browser's zone is taken on
their first visit (a cookie set by `portal/js/zone.js`), else the portal's `TIME_ZONE`. The
middleware activates it for each request, so Django's `date` filter and `{% now %}` show the
reader's time everywhere; emails are rendered under `timezone.override(time_zone_of(user))`.
"""

import zoneinfo
from urllib.parse import unquote

from django.conf import settings
from django.utils import timezone
from wagtail.users.models import UserProfile

from .models import Preferences

SESSION_KEY = "portal_time_zone"
GUESSED_KEY = "portal_time_zone_guessed"  # the default, until the browser's zone arrives
BROWSER_COOKIE = "portal_tz"


def zone_named(name: str | None) -> zoneinfo.ZoneInfo | None:
    """The IANA zone of that name, or None for anything else (a cookie is user input)."""
    if not name or len(name) > 64:
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def time_zone_of(user) -> zoneinfo.ZoneInfo:
    """The zone this person reads times in (for emails and anything without a request)."""
    name = Preferences.objects.filter(user=user).values_list("time_zone", flat=True).first()
    return zone_named(name) or zoneinfo.ZoneInfo(settings.TIME_ZONE)


def time_zone_set(*, user, name: str) -> zoneinfo.ZoneInfo | None:
    """Keep `name` as the person's zone; None (and nothing kept) when it is not a zone.

    Wagtail's admin shows times in the zone of the person's Wagtail profile, so it is kept
    there too: the admin's screens read the same zone as the portal's (Wagtail's own choice of
    zone is hidden, `WAGTAIL_USER_TIME_ZONES`, so this is the one way to set it)."""
    zone = zone_named(name)
    if zone is not None:
        Preferences.objects.update_or_create(user=user, defaults={"time_zone": zone.key})
        UserProfile.objects.update_or_create(user=user, defaults={"current_time_zone": zone.key})
    return zone


class ReaderTimeZoneMiddleware:
    """Activates the reader's zone for the request (read from the database once per session)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        zone = self._zone(request)
        with timezone.override(zone):
            return self.get_response(request)

    def _zone(self, request) -> zoneinfo.ZoneInfo:
        browser = zone_named(unquote(request.COOKIES.get(BROWSER_COOKIE, "")))
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return browser or zoneinfo.ZoneInfo(settings.TIME_ZONE)
        zone = zone_named(request.session.get(SESSION_KEY))
        guessed = request.session.get(GUESSED_KEY, False)
        if zone is not None and not (guessed and browser is not None):
            return zone
        if zone is None:
            kept = Preferences.objects.filter(user=user).values_list("time_zone", flat=True)
            zone = zone_named(kept.first())
        if zone is None or guessed:
            if browser is not None:  # first visit: the browser's zone, until they choose one
                zone = time_zone_set(user=user, name=browser.key)
                request.session.pop(GUESSED_KEY, None)
            else:  # the page has not told us the browser's zone yet: the default, for now
                zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
                request.session[GUESSED_KEY] = True
        request.session[SESSION_KEY] = zone.key
        return zone
