"""Writes for office hours: scheduling, booking, the waitlist, capacity, attendance, reminders.

Every change to an occurrence's seats happens with the occurrence row locked
(`select_for_update`, which PostgreSQL honours and SQLite's single writer makes moot), and a
seat is taken by a conditional update (`confirmed < capacity`) under a check constraint, so no
interleaving of requests can overbook. Arrival order is the order in which requests get that
lock: `queued_at` is read after taking it, so the waitlist is served exactly in that order.
Messages are rows in the `Reminder` outbox, written in the same transaction as the change they
announce, and sent by `reminders_send`.
"""

import secrets
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.apps import apps
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from notifications.content import Action, Content
from notifications.services import Email, notify
from portal.accounts.zones import time_zone_of
from portal.models import EngagementEvent
from portal.outbox.dispatch import dispatch
from portal.outbox.services import File
from portal.people.services import staff_link_user
from portal.tiers.services import engagement_record

from . import calendar, selectors
from .models import ACTIVE, Booking, CalendarFeed, Occurrence, Reminder, Series

REMINDERS_BEFORE = {
    Reminder.Kind.DAY_BEFORE: timedelta(hours=24),
    Reminder.Kind.HOUR_BEFORE: timedelta(hours=1),
}
TOPIC_MAX = Booking._meta.get_field("topic").max_length
# The messages that give a person their seat: they carry the invitation.
INVITATIONS = (Reminder.Kind.CONFIRMED, Reminder.Kind.PROMOTED)
SUBJECTS = {
    Reminder.Kind.CONFIRMED: "Booked: {title}",
    Reminder.Kind.DAY_BEFORE: "Office hours tomorrow: {title}",
    Reminder.Kind.HOUR_BEFORE: "Office hours in an hour: {title}",
    Reminder.Kind.PROMOTED: "You have a seat: {title}",
    Reminder.Kind.CANCELLED: "Cancelled: {title}",
    Reminder.Kind.RECORDING: "The recording is up: {title}",
    Reminder.Kind.WITHDRAWN: "You cancelled: {title}",
}
# What the chat message and the inbox say (the email says more, with the calendar links).
TEXTS = {
    Reminder.Kind.CONFIRMED: "You have a seat at {title}. The email has the calendar invitation.",
    Reminder.Kind.DAY_BEFORE: "A reminder: you have a seat at {title} tomorrow.",
    Reminder.Kind.HOUR_BEFORE: "{title} starts in an hour.",
    Reminder.Kind.PROMOTED: "A seat came free at {title} and it is yours.",
    Reminder.Kind.CANCELLED: "{title} has been cancelled, and your booking with it. "
    "Please choose another session.",
    Reminder.Kind.RECORDING: "The recording of {title} is up.",
    Reminder.Kind.WITHDRAWN: "You cancelled your seat at {title}.",
}


class BookingError(ValueError):
    """A booking request that cannot be done, in words the person can act on, and where to
    go to put it right, if anywhere."""

    def __init__(self, message: str, *, url: str = ""):
        super().__init__(message)
        self.url = url


def occurrences_schedule(*, series: Series, now: datetime | None = None) -> int:
    """Create the series' sessions for its next `weeks_ahead` weeks; those that exist stay.

    The local start time is turned into an instant in the series' zone on each date, so a
    session at 10:00 Berlin time stays at 10:00 across daylight-saving changes. A local time
    that does not exist that day (the spring-forward gap) moves forward by the gap.
    """
    now = now or timezone.now()
    zone = ZoneInfo(series.time_zone)
    local_today = now.astimezone(zone).date()
    first = local_today + timedelta(days=(series.weekday - local_today.weekday()) % 7)
    created = 0
    for week in range(series.weeks_ahead + 1):
        day = first + timedelta(weeks=week)
        starts = datetime.combine(day, series.start_time, tzinfo=zone).astimezone(UTC)
        if starts <= now or starts > now + timedelta(weeks=series.weeks_ahead):
            continue
        _, made = Occurrence.objects.get_or_create(
            series=series,
            starts_at=starts,
            defaults={
                "ends_at": starts + timedelta(minutes=series.duration_minutes),
                "capacity": series.capacity,
                "location": series.location,
            },
        )
        created += made
    return created


def booking_create(
    *, occurrence: Occurrence, user, topic: str = "", now: datetime | None = None
) -> Booking:
    """A seat if one is free, else a place on the waitlist. Asking twice returns the same one.

    `now` is for simulated clocks in tests; arrival is otherwise read after taking the lock.
    """
    topic = " ".join(topic.split())
    if len(topic) > TOPIC_MAX:
        raise BookingError(f"Please keep the topic under {TOPIC_MAX} characters.")
    _prerequisite_check(occurrence.series, user)
    try:
        with transaction.atomic():
            locked = _lock(occurrence)
            if locked.status != Occurrence.Status.SCHEDULED:
                raise BookingError("This session has been cancelled; choose another one.")
            now = now or timezone.now()
            if locked.starts_at <= now:
                raise BookingError("This session has already started; choose a later one.")
            existing = Booking.objects.filter(
                occurrence=locked, user=user, status__in=ACTIVE
            ).first()
            if existing:
                return existing
            seat = _seat_take(locked)
            booking = Booking.objects.create(
                occurrence=locked,
                user=user,
                topic=topic,
                status=Booking.Status.CONFIRMED if seat else Booking.Status.WAITLISTED,
                queued_at=now,
                confirmed_at=now if seat else None,
            )
            if seat:
                _confirmation_write(booking, now)
            return booking
    except IntegrityError:  # the same person, twice at once: the other request won
        return Booking.objects.get(occurrence=occurrence, user=user, status__in=ACTIVE)


def booking_cancel(*, booking: Booking, now: datetime | None = None) -> Booking:
    """Give up a seat or a place in the queue. A freed seat goes to the first person waiting."""
    with transaction.atomic():
        occurrence = _lock(booking.occurrence)
        was = Booking.objects.filter(pk=booking.pk).values_list("status", flat=True).first()
        if was not in ACTIVE:
            raise BookingError("This booking is already cancelled.")
        now = now or timezone.now()
        Booking.objects.filter(pk=booking.pk).update(
            status=Booking.Status.CANCELLED, cancelled_at=now, sequence=F("sequence") + 1
        )
        if was == Booking.Status.CONFIRMED:
            Occurrence.objects.filter(pk=occurrence.pk).update(confirmed=F("confirmed") - 1)
            # the calendar update that takes the invitation back (sent only if one went out)
            Reminder.objects.get_or_create(
                booking=booking, kind=Reminder.Kind.WITHDRAWN, defaults={"due_at": now}
            )
            _waitlist_promote(occurrence, now)
    _send_soon()
    booking.refresh_from_db()
    return booking


def occurrence_edit(
    *,
    occurrence: Occurrence,
    start_time: time,
    duration_minutes: int,
    location: str,
    capacity: int,
    future: bool,
) -> int:
    """Change one session, or (`future`) it and every later one of its series, which then
    schedules new weeks the same way. How many sessions changed.

    Times are local to the series' zone on each session's own date, so a move to 11:00 stays
    11:00 across a daylight-saving change. Capacity follows the same rule as ever: if any
    session has more seats taken than the new capacity, nothing changes and the organiser is
    told which. Reminders not yet sent move with their session; calendars see a new SEQUENCE.
    """
    if duration_minutes < 5:
        raise BookingError("A session lasts at least 5 minutes.")
    if capacity < 1:
        raise BookingError("A session needs at least one seat.")
    series = occurrence.series
    zone = ZoneInfo(series.time_zone)
    with transaction.atomic():
        targets = Occurrence.objects.select_for_update().filter(pk=occurrence.pk)
        if future:
            targets = Occurrence.objects.select_for_update().filter(
                series=series,
                status=Occurrence.Status.SCHEDULED,
                starts_at__gte=occurrence.starts_at,
            )
        targets = list(targets.order_by("starts_at"))
        too_full = [o for o in targets if o.confirmed > capacity]
        if too_full:
            dates = ", ".join(f"{o.starts_at.astimezone(zone):%d %b}" for o in too_full)
            raise BookingError(
                f"{capacity} seat{'s' if capacity != 1 else ''} would be fewer than are already "
                f"taken on {dates}. Cancel bookings there first, or choose a larger capacity."
            )
        for target in targets:
            day = target.starts_at.astimezone(zone).date()
            starts = datetime.combine(day, start_time, tzinfo=zone).astimezone(UTC)
            moved = starts != target.starts_at or location != target.location
            Occurrence.objects.filter(pk=target.pk).update(
                starts_at=starts,
                ends_at=starts + timedelta(minutes=duration_minutes),
                location=location,
                capacity=capacity,
                sequence=F("sequence") + (1 if moved else 0),
            )
            for kind, before in REMINDERS_BEFORE.items():
                Reminder.objects.filter(
                    booking__occurrence=target, kind=kind, claimed_at__isnull=True
                ).update(due_at=starts - before)
            _waitlist_promote(target, timezone.now())
        if future:
            Series.objects.filter(pk=series.pk).update(
                start_time=start_time,
                duration_minutes=duration_minutes,
                location=location,
                capacity=capacity,
            )
    _send_soon()
    return len(targets)


def series_saved(*, series: Series, created: bool = False) -> str:
    """After a series is created or edited, however that happens: editing changes all its
    future sessions (time of day, length, place, seats; one session alone is changed from its
    own page), and an active series is scheduled `weeks_ahead` (a new weekday applies to weeks
    not yet scheduled). Returns a warning when the future sessions could not follow (seats
    already taken above the new capacity, say): the series is saved, they are unchanged."""
    warning = ""
    upcoming = (
        None
        if created
        else series.occurrences.filter(
            status=Occurrence.Status.SCHEDULED, starts_at__gt=timezone.now()
        )
        .order_by("starts_at")
        .first()
    )
    if upcoming is not None:
        try:
            occurrence_edit(
                occurrence=upcoming,
                start_time=series.start_time,
                duration_minutes=series.duration_minutes,
                location=series.location,
                capacity=series.capacity,
                future=True,
            )
        except BookingError as error:
            warning = f"{error} The series is saved; its scheduled sessions are unchanged."
    if series.active:
        occurrences_schedule(series=series)
    return warning


def occurrence_cancel(*, occurrence: Occurrence) -> int:
    """Cancel one session and tell everyone booked or waiting, once. How many were told."""
    with transaction.atomic():
        locked = _lock(occurrence)
        if locked.status == Occurrence.Status.CANCELLED:
            return 0
        now = timezone.now()
        Occurrence.objects.filter(pk=locked.pk).update(
            status=Occurrence.Status.CANCELLED, confirmed=0, sequence=F("sequence") + 1
        )
        active = list(Booking.objects.filter(occurrence=locked, status__in=ACTIVE))
        Booking.objects.filter(pk__in=[b.pk for b in active]).update(
            status=Booking.Status.CANCELLED, cancelled_at=now, sequence=F("sequence") + 1
        )
        Reminder.objects.bulk_create(
            [Reminder(booking=b, kind=Reminder.Kind.CANCELLED, due_at=now) for b in active],
            ignore_conflicts=True,
        )
    _send_soon()
    return len(active)


def attendance_mark(*, booking: Booking, attended: bool) -> Booking:
    """The host's mark after the session starts. Attending counts toward the person's tier."""
    occurrence = booking.occurrence
    if occurrence.starts_at > timezone.now():
        raise BookingError("Attendance can be marked once the session has started.")
    if booking.status != Booking.Status.CONFIRMED:
        raise BookingError("Only people with a confirmed seat can be marked.")
    with transaction.atomic():
        Booking.objects.filter(pk=booking.pk).update(attended=attended)
        staff = staff_link_user(user=booking.user)
        if attended and staff is not None:
            engagement_record(
                staff=staff,
                kind="office_hours_attended",
                subject=str(occurrence.series_id),
                source="host",
                occurred_at=occurrence.starts_at,
                idempotency_key=f"office_hours_attended:{booking.pk}",
            )
    booking.refresh_from_db()
    return booking


def recording_post(*, occurrence: Occurrence, url: str) -> int:
    """Post the recording link and tell the people who booked or waited. How many were told."""
    if occurrence.starts_at > timezone.now():
        raise BookingError("The recording can be posted once the session has taken place.")
    with transaction.atomic():
        Occurrence.objects.filter(pk=occurrence.pk).update(recording_url=url)
        audience = Booking.objects.filter(occurrence=occurrence, status__in=ACTIVE)
        now = timezone.now()
        made = Reminder.objects.bulk_create(
            [Reminder(booking=b, kind=Reminder.Kind.RECORDING, due_at=now) for b in audience],
            ignore_conflicts=True,
        )
    _send_soon()
    occurrence.refresh_from_db()
    return len(made)


def reminders_send(*, now: datetime | None = None, limit: int = 500) -> int:
    """Hand the reminders that are due to the outbox, each once. How many were queued.

    Each row is claimed and its message queued in one transaction, so a retried task, a second
    worker or one killed mid-batch neither loses nor doubles one; the outbox delivers them, with
    retries. Reminders for bookings no longer confirmed, or whose session has started, are
    skipped, never sent late.
    """
    now = now or timezone.now()
    due = list(
        Reminder.objects.filter(claimed_at__isnull=True, due_at__lte=now)
        .select_related("booking__occurrence__series", "booking__user")
        .order_by("due_at", "pk")[:limit]
    )
    queued = 0
    for reminder in due:
        with transaction.atomic():
            if not Reminder.objects.filter(pk=reminder.pk, claimed_at__isnull=True).update(
                claimed_at=now
            ):
                continue  # someone else has it
            if _reminder_stale(reminder, now):
                Reminder.objects.filter(pk=reminder.pk).update(skipped=True)
                continue
            _reminder_queue(reminder, now)
            Reminder.objects.filter(pk=reminder.pk).update(sent_at=now)
            queued += 1
    return queued


def calendar_feed_renew(*, user) -> CalendarFeed:
    """A new private feed address for `user`; the old one stops working at once."""
    feed, _ = CalendarFeed.objects.update_or_create(
        user=user, defaults={"token": secrets.token_urlsafe(32)}
    )
    return feed


def calendar_feed_revoke(*, user) -> None:
    CalendarFeed.objects.filter(user=user).delete()


def topic_to_faq(*, booking: Booking) -> object:
    """Send a booking's topic to the FAQ guide's question queue, as asked by the attendee, who
    is then told when it is answered. Needs the FAQ app installed."""
    if not apps.is_installed("faq"):
        raise BookingError("The FAQ guide is not installed here.")
    if not booking.topic:
        raise BookingError("This booking has no topic to send.")
    from faq.models import Question
    from faq.services import FAQError, question_ask

    try:
        return question_ask(
            user=booking.user, text=booking.topic, source=Question.Source.OFFICE_HOURS
        )
    except FAQError as error:
        raise BookingError(str(error)) from error


# Internals ----------------------------------------------------------------------------------


def _lock(occurrence: Occurrence) -> Occurrence:
    return Occurrence.objects.select_for_update().select_related("series").get(pk=occurrence.pk)


def _seat_take(occurrence: Occurrence) -> bool:
    return bool(
        Occurrence.objects.filter(
            pk=occurrence.pk, status=Occurrence.Status.SCHEDULED, confirmed__lt=F("capacity")
        ).update(confirmed=F("confirmed") + 1)
    )


def _waitlist_promote(occurrence: Occurrence, now: datetime) -> int:
    """Give free seats to the people waiting, first come first served. How many moved up."""
    promoted = 0
    waiting = Booking.objects.filter(occurrence=occurrence, status=Booking.Status.WAITLISTED)
    for booking in waiting.order_by("queued_at", "pk"):
        if not _seat_take(occurrence):
            break
        Booking.objects.filter(pk=booking.pk).update(
            status=Booking.Status.CONFIRMED, confirmed_at=now, sequence=F("sequence") + 1
        )
        # the promotion's email is its confirmation: the invitation and calendar links
        Reminder.objects.get_or_create(
            booking=booking, kind=Reminder.Kind.PROMOTED, defaults={"due_at": now}
        )
        _reminders_write(booking, now)
        promoted += 1
    return promoted


def _confirmation_write(booking: Booking, now: datetime) -> None:
    """A new seat's outbox rows: the confirmation (due now, with the invitation attached) and
    the reminders. Written in the booking's transaction; sent after it commits, by a worker."""
    Reminder.objects.bulk_create(
        [Reminder(booking=booking, kind=Reminder.Kind.CONFIRMED, due_at=now)],
        ignore_conflicts=True,
    )
    _reminders_write(booking, now)
    _send_soon()


def _reminders_write(booking: Booking, now: datetime) -> None:
    """The 24-hour and 1-hour reminders, unless their moment has already passed."""
    starts = booking.occurrence.starts_at
    rows = [
        Reminder(booking=booking, kind=kind, due_at=starts - before)
        for kind, before in REMINDERS_BEFORE.items()
        if starts - before > now
    ]
    Reminder.objects.bulk_create(rows, ignore_conflicts=True)


def _reminder_stale(reminder: Reminder, now: datetime) -> bool:
    booking, occurrence = reminder.booking, reminder.booking.occurrence
    if reminder.kind in REMINDERS_BEFORE:
        return (
            booking.status != Booking.Status.CONFIRMED
            or occurrence.status != Occurrence.Status.SCHEDULED
            or occurrence.starts_at <= now
        )
    if reminder.kind in (Reminder.Kind.CONFIRMED, Reminder.Kind.PROMOTED):
        return (
            booking.status != Booking.Status.CONFIRMED
            or occurrence.status != Occurrence.Status.SCHEDULED
            or occurrence.starts_at <= now
        )
    if reminder.kind == Reminder.Kind.WITHDRAWN:  # nothing to take back if no invitation went
        return (
            occurrence.starts_at <= now
            or not Reminder.objects.filter(
                booking=booking, kind__in=INVITATIONS, sent_at__isnull=False
            ).exists()
        )
    return False


def _reminder_queue(reminder: Reminder, now: datetime) -> None:
    """The notification in the reader's own zone; a seat's confirmation carries the invitation
    (.ics) and links for web calendars, a cancellation the .ics that takes it back."""
    booking = reminder.booking
    occurrence = booking.occurrence
    reader_zone = time_zone_of(booking.user)  # every channel shows the reader's own time
    invitation = reminder.kind in INVITATIONS
    hosts = selectors.hosts_of(series=occurrence.series)
    sessions_path = reverse("officehours_sessions")
    cancelled = reminder.kind == Reminder.Kind.CANCELLED
    upcoming = _next_of(occurrence, now) if cancelled else None  # offered in its place
    context = {
        "reminder": reminder,
        "upcoming": upcoming,
        "booking": booking,
        "occurrence": occurrence,
        "zone": reader_zone.key,
        "portal_url": settings.WAGTAILADMIN_BASE_URL.rstrip("/") + sessions_path,
        "hosts": hosts if invitation else (),
    }
    if invitation:
        context |= {
            "google_url": calendar.google_calendar_url(booking),
            "outlook_url": calendar.outlook_calendar_url(booking),
        }
    with timezone.override(reader_zone):
        body = render_to_string("officehours/email/reminder.txt", context)
        when = (
            f"{date_format(timezone.localtime(occurrence.starts_at), 'l j F, H:i')}"
            f"–{date_format(timezone.localtime(occurrence.ends_at), 'H:i')} ({reader_zone.key})"
        )
    files = ()
    if invitation or reminder.kind in (Reminder.Kind.CANCELLED, Reminder.Kind.WITHDRAWN):
        ics = calendar.booking_ics(booking)  # REQUEST while the seat stands, else CANCEL
        method = "REQUEST" if booking.status == Booking.Status.CONFIRMED else "CANCEL"
        files = (File(f"office-hours-{booking.pk}.ics", ics, f"text/calendar; method={method}"),)
    title = SUBJECTS[reminder.kind].format(title=occurrence.series.title)
    facts = [("When", when)]
    if hosts and invitation:
        facts.append(("Hosted by", ", ".join(host.name for host in hosts)))
    going = reminder.kind not in (
        Reminder.Kind.CANCELLED,
        Reminder.Kind.WITHDRAWN,
        Reminder.Kind.RECORDING,
    )
    actions = []
    if going and occurrence.location.startswith(("https://", "http://")):
        actions.append(Action("Join the session", occurrence.location, primary=True))
    if reminder.kind == Reminder.Kind.RECORDING and occurrence.recording_url:
        actions.append(Action("Watch the recording", occurrence.recording_url, primary=True))
    if upcoming:
        with timezone.override(reader_zone):
            starts = date_format(timezone.localtime(upcoming.starts_at), "l j F, H:i")
        facts.append(("Next session", f"{starts} ({reader_zone.key})"))
        # in Slack and Teams it takes the seat in place; in an email it is the link
        actions.append(
            Action("Book the next session", sessions_path, "book", str(upcoming.pk), primary=True)
        )
    actions.append(Action("Your office hours", sessions_path))
    notify(
        user=booking.user,
        key=f"officehours.reminder:{reminder.pk}",
        content=Content(
            kind=f"officehours.{reminder.kind}",
            title=title,
            text=TEXTS[reminder.kind].format(title=occurrence.series.title),
            url=sessions_path,
            facts=tuple(facts),
            actions=tuple(actions),
        ),
        email=Email(subject=title, body=body, files=files),
        # a reminder before the session is no use once it has started
        expires_at=occurrence.starts_at if reminder.kind in REMINDERS_BEFORE else None,
        now=now,
    )


def _next_of(occurrence: Occurrence, now: datetime) -> Occurrence | None:
    """The series' next scheduled session after `occurrence` that has not started."""
    return (
        Occurrence.objects.filter(
            series=occurrence.series,
            status=Occurrence.Status.SCHEDULED,
            starts_at__gt=max(now, occurrence.starts_at),
        )
        .order_by("starts_at")
        .first()
    )


def _prerequisite_check(series: Series, user) -> None:
    kind = series.prerequisite_kind
    if not kind:
        return
    if not EngagementEvent.objects.filter(staff__user=user, kind=kind).exists():
        from portal.tiers import events

        known = events.registry.get(kind)
        what = known.describe(1) if known else kind
        raise BookingError(
            f"This session is for people who have done this first: {what}.",
            url=known.url if known else "",
        )


def _send_soon() -> None:
    """Ask a worker to send what is due now (promotions, cancellations) without waiting."""
    from .tasks import reminders_sweep

    dispatch(reminders_sweep)
