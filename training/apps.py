from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = "Training"

    def ready(self):
        from portal.tiers import events

        events.register(
            events.EventKind(
                "policy_acknowledged",
                label="Acknowledge the rules of engagement",
                singular="Acknowledge the rules of engagement",
                plural="Acknowledge the rules of engagement",
            )
        )
        events.register(
            events.EventKind(
                "wiifm_watched",
                label="Watch the WIIFM video",
                singular="Watch the WIIFM video",
                plural="Watch the WIIFM video {n} times",
            )
        )
        events.register(
            events.EventKind(
                "training_completed",
                label="Complete the training module",
                singular="Complete the training module and its knowledge check",
                plural="Complete {n} training modules",
            )
        )
