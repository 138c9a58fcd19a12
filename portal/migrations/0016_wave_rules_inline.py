"""A wave's rules belong to it as a cluster (modelcluster's `ParentalKey`), so the admin edits
them on the wave's own form as an inline panel. The column and its rows are unchanged."""

import django.db.models.deletion
import modelcluster.fields
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0015_directory_imports"),
    ]

    operations = [
        migrations.AlterField(
            model_name="waverule",
            name="wave",
            field=modelcluster.fields.ParentalKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="rules",
                to="portal.wave",
            ),
        ),
    ]
