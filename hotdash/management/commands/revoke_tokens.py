from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from hotdash.revocations.services import machine_tokens_revoke, user_tokens_revoke


class Command(BaseCommand):
    help = (
        "Revoke every API token a console user or a machine client holds now (access and refresh tokens): "
        "they are refused from the next request on."
    )

    def add_arguments(self, parser):
        who = parser.add_mutually_exclusive_group(required=True)
        who.add_argument("--user", help="the console user's username")
        who.add_argument("--client", help="the machine client, as given to `issue_token --client` (every role)")

    def handle(self, *args, user, client, **options):
        if user is not None:
            found = get_user_model().objects.filter(**{get_user_model().USERNAME_FIELD: user}).first()
            if found is None:
                raise CommandError(f"no user named {user!r}")
            revoked_at = user_tokens_revoke(found, by="revoke_tokens")
            who = f"user {user}"
        else:
            try:
                revoked_at = machine_tokens_revoke(client, by="revoke_tokens")
            except ValueError as exc:
                raise CommandError(str(exc)) from None
            who = f"client {client}"
        self.stdout.write(f"revoked the API tokens of {who} issued until {revoked_at.isoformat()}")
