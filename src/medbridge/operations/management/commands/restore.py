"""``medbridge restore FILE [--force]``: put a backup made by ``medbridge backup`` back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from medbridge.operations.services import OperationsError, backup_restore


class Command(BaseCommand):
    help = "从备份文件恢复数据库；目标数据库已有数据时须加 --force 才会覆盖"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="由 medbridge backup 生成的备份文件")
        parser.add_argument("--force", action="store_true", help="覆盖已有数据的数据库")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            backup_restore(path=options["file"], force=options["force"])
        except OperationsError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(_("已从 %(path)s 恢复数据库") % {"path": options["file"]})
