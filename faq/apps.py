"""The FAQ guide: entries by category, search, helpfulness, questions from staff."""

from django.apps import AppConfig


class FaqConfig(AppConfig):
    name = "faq"
    verbose_name = "FAQ guide"

    def ready(self):
        from notifications import kinds

        kinds.register(
            kinds.Kind(
                "faq.question_settled",
                label="A question you asked is answered",
                group="FAQ",
            )
        )
        from portal import admin_todo, navigation, panels
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
                where_for=selectors.faq_next_unread_url,
            )
        )
        navigation.register(navigation.NavItem("FAQ guide", selectors.faq_guide_url, order=2))
        admin_todo.register(
            admin_todo.Todo(
                "faq_questions",
                singular="{n} question from staff waits for an answer",
                plural="{n} questions from staff wait for an answer",
                count=selectors.questions_open_count,
                where="faq_admin_questions",
                order=10,
            )
        )
        panels.register(
            panels.Panel(
                "faq_questions",
                template="faq/my_path_questions.html",
                context=selectors.my_path_questions,
                order=10,
            )
        )
        sections.register(sections.Section("faq", faq_table, order=30, about=sections.SOME))
        receivers.connect()
