"""Make, list and revoke the identity provider's SCIM tokens, for automation.

manage.py scim_token create "Entra ID"     # prints the token once, on its own line
manage.py scim_token list
manage.py scim_token revoke 3               # by the id `list` shows
"""

from django.core.management.base import BaseCommand, CommandError

from portal.scim.models import ScimToken
from portal.scim.tokens import scim_token_create, scim_token_revoke


class Command(BaseCommand):
    help = "Create, list or revoke bearer tokens for SCIM provisioning (/scim/v2/)."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="Make a token; it is printed once.")
        create.add_argument("name", help="Which identity provider will use it.")
        actions.add_parser("list", help="Every token, revoked ones included.")
        revoke = actions.add_parser("revoke", help="Stop a token working, from now on.")
        revoke.add_argument("id", type=int, help="The token's id, as `list` shows it.")

    def handle(self, *args, action, **options):
        if action == "create":
            name = options["name"].strip()
            if not name:
                raise CommandError("Give the token a name: which identity provider uses it.")
            row, token = scim_token_create(name=name)
            self.stderr.write(
                f"Token {row.pk} ({row.name}) made. It is printed below once and never "
                "shown again: give it to the identity provider now."
            )
            self.stdout.write(token)
        elif action == "list":
            for row in ScimToken.objects.all():
                state = f"revoked {row.revoked_at:%Y-%m-%d %H:%M}" if row.revoked_at else "valid"
                used = f"{row.last_used_at:%Y-%m-%d %H:%M}" if row.last_used_at else "never"
                self.stdout.write(f"{row.pk}\t{row.name}\t{row.hint}…\t{state}\tlast used {used}")
        else:
            row = ScimToken.objects.filter(pk=options["id"]).first()
            if row is None:
                raise CommandError(f"No token has the id {options['id']}.")
            if not scim_token_revoke(token=row):
                raise CommandError(f"Token {row.pk} ({row.name}) was already revoked.")
            self.stdout.write(f"Token {row.pk} ({row.name}) revoked.")
