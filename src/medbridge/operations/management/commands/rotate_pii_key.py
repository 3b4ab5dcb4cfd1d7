"""``medbridge rotate-pii-key``: rewrite encrypted personal data under MEDBRIDGE_PII_KEY
after the previous key has been moved to MEDBRIDGE_PII_KEY_FALLBACKS."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from medbridge.operations.services import OperationsError, pii_key_rotate


class Command(BaseCommand):
    help = "用新的个人信息加密密钥（MEDBRIDGE_PII_KEY）重新加密已存储的手机号等数据"

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.PII_KEY_FALLBACKS:
            raise CommandError(
                _("未设置 MEDBRIDGE_PII_KEY_FALLBACKS：请先把旧密钥放入其中，再设置新的 MEDBRIDGE_PII_KEY")
            )
        try:
            counts = pii_key_rotate()
        except OperationsError as error:
            raise CommandError(str(error)) from error
        for column, count in counts.items():
            self.stdout.write(_("%(column)s：重新加密 %(count)s 条") % {"column": column, "count": count})
