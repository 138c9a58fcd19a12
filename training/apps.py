"""Tiered training: modules, lessons, the WIIFM video, knowledge checks, certificates."""

from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = "Training"

    def ready(self):
        from notifications import actions, kinds

        from . import chat_actions

        actions.register(actions.ActionSpec("lesson_done", chat_actions.lesson_done))

        kinds.register(
            kinds.Kind(
                "training.assignment_overdue",
                label="A module required for your role is overdue",
                group="Training",
            )
        )
        from portal import navigation, panels
        from portal.tiers import events

        from . import receivers, selectors

        kinds = [
            (
                "policy_acknowledged",
                "Acknowledge the rules of engagement",
                "Acknowledge the rules of engagement",
                "Acknowledge the rules of engagement",
                selectors.policy_url,
                selectors.policy_place,
            ),
            (
                "wiifm_watched",
                "Watch the WIIFM video",
                "Watch the WIIFM video",
                "Watch {n} WIIFM videos",
                selectors.training_index_url,
                selectors.wiifm_place,
            ),
            (
                "video_watched",
                "Watch training videos",
                "Watch a training video",
                "Watch {n} training videos",
                selectors.training_index_url,
                selectors.training_place,
            ),
            (
                "quiz_passed",
                "Pass knowledge checks",
                "Pass a knowledge check",
                "Pass {n} knowledge checks",
                selectors.training_index_url,
                selectors.training_place,
            ),
            (
                "training_completed",
                "Complete the training module",
                "Complete the training module and its knowledge check",
                "Complete {n} training modules",
                selectors.training_index_url,
                selectors.training_place,
            ),
        ]
        # `where` serves everyone (My path's tier overview); `where_for` is the exact place for
        # one person: the lesson, video or check where their training goes on.
        for code, label, singular, plural, where, where_for in kinds:
            events.register(
                events.EventKind(code, label, singular, plural, where=where, where_for=where_for)
            )
        navigation.register(navigation.NavItem("Training", selectors.training_index_url, order=3))
        panels.register(
            panels.Panel(
                "training",
                template="training/my_path_training.html",
                context=selectors.my_path_training,
                order=5,
            )
        )
        receivers.connect()
