"""Weekly office hours: sessions, booking with a waitlist, calendars, reminders, attendance."""

from django.apps import AppConfig


class OfficehoursConfig(AppConfig):
    name = "officehours"
    verbose_name = "Office hours"

    def ready(self):
        from notifications import actions, kinds
        from portal import admin_todo, navigation, panels
        from portal.reports import sections
        from portal.tiers import events

        from . import chat_actions, selectors
        from .reports import office_hours_table

        events.register(
            events.EventKind(
                "office_hours_attended",
                label="Attend office hours",
                singular="Attend an office hour",
                plural="Attend {n} office hours",
                where="officehours_sessions",
            )
        )
        navigation.register(navigation.NavItem("Office hours", "officehours_sessions", order=4))
        actions.register(actions.ActionSpec("book", chat_actions.book))
        for key, label, optional, urgent in (
            ("confirmed", "Your seat is booked (with the calendar invitation)", False, False),
            ("promoted", "A seat came free for you", False, True),
            ("cancelled", "A session you booked is cancelled", False, True),
            ("withdrawn", "You cancelled a seat (takes it out of your calendar)", False, False),
            ("24h", "A reminder the day before", True, False),
            ("1h", "A reminder an hour before, with the join link", True, True),
            ("recording", "The recording of a session you booked is up", True, False),
        ):
            kinds.register(
                kinds.Kind(
                    f"officehours.{key}",
                    label=label,
                    group="Office hours",
                    optional=optional,
                    urgent=urgent,
                )
            )
        admin_todo.register(
            admin_todo.Todo(
                "officehours_attendance",
                singular="{n} past session waits for its attendance to be marked",
                plural="{n} past sessions wait for their attendance to be marked",
                count=selectors.sessions_unmarked_count,
                where="officehours_sessions",
                order=30,
            )
        )
        panels.register(
            panels.Panel(
                "officehours_bookings",
                template="officehours/my_path_bookings.html",
                context=selectors.my_path_bookings,
                order=20,
            )
        )
        sections.register(
            sections.Section("office_hours", office_hours_table, order=20, about=sections.SOME)
        )
