from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal import demo


class Command(BaseCommand):
    help = "Fill the portal with synthetic demo people and content. Development only; idempotent."

    def add_arguments(self, parser):
        parser.add_argument(
            "--staff", type=int, default=120, help="How many people the demo organisation has."
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the demo accounts already exist (used by `make run`).",
        )

    def handle(self, *args, staff, if_empty, **options):
        if not settings.PORTAL_ALLOW_DEMO_DATA:
            raise CommandError(
                "Demo data is for development only: these settings do not allow it "
                "(PORTAL_ALLOW_DEMO_DATA is off, as it is in production)."
            )
        if staff < 0:
            raise CommandError("--staff must be zero or more.")
        if if_empty and demo.demo_is_seeded():
            self.stdout.write("Demo data is already there; nothing to do.")
        else:
            result = demo.demo_seed(staff=staff)
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo data ready: {result.accounts_created} demo accounts created, "
                    f"{result.staff} people in the directory, "
                    f"{result.periods_created} tier periods derived"
                    + (", home page filled." if result.home_page_filled else ".")
                )
            )
        self._logins_print()

    def _logins_print(self):
        self.stdout.write(f"\nDemo sign-ins (password for all: {demo.DEMO_PASSWORD}):")
        for account in demo.DEMO_ACCOUNTS:
            self.stdout.write(f"  {account.username:<9} {account.what}")
