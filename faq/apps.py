"""The FAQ guide: entries by category, search, helpfulness, questions from staff."""

from django.apps import AppConfig


class FaqConfig(AppConfig):
    name = "faq"
    verbose_name = "FAQ guide"

    def ready(self):
        from portal import navigation, panels
        from portal.reports import sections
        from portal.tiers import events

        from . import receivers, selectors
        from .reports import faq_table

        events.register(
            events.EventKind(
                "faq_viewed",
                label="Read FAQ entries",
                singular="Read {n} FAQ entry",
                plural="Read {n} FAQ entries",
                where=selectors.faq_guide_url,
            )
        )
        navigation.register(navigation.NavItem("FAQ guide", selectors.faq_guide_url, order=2))
        panels.register(
            panels.Panel(
                "faq_questions",
                template="faq/my_path_questions.html",
                context=selectors.my_path_questions,
                order=10,
            )
        )
        sections.register(sections.Section("faq", faq_table, order=30))
        receivers.connect()
