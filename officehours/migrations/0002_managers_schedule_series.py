"""Let community managers schedule office-hour series in the admin."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant(apps, schema_editor):
    config = apps.get_app_config("officehours")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    managers = Group.objects.filter(name="Community managers").first()
    if managers is not None:
        managers.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="officehours",
                codename__in=["add_series", "change_series", "delete_series", "view_series"],
            )
        )


class Migration(migrations.Migration):
    dependencies = [("officehours", "0001_initial"), ("portal", "0006_programme_permissions")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
