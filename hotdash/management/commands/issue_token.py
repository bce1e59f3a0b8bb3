from django.core.management.base import BaseCommand, CommandError

from hotdash.db_context import Role
from hotdash.tokens import MACHINE_ROLES, machine_token_issue


class Command(BaseCommand):
    help = "Print a bearer token for a machine client (the agent platform, a tenant, monitoring) and nothing else."

    def add_arguments(self, parser):
        # Every role is a choice so that one a machine may not hold (service, a console role) is refused with
        # the reason, not only "invalid choice".
        parser.add_argument(
            "--role", required=True, choices=[role.short for role in Role],
            help=f"one of {', '.join(role.short for role in MACHINE_ROLES)}",
        )
        parser.add_argument("--project", help="tenant: the project whose facts it may read and write")
        parser.add_argument("--scope", help="tenant: the decision-sync scope it may read and write")
        parser.add_argument("--conversation", help="tenant: the conversation whose approvals and drafts it may read")
        parser.add_argument("--ttl", type=int, default=3600, help="lifetime in seconds (default 3600)")
        parser.add_argument("--client", default="cli", help="who holds the token; shown as decided_by and in logs")

    def handle(self, *args, role, project, scope, conversation, ttl, client, **options):
        try:
            token = machine_token_issue(
                role=Role.from_short(role),
                client=client,
                project=project,
                scope=scope,
                conversation=conversation,
                ttl_seconds=ttl,
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(token)
