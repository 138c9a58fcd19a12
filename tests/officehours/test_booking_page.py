"""The Office hours page as a booking page: your bookings first, then sessions grouped by week in
the reader's zone, one compact row each with its hosts; filters by series and by time of day in
the reader's zone (plain GET and htmx); the outcome of booking or cancelling where focus can land;
the feed's copy button; the My path panel. Query counts are pinned."""

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.users.models import UserProfile

from officehours import selectors, services
from officehours.factories import OccurrenceFactory, SeriesFactory
from officehours.forms import SessionFilterForm
from officehours.models import Booking, Occurrence
from portal.accounts.zones import time_zone_set
from portal.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
TOKYO, NEW_YORK = ZoneInfo("Asia/Tokyo"), ZoneInfo("America/New_York")


@pytest.fixture
def me(client):
    user = UserFactory()
    StaffFactory(user=user, email=user.email)
    client.force_login(user)
    return user


def _reader(client, zone: str):
    user = UserFactory()
    time_zone_set(user=user, name=zone)
    client.force_login(user)
    return user


def _host(series, name: str):
    user = UserFactory()
    StaffFactory(user=user, email=user.email, display_name=name)
    series.hosts.add(user)
    return user


def _sunday_late(weeks_ahead: int) -> datetime:
    """A Sunday at 23:30 UTC at least `weeks_ahead` weeks away (Monday 08:30 in Tokyo)."""
    today = timezone.now().astimezone(UTC).date() + timedelta(weeks=weeks_ahead)
    sunday = today + timedelta(days=(6 - today.weekday()) % 7)
    return datetime(sunday.year, sunday.month, sunday.day, 23, 30, tzinfo=UTC)


def _week_label_of(html: str, occurrence: Occurrence) -> str:
    for section in html.split('<section class="oh-week"')[1:]:
        if f'id="session-{occurrence.pk}"' in section:
            return re.search(r"<h3[^>]*>([^<]+)</h3>", section)[1]
    raise AssertionError(f"session {occurrence.pk} is not listed")


def _listed(html: str) -> set[int]:
    return {int(pk) for pk in re.findall(r'<li class="oh-row[^"]*" id="session-(\d+)"', html)}


# Weeks in the reader's zone


def test_weeks_are_the_readers_a_late_sunday_in_utc_is_monday_in_tokyo():
    now = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)  # a Wednesday
    late_sunday = OccurrenceFactory(starts_at=datetime(2026, 12, 13, 23, 30, tzinfo=UTC))
    this_week = OccurrenceFactory(starts_at=datetime(2026, 12, 4, 9, 0, tzinfo=UTC))
    later = OccurrenceFactory(starts_at=datetime(2026, 12, 21, 9, 0, tzinfo=UTC))
    user = UserFactory()

    def weeks(zone):
        page = selectors.sessions_page(user=user, zone=zone, organiser=False, now=now)
        return {card.occurrence.pk: week.label for week in page.weeks for card in week.cards}

    assert weeks(TOKYO) == {
        this_week.pk: "This week",
        late_sunday.pk: "Week of 14 December",  # Monday 14 December, 08:30 in Tokyo
        later.pk: "Week of 21 December",
    }
    assert weeks(NEW_YORK) == {
        this_week.pk: "This week",
        late_sunday.pk: "Next week",  # still Sunday 13 December, 18:30 in New York
        later.pk: "Week of 21 December",
    }


@pytest.mark.parametrize(("zone", "monday_offset"), [("Asia/Tokyo", 1), ("America/New_York", -6)])
def test_the_page_heads_each_week_in_the_readers_zone(client, zone, monday_offset):
    _reader(client, zone)
    sunday = _sunday_late(weeks_ahead=3)
    occurrence = OccurrenceFactory(starts_at=sunday)
    html = client.get(reverse("officehours_sessions")).content.decode()
    monday = sunday.date() + timedelta(days=monday_offset)
    assert _week_label_of(html, occurrence) == f"Week of {monday.day} {monday:%B}"
    assert html.count('<h3 class="oh-week__title"') == 1


# Filters


@pytest.fixture
def three_times():
    """One series in Tokyo's morning, afternoon and evening (UTC 23:30, 05:00, 10:00)."""
    series = SeriesFactory(title="Clinic")
    other = SeriesFactory(title="Open hours")
    sunday = _sunday_late(weeks_ahead=1)
    return {
        "morning": OccurrenceFactory(series=series, starts_at=sunday),  # 08:30 Tokyo
        "afternoon": OccurrenceFactory(
            series=series, starts_at=sunday + timedelta(hours=5, minutes=30)
        ),  # 14:00
        "evening": OccurrenceFactory(
            series=other, starts_at=sunday + timedelta(hours=10, minutes=30)
        ),  # 19:00
    }


@pytest.mark.parametrize("part", ["morning", "afternoon", "evening"])
def test_time_of_day_is_the_readers(client, three_times, part):
    _reader(client, "Asia/Tokyo")
    html = client.get(reverse("officehours_sessions"), {"part": part}).content.decode()
    assert _listed(html) == {three_times[part].pk}
    assert "1 session match your choice" in html


def test_the_same_session_is_evening_in_new_york(client, three_times):
    _reader(client, "America/New_York")
    html = client.get(reverse("officehours_sessions"), {"part": "evening"}).content.decode()
    assert three_times["morning"].pk in _listed(html)  # Sunday 18:30 in New York


def test_filter_by_series_plain_and_with_htmx(client, three_times):
    _reader(client, "Asia/Tokyo")
    series = three_times["morning"].series
    url = reverse("officehours_sessions")
    plain = client.get(url, {"series": series.pk})
    assert plain.status_code == 200 and "<html" in plain.content.decode()
    assert _listed(plain.content.decode()) == {
        three_times["morning"].pk,
        three_times["afternoon"].pk,
    }
    swapped = client.get(url, {"series": series.pk, "part": "afternoon"}, headers=HTMX)
    html = swapped.content.decode()
    assert swapped.status_code == 200 and "<html" not in html
    assert html.lstrip().startswith('<div class="oh-list" id="session-list">')
    assert _listed(html) == {three_times["afternoon"].pk}
    assert "HX-Request" in swapped["Vary"]
    # going back in history asks htmx for the whole page
    restored = client.get(
        url, {"series": series.pk}, headers=HTMX | {"HX-History-Restore-Request": "true"}
    )
    assert "<html" in restored.content.decode()


@pytest.mark.parametrize(
    ("query", "sentence"),
    [
        ({"series": "abc"}, "That series is not on offer any more, so every series is shown."),
        ({"series": "999999"}, "That series is not on offer any more"),
        ({"part": "noon"}, "Choose morning, afternoon or evening; every time of day is shown."),
        ({"part": "<script>"}, "Choose morning, afternoon or evening"),
    ],
)
@pytest.mark.parametrize("htmx", [False, True])
def test_a_bad_filter_answers_400_with_a_sentence_and_every_session(
    client, three_times, query, sentence, htmx
):
    _reader(client, "Asia/Tokyo")
    response = client.get(reverse("officehours_sessions"), query, headers=HTMX if htmx else {})
    html = response.content.decode()
    assert response.status_code == 400
    assert sentence in html and 'role="alert"' in html
    assert _listed(html) == {o.pk for o in three_times.values()}
    assert "<script>" not in html


def test_the_part_choices_are_the_selectors():
    choices = SessionFilterForm(series=[]).fields["part"].choices
    assert {value for value, _ in choices if value} == set(selectors.PARTS_OF_DAY)


def test_the_filter_form_works_with_and_without_htmx(client, me, three_times):
    html = client.get(reverse("officehours_sessions")).content.decode()
    form = re.search(r'<form class="form oh-filters"[^>]*>', html)[0]
    assert 'method="get"' in form and 'action="/office-hours/"' in form
    assert 'hx-get="/office-hours/"' in form and 'hx-push-url="true"' in form
    assert 'hx-target="#session-list"' in form


# Query counts


@pytest.mark.parametrize("sessions", [3, 40])
def test_the_page_has_a_fixed_number_of_queries(
    client, me, sessions, django_assert_max_num_queries
):
    all_series = [SeriesFactory(capacity=2) for _ in range(4)]
    for i, series in enumerate(all_series):
        _host(series, f"Host {i} One")
        _host(series, f"Host {i} Two")
    start = timezone.now() + timedelta(hours=2)
    for i in range(sessions):
        occurrence = OccurrenceFactory(
            series=all_series[i % 4], starts_at=start + timedelta(hours=7 * i)
        )
        services.booking_create(occurrence=occurrence, user=UserFactory())
        if i % 3 == 0:
            services.booking_create(occurrence=occurrence, user=UserFactory())  # full
        if i % 5 == 0:
            services.booking_create(occurrence=occurrence, user=me)  # seat or waitlist
    # a recent session the person cancelled: "Book again" looks up the series' next one
    clinic = SeriesFactory()
    gone = OccurrenceFactory(series=clinic, starts_at=start + timedelta(days=1))
    OccurrenceFactory(series=clinic, starts_at=start + timedelta(days=8))
    services.booking_cancel(booking=services.booking_create(occurrence=gone, user=me))
    client.get(reverse("officehours_sessions"))  # the menu's cached lookups
    # session, user, feed, series on offer, sessions, their hosts, my bookings, my places in
    # line, the next sessions to book again, sessions I host, the navigation's two lookups
    with django_assert_max_num_queries(12):
        html = client.get(reverse("officehours_sessions")).content.decode()
    assert len(_listed(html)) == min(sessions + 2, selectors.UPCOMING_MAX)
    assert "Book again" in html and "in line" in html
    with django_assert_max_num_queries(12):
        client.get(reverse("officehours_sessions"), {"part": "morning"}, headers=HTMX)


# Hosts


def test_hosts_are_named_with_initials_or_their_photo(client, me):
    series = SeriesFactory()
    _host(series, "Ana Lima")
    pictured = _host(series, "Bo Chen")
    profile = UserProfile.get_for_user(pictured)
    profile.avatar.name = "avatar_images/bo.png"  # as uploaded in Wagtail's account settings
    profile.save()
    no_directory = UserFactory(first_name="Chidi", last_name="Okafor")
    series.hosts.add(no_directory)
    OccurrenceFactory(series=series)
    html = client.get(reverse("officehours_sessions")).content.decode()
    assert re.search(r'<span class="oh-avatar" aria-hidden="true">AL</span>Ana Lima', html)
    assert re.search(r'<img class="oh-avatar" src="/media/avatar_images/bo.png" alt=""', html)
    assert re.search(r'<span class="oh-avatar" aria-hidden="true">CO</span>Chidi Okafor', html)
    assert "gravatar" not in html


# Booking and cancelling: the outcome where focus can land, and the next step


def test_booking_with_htmx_answers_the_row_with_the_outcome_and_your_bookings(client, me):
    occurrence = OccurrenceFactory()
    response = client.post(
        reverse("officehours_book", args=[occurrence.pk]), {"topic": "Badges"}, headers=HTMX
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert html.lstrip().startswith(
        f'<li class="oh-row oh-row--confirmed" id="session-{occurrence.pk}"'
    )
    status = re.search(r'<p role="status"[^>]*>([^<]+)</p>', html)
    assert "data-swap-focus" in status[0] and status[1].startswith("Booked: you have a seat")
    assert "Add to calendar (.ics)" in html
    assert "Add to Google Calendar" in html and "Add to Outlook" in html
    assert 'class="continue"' in html  # the person's next step
    assert re.search(r'<section[^>]*id="your-bookings"[^>]*hx-swap-oob="true"', html)
    booking = Booking.objects.get(occurrence=occurrence, user=me)
    assert booking.topic == "Badges"


def test_without_javascript_book_posts_without_a_topic_and_comes_back(client, me):
    occurrence = OccurrenceFactory()
    page = client.get(reverse("officehours_sessions")).content.decode()
    form = re.search(r'<form class="oh-book" method="post" action="([^"]+)"', page)
    assert form[1] == reverse("officehours_book", args=[occurrence.pk])
    response = client.post(form[1])  # the dialog never opened: no topic
    assert response.status_code == 302 and response["Location"] == reverse("officehours_sessions")
    page = client.get(response["Location"]).content.decode()
    assert "Booked: you have a seat" in page  # the message, above your bookings
    assert Booking.objects.get(occurrence=occurrence, user=me).topic == ""


def test_the_dialog_asks_the_topic_once(client, me):
    for _ in range(3):
        OccurrenceFactory()
    html = client.get(reverse("officehours_sessions")).content.decode()
    assert html.count("<dialog") == 1 and html.count('id="book-dialog-topic"') == 1
    assert html.count("data-book") == 3
    assert 'name="topic"' in re.search(r'<form class="oh-book".*?</form>', html, re.S)[0]


def test_cancelling_in_your_bookings_answers_that_section_and_the_row_out_of_band(client, me):
    occurrence = OccurrenceFactory()
    booking = services.booking_create(occurrence=occurrence, user=me)
    response = client.post(
        reverse("officehours_cancel", args=[booking.pk]), {"from": "bookings"}, headers=HTMX
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<section class="card oh-mine" id="your-bookings"')
    item = re.search(rf'<li[^>]*id="booking-{booking.pk}".*?</li>', html, re.S)[0]
    assert re.search(r'<p role="status"[^>]*data-swap-focus[^>]*>Your seat is cancelled', item)
    assert "Book again" in item
    assert re.search(rf'<li class="oh-row" id="session-{occurrence.pk}" hx-swap-oob="true">', html)
    assert html.count('role="status"') == 1  # the outcome once, not in the other part


def test_cancelling_in_the_row_says_so_in_the_row(client, me):
    occurrence = OccurrenceFactory(capacity=1)
    services.booking_create(occurrence=occurrence, user=UserFactory())
    booking = services.booking_create(occurrence=occurrence, user=me)  # the waitlist
    html = client.post(reverse("officehours_cancel", args=[booking.pk]), headers=HTMX)
    html = html.content.decode()
    assert html.lstrip().startswith(f'<li class="oh-row" id="session-{occurrence.pk}"')
    assert re.search(r'<p role="status"[^>]*>You have left the waitlist.</p>', html)
    assert "Full: you can join the waitlist" in html and "Join the waitlist" in html


def test_an_error_is_an_alert_in_the_row(client, me):
    occurrence = OccurrenceFactory()
    Occurrence.objects.filter(pk=occurrence.pk).update(status="cancelled")
    html = client.post(reverse("officehours_book", args=[occurrence.pk]), headers=HTMX)
    assert re.search(
        r'<p role="alert"[^>]*data-swap-focus[^>]*>This session has been cancelled',
        html.content.decode(),
    )


# Your bookings


def test_your_bookings_lists_seats_and_places_in_line_first(client, me):
    full = OccurrenceFactory(capacity=1, starts_at=timezone.now() + timedelta(days=1))
    services.booking_create(occurrence=full, user=UserFactory())
    services.booking_create(occurrence=full, user=UserFactory())
    services.booking_create(occurrence=full, user=me)
    seat = services.booking_create(occurrence=OccurrenceFactory(), user=me)
    html = client.get(reverse("officehours_sessions")).content.decode()
    mine = re.search(r'<section class="card oh-mine" id="your-bookings".*?</section>', html, re.S)[
        0
    ]
    assert "number 2 in line" in mine and "You have a seat" in mine
    assert mine.index("number 2 in line") < mine.index("You have a seat")  # by date
    assert "Add to Google Calendar" in mine and "Leave the waitlist" in mine
    assert reverse("officehours_ics", args=[seat.pk]) in mine
    assert html.index('id="your-bookings"') < html.index('id="session-list"')  # at the top


def test_a_cancelled_or_past_session_offers_the_next_of_its_series(client, me):
    series = SeriesFactory(title="Clinic")
    past = OccurrenceFactory(series=series, starts_at=timezone.now() + timedelta(days=1))
    services.booking_create(occurrence=past, user=me)
    Occurrence.objects.filter(pk=past.pk).update(
        starts_at=timezone.now() - timedelta(days=2),
        ends_at=timezone.now() - timedelta(days=2) + timedelta(minutes=45),
    )
    following = OccurrenceFactory(series=series, starts_at=timezone.now() + timedelta(days=5))
    OccurrenceFactory(series=series, starts_at=timezone.now() + timedelta(days=12))
    html = client.get(reverse("officehours_sessions")).content.decode()
    link = re.search(r'<a class="button button--outline" href="([^"]+)">Book again', html)
    assert link[1] == f"/office-hours/?series={series.pk}#session-{following.pk}"
    assert "Took place" in html

    services.booking_create(occurrence=following, user=me)  # booked again: no more offer
    html = client.get(reverse("officehours_sessions")).content.decode()
    assert "Book again" not in html


def test_a_session_cancelled_by_the_organisers_says_so(client, me):
    series = SeriesFactory()
    occurrence = OccurrenceFactory(series=series)
    services.booking_create(occurrence=occurrence, user=me)
    services.occurrence_cancel(occurrence=occurrence)
    html = client.get(reverse("officehours_sessions")).content.decode()
    assert "Cancelled by the organisers" in html
    assert "No later session of this series is scheduled yet." in html


# The calendar feed


def test_the_feed_address_has_a_copy_button_and_stays_selectable(client, me):
    services.calendar_feed_renew(user=me)
    html = client.get(reverse("officehours_sessions")).content.decode()
    assert re.search(r'<input class="oh-feed__url" id="feed-url" type="text" readonly', html)
    assert re.search(r'<button [^>]*type="button" data-copy="feed-url"[^>]*>Copy the address', html)
    assert '<p class="oh-copy__status" role="status" id="feed-url-status"></p>' in html
    assert "portal/js/officehours" in html


# My path


def test_the_my_path_panel_is_none_without_bookings(django_assert_max_num_queries):
    user = UserFactory()
    services.booking_cancel(
        booking=services.booking_create(occurrence=OccurrenceFactory(), user=user)
    )
    with django_assert_max_num_queries(1):
        assert selectors.my_path_bookings(user) is None


def test_the_my_path_panel_in_two_queries_with_cancel_buttons(
    client, me, django_assert_max_num_queries
):
    full = OccurrenceFactory(capacity=1)
    services.booking_create(occurrence=full, user=UserFactory())
    waiting = services.booking_create(occurrence=full, user=me)
    seat = services.booking_create(occurrence=OccurrenceFactory(), user=me)
    with django_assert_max_num_queries(2):
        panel = selectors.my_path_bookings(me)
    assert [item.booking for item in panel["bookings"]] == sorted(
        [waiting, seat], key=lambda b: b.occurrence.starts_at
    )
    html = client.get(reverse("my_path")).content.decode()
    assert "Your office hours" in html and "number 1 in line" in html
    for booking in (waiting, seat):
        assert f'action="{reverse("officehours_cancel", args=[booking.pk])}"' in html
    response = client.post(reverse("officehours_cancel", args=[seat.pk]), {"from": "bookings"})
    assert response.status_code == 302
    assert Booking.objects.get(pk=seat.pk).status == "cancelled"
