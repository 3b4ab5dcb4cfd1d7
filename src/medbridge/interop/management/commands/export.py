"""``medbridge export OUT.xlsx --user USERNAME``: the directory and programmes a user sees, as the import format."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from medbridge.interop.management.commands._actor import actor_named
from medbridge.interop.services.exporter import export_workbook


class Command(BaseCommand):
    help = "把用户有权查看的机构、科室、人员和项目导出为可再导入的 Excel 文件"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out", type=Path, help="输出文件（.xlsx）")
        parser.add_argument("--user", required=True, help="按该用户的权限范围导出")

    def handle(self, *args: Any, **options: Any) -> None:
        export_workbook(actor_named(options["user"])).save(options["out"])
        self.stdout.write(_("已导出到 %(path)s") % {"path": options["out"]})
