"""Let community managers tune the champion score (change, not add or delete: there is one)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant(apps, schema_editor):
    config = apps.get_app_config("champions")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    managers = Group.objects.filter(name="Community managers").first()
    if managers is not None:
        managers.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="champions",
                codename__in=["change_scoresettings", "view_scoresettings"],
            )
        )


class Migration(migrations.Migration):
    dependencies = [("champions", "0001_initial"), ("portal", "0006_programme_permissions")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
