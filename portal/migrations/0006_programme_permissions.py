"""Let community managers keep the directory and the tiers in the admin.

Staff can be added and changed but not deleted: people who leave become inactive, so their
history stays. The event log is not editable by anyone here: it is append-only.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "staff": ["add", "change", "view"],
    "department": ["add", "change", "delete", "view"],
    "role": ["add", "change", "delete", "view"],
    "location": ["add", "change", "delete", "view"],
    "tier": ["add", "change", "delete", "view"],
    "requirement": ["add", "change", "delete", "view"],
}


def grant(apps, schema_editor):
    config = apps.get_app_config("portal")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    managers = Group.objects.filter(name="Community managers").first()
    if managers is None:
        return
    for model, actions in GRANTS.items():
        managers.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="portal",
                codename__in=[f"{action}_{model}" for action in actions],
            )
        )


class Migration(migrations.Migration):
    dependencies = [("portal", "0005_default_tiers")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
