"""Requirements may count different subjects, and the FAQ reading requirement does.

"Read 5 FAQ entries" means five entries, not one entry on five days. The default Aware
requirement on `faq_viewed` (any subject) is switched to count entries; run `recompute_tiers`
(or wait for the nightly run) to bring existing attainments in line.
"""

from django.db import migrations, models


def faq_readings_count_entries(apps, schema_editor):
    Requirement = apps.get_model("portal", "Requirement")
    Requirement.objects.filter(event_kind="faq_viewed", subject="").update(distinct_subjects=True)


class Migration(migrations.Migration):
    dependencies = [("portal", "0006_programme_permissions")]

    operations = [
        migrations.AddField(
            model_name="requirement",
            name="distinct_subjects",
            field=models.BooleanField(
                default=False,
                help_text="Count each subject once (five different FAQ entries, not one entry "
                "five times). Needs the subject left empty.",
                verbose_name="count different subjects",
            ),
        ),
        migrations.RunPython(faq_readings_count_entries, migrations.RunPython.noop),
    ]
