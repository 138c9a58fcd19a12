from django.core.management.base import BaseCommand

from portal.tiers.services import tier_attainments_recompute


class Command(BaseCommand):
    help = "Rebuild every tier attainment from the event log (set-wise; safe to run any time)."

    def handle(self, *args, **options):
        result = tier_attainments_recompute()
        self.stdout.write(
            self.style.SUCCESS(
                f"Tier attainments up to date: {result.created} periods added, "
                f"{result.deleted} removed."
            )
        )
