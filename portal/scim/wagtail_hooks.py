"""The Provisioning screen's place in the Wagtail admin, for superusers."""

from django.urls import path, reverse
from wagtail import hooks

from portal.admin_menu import PermittedMenuItem

from . import admin_views


@hooks.register("register_admin_urls")
def register_provisioning_urls():
    return [
        path("provisioning/", admin_views.provisioning, name="scim_provisioning"),
        path(
            "provisioning/tokens/<int:pk>/revoke/",
            admin_views.token_revoke,
            name="scim_token_revoke",
        ),
    ]


@hooks.register("register_settings_menu_item")
def register_provisioning_menu_item():
    return PermittedMenuItem(
        "Provisioning (SCIM)",
        reverse("scim_provisioning"),
        allowed=admin_views.is_superuser,
        name="provisioning",
        icon_name="key",
        order=950,
    )
