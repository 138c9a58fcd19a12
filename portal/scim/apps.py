from django.apps import AppConfig


class ScimConfig(AppConfig):
    """SCIM 2.0 provisioning: its own app so its tables migrate on their own (see `models`)."""

    name = "portal.scim"
    label = "scim"
    verbose_name = "Provisioning (SCIM)"

    def ready(self):
        from portal.audit import actions

        # SCIM's pydantic models are built here, while the call stack is short: on Python
        # before 3.13 pydantic finds each model's attribute docstrings by asking the module of
        # every frame on the stack, and built inside the URLconf's import (a hundred frames
        # deep) they took seconds of every web process's, worker's and command's start-up.
        from . import filters, protocol  # noqa: F401

        # Who may change the directory from outside: every token made or revoked is recorded.
        actions.register("scim.token_created", "Made a SCIM provisioning token")
        actions.register("scim.token_revoked", "Revoked a SCIM provisioning token")
