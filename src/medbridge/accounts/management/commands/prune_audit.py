from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from medbridge.accounts.services import audit_prune


class Command(BaseCommand):
    help = "删除超过保留期（MEDBRIDGE_AUDIT_RETENTION_DAYS，至少 180 天）的审计记录"

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = audit_prune()
        self.stdout.write(f"audit: deleted {deleted} entries older than {settings.AUDIT_RETENTION_DAYS} days")
