"""The champion score settings become a Wagtail generic setting, with a minimum tier to invite.

The table stays; only its rules change. As a snippet there could be more than one row (the
admin listed only the first, by id, and the score read only that one); a generic setting is
exactly one, and Wagtail reads the first by id too. So the row in force keeps every value and
any other row, which nothing read, is removed.
"""

import django.db.models.deletion
from django.db import migrations, models


def keep_the_row_in_force(apps, schema_editor):
    ScoreSettings = apps.get_model("champions", "ScoreSettings")
    in_force = ScoreSettings.objects.order_by("pk").first()
    if in_force is not None:
        ScoreSettings.objects.exclude(pk=in_force.pk).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("champions", "0002_managers_run_the_programme"),
        ("portal", "0004_directory_tiers_events"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="scoresettings",
            options={
                "verbose_name": "champion programme",
                "verbose_name_plural": "champion programme settings",
            },
        ),
        migrations.AddField(
            model_name="scoresettings",
            name="min_invite_tier",
            field=models.ForeignKey(
                blank=True,
                help_text="Nobody below this tier can be invited to the programme. "
                "Empty: no minimum.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="portal.tier",
                verbose_name="minimum tier to be invited",
            ),
        ),
        migrations.RunPython(keep_the_row_in_force, migrations.RunPython.noop),
    ]
