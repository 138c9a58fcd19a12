"""Wagtail's admin reads the zone from the person's Wagtail profile: copy every zone people
chose on the portal there, so the admin's times are theirs from now on (`accounts.zones`)."""

from django.db import migrations


def copy_zones(apps, schema_editor):
    Preferences = apps.get_model("portal", "Preferences")
    UserProfile = apps.get_model("wagtailusers", "UserProfile")
    for user_id, zone in Preferences.objects.values_list("user_id", "time_zone").iterator():
        UserProfile.objects.update_or_create(user_id=user_id, defaults={"current_time_zone": zone})


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0018_target_reminders"),
        ("wagtailusers", "0015_userprofile_keyboard_shortcuts"),
    ]

    operations = [migrations.RunPython(copy_zones, migrations.RunPython.noop)]
