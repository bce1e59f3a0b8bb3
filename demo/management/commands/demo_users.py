from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from demo.accounts import demo_accounts_ensure


class Command(BaseCommand):
    help = "Create the demo admin and one user per group (Operators, Annotators, QA, Monitoring); print logins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--credentials-file",
            type=Path,
            default=None,
            help="Where the generated passwords are kept (default: HOTDASH_DATA_DIR/demo_credentials.json).",
        )

    def handle(self, *args, credentials_file: Path | None, **options):
        path = credentials_file or settings.HOTDASH_DATA_DIR / "demo_credentials.json"
        accounts = demo_accounts_ensure(credentials_file=path)
        self.stdout.write("Demo logins for http://127.0.0.1:8000/admin/")
        for account in accounts:
            role = account.group or "superuser"
            self.stdout.write(f"  {account.username:<11} {account.password:<18} ({role})")
