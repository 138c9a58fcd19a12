from django.apps import AppConfig


class FaqConfig(AppConfig):
    name = "faq"
    verbose_name = "FAQ guide"

    def ready(self):
        from portal.tiers import events

        events.register(
            events.EventKind(
                "faq_viewed",
                label="Read FAQ entries",
                singular="Read {n} FAQ entry",
                plural="Read {n} FAQ entries",
            )
        )
