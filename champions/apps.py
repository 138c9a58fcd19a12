from django.apps import AppConfig


class ChampionsConfig(AppConfig):
    name = "champions"
    verbose_name = "Champions"

    def ready(self):
        from portal import navigation, permissions
        from portal.reports import sections
        from portal.rollout import suggestions
        from portal.tiers import events

        from .reports import champion_coverage_table
        from .rollout import first_movers

        navigation.register(navigation.NavItem("Champions", "champions_directory", order=5))
        suggestions.register(first_movers)
        sections.register(sections.Section("champion_coverage", champion_coverage_table, order=40))
        navigation.register(
            navigation.NavItem(
                "Champion review",
                "champions_review",
                order=12,
                visible=permissions.can_run_programme,
                section="tools",
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
