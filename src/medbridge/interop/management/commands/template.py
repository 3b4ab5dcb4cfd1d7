"""``medbridge template OUT.xlsx``: the blank import workbook with its instructions sheet."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from medbridge.interop.services.workbook import build_workbook


class Command(BaseCommand):
    help = "生成空白的导入模板（含填写说明）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out", type=Path, help="输出文件（.xlsx）")

    def handle(self, *args: Any, **options: Any) -> None:
        build_workbook().save(options["out"])
        self.stdout.write(_("已生成导入模板 %(path)s") % {"path": options["out"]})
