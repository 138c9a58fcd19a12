"""Widen the events' (kind, staff, time) index with the subject, so that requirements counting
different subjects read the index alone. The new index is built before the old one goes."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("portal", "0007_requirement_distinct_subjects")]

    operations = [
        migrations.AddIndex(
            model_name="engagementevent",
            index=models.Index(
                fields=["kind", "staff", "occurred_at", "subject"],
                name="event_kind_staff_time_subj",
            ),
        ),
        migrations.RemoveIndex(model_name="engagementevent", name="event_kind_staff_time"),
    ]
