"""``medbridge backup FILE``: a consistent copy of the database, taken while the site runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from medbridge.operations.services import OperationsError, backup_create


class Command(BaseCommand):
    help = "备份整个数据库到文件（SQLite 用在线备份接口，PostgreSQL 用 pg_dump 自定义格式）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="备份文件")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = backup_create(path=options["file"])
        except OperationsError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            _("已备份 %(engine)s 数据库到 %(path)s（%(size)s 字节）")
            % {"engine": report.engine, "path": report.path, "size": report.size_bytes}
        )
