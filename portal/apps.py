from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Portal"

    def ready(self):
        from . import navigation, permissions

        navigation.register(navigation.NavItem("Home", "/", order=0))
        navigation.register(
            navigation.NavItem(
                "Reports",
                "reports",
                order=10,
                visible=permissions.can_view_reports,
                section="tools",
            )
        )
        navigation.register(
            navigation.NavItem(
                "Manage content",
                "wagtailadmin_home",
                order=20,
                visible=permissions.can_edit_content,
                section="tools",
            )
        )
