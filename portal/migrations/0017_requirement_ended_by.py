"""A requirement can be ended by a later event, and the Champion tier's is.

The Champion tier asks for `champion_joined`; moving to alumni records `champion_left`, which
now ends it (joining again holds it again), so an alumnus leaves the tier funnel as they leave
the champion report. Run `recompute_tiers` (or wait for the nightly run) to end the periods of
people who left before this migration.
"""

from django.db import migrations, models

import portal.tiers.events


def champion_leaving_ends_joining(apps, schema_editor):
    Requirement = apps.get_model("portal", "Requirement")
    Requirement.objects.filter(event_kind="champion_joined", ended_by="").update(
        ended_by="champion_left"
    )


class Migration(migrations.Migration):
    dependencies = [("portal", "0016_wave_rules_inline")]

    operations = [
        migrations.AddField(
            model_name="requirement",
            name="ended_by",
            field=models.CharField(
                blank=True,
                choices=portal.tiers.events.kind_choices,
                help_text="An event of this kind ends the requirement: afterwards only later "
                "events count (leaving the champion programme ends having joined it). Empty: "
                "nothing ends it.",
                max_length=64,
                verbose_name="ended by",
            ),
        ),
        migrations.RunPython(champion_leaving_ends_joining, migrations.RunPython.noop),
    ]
