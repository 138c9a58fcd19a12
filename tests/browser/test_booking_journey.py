"""Booking office hours with the keyboard alone: a person tabs to a session's Book button, gives
a topic in the dialog, books, and finds focus on the outcome in the row that changed; then
cancels the same way. The feed address copies with a button. axe checks after every swap;
screenshots at desktop and phone sizes go to test-artifacts/."""

from datetime import timedelta

from django.utils import timezone

from officehours import services
from officehours.factories import OccurrenceFactory, SeriesFactory
from officehours.models import Booking
from portal.factories import StaffFactory, UserFactory

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def _week_of_sessions():
    """Two series, each with hosts, and sessions spread over the coming three weeks."""
    first = SeriesFactory(title="Open office hours", capacity=4, time_zone="Europe/London")
    second = SeriesFactory(title="Moderation clinic", capacity=1, time_zone="America/New_York")
    for series, names in ((first, ["Ana Lima", "Bo Chen"]), (second, ["Chidi Okafor"])):
        for name in names:
            given, family = name.split()
            host = UserFactory(first_name=given, last_name=family)
            StaffFactory(user=host, email=host.email, display_name=name)
            series.hosts.add(host)
    start = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=1)
    sessions = []
    for day in range(0, 21, 3):
        sessions.append(OccurrenceFactory(series=first, starts_at=start + timedelta(days=day)))
        sessions.append(
            OccurrenceFactory(series=second, starts_at=start + timedelta(days=day, hours=5))
        )
    services.booking_create(occurrence=sessions[1], user=UserFactory())  # full: a waitlist
    return sessions


def _tab_to(page, selector: str, *, backwards: bool = False, limit: int = 80):
    """Press Tab (or Shift+Tab) until the element `selector` has focus, as a person would."""
    for _ in range(limit):
        if page.evaluate("s => document.activeElement?.matches(s) ?? false", selector):
            return
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
    raise AssertionError(f"{selector} never had focus after {limit} presses")


def _focused_text(page) -> str:
    return page.evaluate("() => document.activeElement.textContent.trim()")


def test_book_through_the_dialog_and_cancel_with_the_keyboard(sign_in_as, server_lock):
    with server_lock:
        sessions = _week_of_sessions()
        user = UserFactory(first_name="Dana")
        StaffFactory(user=user, email=user.email)
    target = sessions[2]
    portal = sign_in_as(user)
    page = portal.page
    page.set_viewport_size(DESKTOP)
    portal.goto("/office-hours/")
    portal.screenshot("booking-list-desktop")

    # Tab to the session's Book button; Enter opens the dialog, focus in the topic field
    _tab_to(page, f"#session-{target.pk} [data-book]")
    page.keyboard.press("Enter")
    dialog = page.locator("#book-dialog")
    dialog.wait_for(state="visible")
    assert page.evaluate("() => document.activeElement.id") == "book-dialog-topic"
    assert "Open office hours" in dialog.inner_text()
    portal.check_a11y()
    page.keyboard.type("Badges on my profile")
    portal.screenshot("booking-dialog-desktop")

    # Tab to "Book a seat" in the dialog and press Enter: the row is swapped, focus on the outcome
    _tab_to(page, "#book-dialog button[value=book]")
    page.keyboard.press("Enter")
    outcome = page.locator(f"#session-{target.pk} [role=status]")
    outcome.wait_for()
    page.wait_for_function(
        "id => document.activeElement?.getAttribute('role') === 'status' && "
        "document.activeElement.closest('#session-' + id) !== null",
        arg=target.pk,
    )
    assert _focused_text(page).startswith("Booked: you have a seat")
    portal.check_a11y()
    with server_lock:
        booking = Booking.objects.get(occurrence=target, user=user)
        assert (booking.status, booking.topic) == ("confirmed", "Badges on my profile")
    row = page.locator(f"#session-{target.pk}")
    assert row.get_by_role("link", name="Add to Google Calendar").is_visible()
    assert row.get_by_role("link", name="Add to Outlook").is_visible()
    assert row.locator(".continue a").count() == 1  # the next step after this one
    # "Your bookings" was updated out of band
    assert "Open office hours" in page.locator("#your-bookings").inner_text()
    portal.screenshot("booking-booked-desktop")

    # Shift+Tab back to "Cancel my seat" in the row; Enter cancels, focus on the outcome again
    _tab_to(page, f"#session-{target.pk} .oh-row__action button", backwards=True)
    page.keyboard.press("Enter")
    page.wait_for_function(
        "id => document.activeElement?.closest('#session-' + id) && "
        "document.activeElement.textContent.includes('Your seat is cancelled')",
        arg=target.pk,
    )
    assert page.evaluate("() => document.activeElement.getAttribute('role')") == "status"
    portal.check_a11y()
    with server_lock:
        booking.refresh_from_db()
        assert booking.status == "cancelled"

    # On a phone: the same list, compact, and the dialog
    page.set_viewport_size(PHONE)
    portal.goto("/office-hours/")
    portal.screenshot("booking-list-phone")
    _tab_to(page, f"#session-{sessions[1].pk} [data-book]")
    assert "Join the waitlist" in _focused_text(page)
    page.keyboard.press("Enter")
    dialog.wait_for(state="visible")
    portal.check_a11y()
    portal.screenshot("booking-dialog-phone")
    page.keyboard.press("Escape")  # nothing booked
    dialog.wait_for(state="hidden")
    with server_lock:
        assert not Booking.objects.filter(occurrence=sessions[1], user=user).exists()


def test_cancel_from_your_bookings_and_copy_the_feed_address(sign_in_as, server_lock):
    with server_lock:
        sessions = _week_of_sessions()
        user = UserFactory()
        StaffFactory(user=user, email=user.email)
        services.booking_create(occurrence=sessions[0], user=user, topic="Weekend posting")
        services.booking_create(occurrence=sessions[1], user=user)  # the waitlist
        services.calendar_feed_renew(user=user)
    portal = sign_in_as(user)
    page = portal.page
    page.context.grant_permissions(["clipboard-write"])
    page.set_viewport_size(DESKTOP)
    portal.goto("/office-hours/")
    mine = page.locator("#your-bookings")
    assert "number 1 in line" in mine.inner_text()
    portal.screenshot("booking-yours-desktop")

    _tab_to(page, "#your-bookings form button")  # the first: the seat
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => document.activeElement?.closest('#your-bookings') && "
        "document.activeElement.getAttribute('role') === 'status'"
    )
    assert _focused_text(page).startswith("Your seat is cancelled")
    portal.check_a11y()
    assert mine.get_by_role("link", name="Book again").count() == 1
    assert "You cancelled" in mine.inner_text()
    portal.screenshot("booking-yours-cancelled-desktop")
    page.set_viewport_size(PHONE)
    portal.screenshot("booking-yours-cancelled-phone")

    # The feed address: a button copies it and says so
    page.set_viewport_size(DESKTOP)
    # No page of the portal may read the clipboard (Permissions-Policy: clipboard-read=()), so
    # the test keeps what the page wrote once the browser has taken it.
    page.evaluate(
        """() => {
            const write = navigator.clipboard.writeText.bind(navigator.clipboard);
            navigator.clipboard.writeText = (text) =>
                write(text).then(() => { window.copiedText = text; });
        }"""
    )
    _tab_to(page, "button[data-copy]")
    page.keyboard.press("Enter")
    page.locator("#feed-url-status").get_by_text("Copied").wait_for()
    copied = page.evaluate("() => window.copiedText")
    assert copied == page.locator("#feed-url").input_value()
    assert copied.endswith(".ics")
