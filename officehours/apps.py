"""Weekly office hours: sessions, booking with a waitlist, calendars, reminders, attendance."""

from django.apps import AppConfig


class OfficehoursConfig(AppConfig):
    name = "officehours"
    verbose_name = "Office hours"

    def ready(self):
        from portal import navigation
        from portal.reports import sections
        from portal.tiers import events

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
        sections.register(sections.Section("office_hours", office_hours_table, order=20))
