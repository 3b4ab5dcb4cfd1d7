"""``medbridge export OUT.xlsx --user USERNAME`` (what a user sees) or ``--all`` (the
whole database): the import format, so that importing the file into an empty
database restores every record the figures count."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from medbridge.accounts.models import User
from medbridge.interop.management.commands._actor import actor_named
from medbridge.interop.services.exporter import export_workbook


class Command(BaseCommand):
    help = "把用户有权查看的数据（或 --all 全库数据）导出为可再导入的 Excel 文件"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out", type=Path, help="输出文件（.xlsx）")
        who = parser.add_mutually_exclusive_group()
        who.add_argument("--user", help="按该用户的权限范围导出")
        who.add_argument("--all", action="store_true", help="导出全库数据（系统管理员范围），用于整库迁移或备份")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["all"] and not options["user"]:
            raise CommandError(_("请用 --user 指定用户，或用 --all 导出全库"))
        actor = whole_database_reader() if options["all"] else actor_named(options["user"])
        started = time.monotonic()
        export_workbook(actor).save(options["out"])
        seconds = time.monotonic() - started
        self.stdout.write(_("已导出到 %(path)s（%(s).1f 秒）") % {"path": options["out"], "s": seconds})


def whole_database_reader() -> User:
    """A system administrator who exists only for this read: whoever runs the
    command on the server can read the database anyway, and no account is created."""
    return User(username="export", is_superuser=True, is_active=True)
