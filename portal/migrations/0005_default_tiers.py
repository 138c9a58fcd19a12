"""The default tiers of the seed programme (DESIGN.md), editable afterwards in the admin."""

from django.db import migrations

DEFAULT_TIERS = [
    (1, "Aware", "You know what the community is, why it matters, and the rules of engagement.",
     [("faq_viewed", 5, None, None), ("policy_acknowledged", 1, None, None)]),
    (2, "Informed", "You know what is in it for you and for your customers.",
     [("wiifm_watched", 1, None, None)]),
    (3, "Trained", "You can take part confidently: you have done the training and passed its check.",
     [("training_completed", 1, None, None)]),
    (4, "Engaged", "You take part: you came to office hours or contribute to the community.",
     [("office_hours_attended", 1, 90, 1), ("community_contributed", 3, 90, 1)]),
    (5, "Champion", "You lead: you are part of the champion programme.",
     [("champion_joined", 1, None, None)]),
]  # fmt: skip


def create_tiers(apps, schema_editor):
    Tier = apps.get_model("portal", "Tier")
    Requirement = apps.get_model("portal", "Requirement")
    if Tier.objects.exists():
        return
    for order, name, description, requirements in DEFAULT_TIERS:
        tier = Tier.objects.create(order=order, name=name, description=description)
        for kind, count, window, group in requirements:
            Requirement.objects.create(
                tier=tier, event_kind=kind, min_count=count, window_days=window, either_group=group
            )


def remove_tiers(apps, schema_editor):
    apps.get_model("portal", "Tier").objects.filter(
        name__in=[name for _, name, _, _ in DEFAULT_TIERS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("portal", "0004_directory_tiers_events")]
    operations = [migrations.RunPython(create_tiers, remove_tiers)]
