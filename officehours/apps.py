"""Weekly office hours: sessions, booking with a waitlist, calendars, reminders, attendance."""

from django.apps import AppConfig


class OfficehoursConfig(AppConfig):
    name = "officehours"
    verbose_name = "Office hours"

    def ready(self):
        from portal import navigation
        from portal.tiers import events

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
