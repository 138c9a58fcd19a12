from django.apps import AppConfig


class ScimConfig(AppConfig):
    """SCIM 2.0 provisioning: its own app so its tables migrate on their own (see `models`)."""

    name = "portal.scim"
    label = "scim"
    verbose_name = "Provisioning (SCIM)"

    def ready(self):
        from portal.audit import actions

        # Who may change the directory from outside: every token made or revoked is recorded.
        actions.register("scim.token_created", "Made a SCIM provisioning token")
        actions.register("scim.token_revoked", "Revoked a SCIM provisioning token")
