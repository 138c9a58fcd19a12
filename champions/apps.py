from django.apps import AppConfig


class ChampionsConfig(AppConfig):
    name = "champions"
    verbose_name = "Champions"

    def ready(self):
        from notifications import kinds

        kinds.register(
            kinds.Kind(
                "champions.invitation",
                label="You are invited to be a champion",
                group="Champions",
                optional=False,
            )
        )
        from django.urls import reverse

        from portal import admin_todo, navigation, panels, permissions
        from portal.audit.changes import track
        from portal.reports import sections
        from portal.rollout import suggestions
        from portal.tiers import events

        from .models import ScoreSettings
        from .reports import champion_coverage_table
        from .rollout import first_movers
        from .selectors import my_path_nominations, nominations_waiting_count

        navigation.register(navigation.NavItem("Champions", "champions_directory", order=5))
        track(  # the score's weights, the review queue and the minimum tier, edited in Settings
            "champions.ScoreSettings",
            noun="score_settings",
            fields=tuple(
                f.name
                for f in ScoreSettings._meta.concrete_fields
                if f.name not in ("id", "updated_at")
            ),
            created="",
            deleted="",
        )
        suggestions.register(first_movers)
        panels.register(
            panels.Panel(
                "champions_nominations",
                template="champions/my_path_nominations.html",
                context=my_path_nominations,
                order=20,
            )
        )
        sections.register(
            sections.Section(
                "champion_coverage",
                champion_coverage_table,
                order=40,
                about=sections.DEPARTMENTS,
            )
        )
        navigation.register(
            navigation.NavItem(
                "Champion review",
                "champions_review",
                order=12,
                visible=permissions.can_run_programme,
                section="tools",
            )
        )

        admin_todo.register(
            admin_todo.Todo(
                "champions_nominations",
                singular="{n} nominated person waits for a decision",
                plural="{n} nominated people wait for a decision",
                count=lambda user: nominations_waiting_count(),
                where=lambda: reverse("champions_review") + "?show=nominated",
                order=20,
            )
        )
        admin_todo.register(
            admin_todo.Todo(
                "champions_unmatched",
                singular="{n} community activity waits to be matched to a person",
                plural="{n} community activities wait to be matched to a person",
                count=lambda user: _unmatched_waiting(),
                where=_unmatched_url,
                order=40,
            )
        )

        events.register(
            events.EventKind(
                "community_contributed",
                label="Contribute to the community",
                singular="Post or answer in the community once",
                plural="Post or answer in the community {n} times",
            )
        )
        events.register(
            events.EventKind(
                "community_liked",
                label="Like posts in the community",
                singular="Like a post in the community",
                plural="Like {n} posts in the community",
            )
        )
        events.register(
            events.EventKind(
                "champion_joined",
                label="Join the champion programme",
                singular="Join the champion programme",
                plural="Join the champion programme",
                where="champions_directory",
            )
        )
        events.register(
            events.EventKind(
                "champion_left",
                label="Leave the champion programme (moved to alumni)",
                singular="Leave the champion programme",
                plural="Leave the champion programme",
            )
        )


def _unmatched_waiting() -> int:
    from .models import UnmatchedActivity

    return UnmatchedActivity.objects.filter(resolved_at__isnull=True).count()


def _unmatched_url() -> str:
    from django.urls import reverse

    return reverse("champions_unmatched:list")
