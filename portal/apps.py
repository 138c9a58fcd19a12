from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Portal"

    def ready(self):
        from notifications import kinds

        for key, label, group, optional in (
            ("rollout.invitation", "You are invited to a wave of the rollout", "Rollout", False),
            ("reports.digest", "The weekly adoption report", "Reports", True),
            ("reports.target_reminder", "A reminder of your next step", "Your path", True),
        ):
            kinds.register(kinds.Kind(key, label=label, group=group, optional=optional))
        from allauth.account import signals as allauth_signals
        from django.conf import settings
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_delete, post_save

        from . import navigation, panels, permissions
        from .accounts.receivers import sso_signed_in
        from .audit.changes import track
        from .people.models import Department, Location, Role, Staff
        from .people.receivers import link_staff_on_sign_in
        from .people.services import directory_revise
        from .reports import sections
        from .reports.scope import reports_visible
        from .reports.signins import signins_table
        from .rollout import panels as rollout_panels
        from .rollout import reports as rollout_reports
        from .rollout.models import Wave, WaveMember

        user_logged_in.connect(link_staff_on_sign_in, dispatch_uid="portal.link_staff")
        # allauth's own signal (not Django's): it carries the single sign-on's `sociallogin`.
        allauth_signals.user_logged_in.connect(sso_signed_in, dispatch_uid="portal.sso_signed_in")
        for model in (Staff, Role, Department, Location, Wave, WaveMember):
            for signal in (post_save, post_delete):
                signal.connect(
                    directory_revise, sender=model, dispatch_uid=f"portal.revise.{model.__name__}"
                )
        # Admin edits the audit log records (portal.audit.changes): who defines the tiers and
        # which role must reach which, who holds which role, and who may do what.
        track("portal.Tier", noun="tier", fields=("order", "name"), children=("requirements",))
        track("portal.Role", noun="role", fields=("name", "target_tier"))
        track(
            "portal.Staff",
            noun="staff",
            fields=("role", "department", "manager", "active"),
            created="",
            deleted="",
        )
        track(
            settings.AUTH_USER_MODEL,
            noun="account",
            fields=("is_superuser", "is_active"),
            many=("groups",),
            changed="access.changed",
        )
        navigation.register(navigation.NavItem("Home", "/", order=0))
        navigation.register(navigation.NavItem("My path", "my_path", order=1))
        navigation.register(
            navigation.NavItem(
                "Reports",
                "reports",
                order=10,
                visible=reports_visible,
                section="tools",
            )
        )
        sections.register(
            sections.Section("signins", signins_table, order=10, about=sections.EVERYONE)
        )
        sections.register(
            sections.Section("waves", rollout_reports.waves_table, order=15, about=sections.MEMBERS)
        )
        sections.register(
            sections.Section(
                "pulse_by_wave",
                rollout_reports.pulse_by_wave_table,
                order=50,
                about=sections.ANONYMOUS,
            )
        )
        sections.register(
            sections.Section(
                "pulse_by_department",
                rollout_reports.pulse_by_department_table,
                order=51,
                about=sections.ANONYMOUS,
            )
        )
        panels.register(
            panels.Panel(
                "rollout_pilot",
                template="rollout/my_path_pilot.html",
                context=rollout_panels.my_path_pilot,
                order=5,
            )
        )
        panels.register(
            panels.Panel(
                "rollout_pulse",
                template=rollout_panels.PULSE_TEMPLATE,
                context=rollout_panels.my_path_pulse,
                order=6,
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
