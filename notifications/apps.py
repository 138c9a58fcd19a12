"""Notifications: one layer over the outbox for email, Slack, Teams and the in-portal inbox."""

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import actions, kinds, nudges, services

        kinds.register(
            kinds.Kind(
                services.DIGEST,
                label="Your daily summary (when you choose one)",
                group="The portal",
                optional=False,
            )
        )
        actions.register(actions.ActionSpec("not_now", services.not_now))
        nudges.kinds_register()
        from portal.reports import sections

        from .reports import nudges_table

        sections.register(sections.Section("nudges", nudges_table, order=60, about=sections.SOME))
