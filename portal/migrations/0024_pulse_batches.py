# Pulse answers that cannot be tied to a person (issue 20): answers lose their groups, their day
# and their sequential ids; published results per group and quarter take over the numbers.

import random
import uuid
from collections import defaultdict
from datetime import date

from django.db import migrations, models

GROUPINGS = ("wave", "department")


def answers_batched(apps, schema_editor):
    """The answers so far were all shown already, so they are published as they are: one
    result per wave and per department and quarter. Then each answer is written again in a
    shuffled order under a random id, without its groups or day, and the old table goes."""
    before = apps.get_model("portal", "PulseAnswerBefore")
    answer = apps.get_model("portal", "PulseAnswer")
    result = apps.get_model("portal", "PulseResult")
    rows = list(
        before.objects.values(
            "wave_id", "department_id", "quarter", "confidence", "what_would_help"
        )
    )
    totals = defaultdict(lambda: [0, 0, 0])
    for row in rows:
        for grouping in GROUPINGS:
            total = totals[(grouping, row[f"{grouping}_id"] or 0, row["quarter"])]
            total[0] += 1
            if row["confidence"] is not None:
                total[1] += 1
                total[2] += row["confidence"]
    result.objects.bulk_create(
        result(grouping=g, group_id=group, quarter=q, answers=n, rated=r, confidence_sum=s)
        for (g, group, q), (n, r, s) in totals.items()
    )
    random.SystemRandom().shuffle(rows)
    answer.objects.bulk_create(
        answer(
            id=uuid.uuid4(),
            quarter=row["quarter"],
            confidence=row["confidence"],
            what_would_help=row["what_would_help"],
        )
        for row in rows
    )


def answers_unbatched(apps, schema_editor):
    """Back to one row per answer with a day: the first of its quarter, and no groups (which
    the batched answers no longer know)."""
    before = apps.get_model("portal", "PulseAnswerBefore")
    answer = apps.get_model("portal", "PulseAnswer")
    before.objects.bulk_create(
        before(
            quarter=a.quarter,
            confidence=a.confidence,
            what_would_help=a.what_would_help,
            answered_on=date(int(a.quarter[:4]), (int(a.quarter[-1]) - 1) * 3 + 1, 1),
        )
        for a in answer.objects.all()
    )


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0023_erasure_requests"),
    ]

    operations = [
        migrations.CreateModel(
            name="PulsePending",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("sealed", models.BinaryField(default=b"")),
            ],
        ),
        migrations.CreateModel(
            name="PulseResult",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "grouping",
                    models.CharField(
                        choices=[("wave", "Wave"), ("department", "Department")], max_length=10
                    ),
                ),
                (
                    "group_id",
                    models.PositiveIntegerField(
                        help_text="The wave's or department's id; 0: none."
                    ),
                ),
                ("quarter", models.CharField(max_length=7)),
                ("answers", models.PositiveIntegerField(default=0)),
                (
                    "rated",
                    models.PositiveIntegerField(
                        default=0, help_text="Answers that gave a confidence."
                    ),
                ),
                ("confidence_sum", models.PositiveIntegerField(default=0)),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("grouping", "group_id", "quarter"), name="pulse_result_once"
                    )
                ],
            },
        ),
        migrations.RenameModel("PulseAnswer", "PulseAnswerBefore"),
        migrations.CreateModel(
            name="PulseAnswer",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("quarter", models.CharField(max_length=7)),
                (
                    "confidence",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        help_text="How confident they are talking about the community with "
                        "customers, 1 to 5.",
                        null=True,
                    ),
                ),
                ("what_would_help", models.TextField(blank=True, max_length=1000)),
            ],
        ),
        migrations.RunPython(answers_batched, answers_unbatched),
        migrations.DeleteModel("PulseAnswerBefore"),
        migrations.RemoveField(model_name="pulseasked", name="asked_at"),
    ]
