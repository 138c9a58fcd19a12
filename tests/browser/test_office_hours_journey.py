"""Office hours in a browser: a member of staff books, joins a full session's waitlist, is
promoted when someone cancels, downloads the .ics; the host marks attendance and the
attendee's tier moves. axe checks every page."""

import re
from datetime import timedelta

from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from officehours import services
from officehours.factories import OccurrenceFactory, SeriesFactory
from officehours.models import Booking, Occurrence
from portal.factories import StaffFactory, UserFactory
from portal.models import Tier, TierAttainment
from portal.tiers.services import engagement_record, tier_attainments_update


def _trained_person():
    """Someone at Trained, for whom one office hour is what Engaged still asks."""
    user = UserFactory()
    person = StaffFactory(user=user, email=user.email)
    kinds = [("faq_viewed", f"entry-{i}") for i in range(5)] + [
        ("policy_acknowledged", "v1"),  # the demo rules of engagement are version 1
        ("wiifm_watched", ""),
        ("training_completed", ""),
    ]
    for i, (kind, subject) in enumerate(kinds):
        engagement_record(
            staff=person,
            kind=kind,
            subject=subject,
            source="test",
            occurred_at=timezone.now() - timedelta(days=10, hours=i),
        )
    tier_attainments_update(staff_id=person.pk)
    return user, person


def test_book_wait_get_promoted_and_be_marked_attended(sign_in_as, seeded):
    host = seeded["editor"]
    staff, person = _trained_person()
    engaged = Tier.objects.get(order=4)
    assert TierAttainment.objects.filter(staff=person, tier__order=3).exists()
    series = SeriesFactory(title="Open office hours", capacity=1, time_zone="Europe/London")
    series.hosts.add(host)
    soon = timezone.now() + timedelta(days=2)
    open_session = OccurrenceFactory(series=series, starts_at=soon, capacity=3)
    full_session = OccurrenceFactory(series=series, starts_at=soon + timedelta(days=7), capacity=1)
    holder = UserFactory()
    holding = services.booking_create(occurrence=full_session, user=holder)

    portal = sign_in_as(staff)
    page = portal.page
    portal.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Office hours").click()
    portal.check_a11y()

    # A seat in the open session, with a topic asked in the dialog
    card = page.locator(f"#session-{open_session.pk}")
    card.get_by_role("button", name="Book a seat").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("What do you want to discuss?").fill("Badges on my profile")
    dialog.get_by_role("button", name="Book a seat").click()
    page.locator(f"#session-{open_session.pk}").get_by_text(
        "You have a seat", exact=True
    ).wait_for()
    portal.check_a11y()

    # The full one: the waitlist
    card = page.locator(f"#session-{full_session.pk}")
    assert "Full" in card.inner_text()
    card.get_by_role("button", name="Join the waitlist").click()
    page.get_by_role("dialog").get_by_role("button", name="Join the waitlist").click()
    page.locator(f"#session-{full_session.pk}").get_by_text("number 1 in line").wait_for()
    portal.check_a11y()
    portal.screenshot("office-hours-sessions")

    # Someone cancels: the first in line is promoted, and told
    services.booking_cancel(booking=holding)
    assert Booking.objects.get(occurrence=full_session, user=staff).status == "confirmed"
    portal.goto("/office-hours/")
    promoted = page.locator(f"#session-{full_session.pk}")
    assert "You have a seat" in promoted.inner_text()

    # The calendar file, from "Your bookings"
    booking = Booking.objects.get(occurrence=open_session, user=staff)
    with page.expect_download() as download:
        page.locator(f"#booking-{booking.pk}").get_by_role(
            "link", name=re.compile(r"calendar \(\.ics\)")
        ).click()
    event = Calendar.from_ical(open(download.value.path(), "rb").read()).walk("VEVENT")[0]  # noqa: SIM115
    assert str(event["SUMMARY"]) == "Open office hours"

    # After the session, the host marks attendance; the attendee's tier moves
    Occurrence.objects.filter(pk=open_session.pk).update(
        starts_at=timezone.now() - timedelta(hours=1),
        ends_at=timezone.now() - timedelta(minutes=15),
    )
    page.context.clear_cookies()
    sign_in_as(host)
    portal.goto(f"/office-hours/{open_session.pk}/host/")
    assert "Badges on my profile" in page.locator("table").inner_text()
    assert not TierAttainment.objects.filter(staff=person, tier=engaged).exists()
    page.get_by_role("button", name=re.compile("^Attended")).first.click()
    portal.check_a11y()
    assert Booking.objects.get(occurrence=open_session, user=staff).attended is True
    assert TierAttainment.objects.filter(
        staff=person, tier=engaged, lapsed_at__isnull=False
    ).exists()
    portal.screenshot("office-hours-host")


def test_hosts_are_chosen_by_name_in_the_series_form(sign_in_as, community_manager, server_lock):
    """The series form names its hosts; 'Choose hosts' opens a chooser that searches by name
    and takes several at once; saving keeps who was chosen."""
    series = SeriesFactory(title="Open office hours", time_zone="Europe/London")
    first = UserFactory(username="u-1001", first_name="", last_name="")
    StaffFactory(user=first, email=first.email, display_name="Ingrid Holm")
    series.hosts.add(first)
    second = UserFactory(username="u-1002", first_name="Tomasz", last_name="Wrona")
    portal = sign_in_as(community_manager)
    page = portal.page
    portal.goto(f"/admin/snippets/officehours/series/edit/{series.pk}/")
    hosts = page.locator("[data-hosts-chooser]")
    expect(hosts).to_contain_text("Ingrid Holm")
    page.get_by_role("button", name="Choose hosts").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("textbox", name="Search term").fill("wron")
    expect(dialog.locator("tbody tr")).to_have_count(1)  # the search has answered
    expect(dialog.locator("tbody")).to_contain_text("Tomasz Wrona")
    dialog.locator("tbody").get_by_role("checkbox").check()
    portal.check_a11y(upstream={"aria-dialog-name": "Wagtail's chooser modal (upstream)"})
    dialog.get_by_role("button", name=re.compile("Confirm")).click()
    expect(hosts).to_contain_text("Tomasz Wrona")
    expect(dialog).to_have_count(0)
    portal.screenshot("office-hours-series-hosts")
    page.set_viewport_size({"width": 390, "height": 844})
    portal.screenshot("office-hours-series-hosts-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("button", name="Save").first.click()
    page.wait_for_url(re.compile(r"/admin/snippets/officehours/series/$"))
    portal.check_a11y(upstream={"color-contrast": "Wagtail's success banner (upstream)"})
    with server_lock:
        assert set(series.hosts.all()) == {first, second}
