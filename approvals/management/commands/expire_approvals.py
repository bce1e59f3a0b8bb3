from django.core.management.base import BaseCommand

from approvals.services import approvals_expire_due


class Command(BaseCommand):
    help = "Expire pending approvals past their TTL now (beat does this every minute)."

    def handle(self, *args, **options):
        self.stdout.write(f"expired {approvals_expire_due()} approval(s)")
