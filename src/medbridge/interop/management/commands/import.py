"""``medbridge import FILE.xlsx --user USERNAME``: the upload page's import, from a shell."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from tqdm import tqdm

from medbridge.interop.management.commands._actor import actor_named
from medbridge.interop.services.importer import ImportResult, import_workbook
from medbridge.interop.services.reader import RowError, WorkbookError, file_content
from medbridge.interop.services.workbook import data_sheets


class Command(BaseCommand):
    help = "从 Excel 文件导入名录、项目、派驻、活动、坐诊、转诊和会诊（含全库导出文件）；任一行有误则不写入"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="导入文件（.xlsx）")
        parser.add_argument("--user", required=True, help="以该用户的身份和权限范围导入")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = actor_named(options["user"])
        try:
            content = file_content(options["file"])
        except WorkbookError as error:
            raise self._failure(error.errors) from error
        # tqdm redraws with "\r"; Django's OutputWrapper would add a newline to each redraw.
        with tqdm(unit="行", desc=_("导入"), disable=options["verbosity"] == 0, file=sys.stderr) as bar:
            result = import_workbook(content, actor=actor, progress=_updater(bar))
        if not result.succeeded:
            raise self._failure(result.errors)
        self.stdout.write(_summary(result))

    def _failure(self, errors: list[RowError]) -> CommandError:
        for error in errors:
            self.stderr.write(_describe(error))
        return CommandError(_("导入失败：共 %(count)s 处错误，未写入任何数据") % {"count": len(errors)})


def _describe(error: RowError) -> str:
    row = _("第 %(row)s 行") % {"row": error.row} if error.row else ""
    place = "，".join(p for p in (error.sheet, row, error.column) if p)
    return f"{place}：{error.message}" if place else error.message


def _updater(bar: Any) -> Callable[[int, int], None]:
    def update(done: int, total: int) -> None:
        bar.total = total
        bar.update(done - bar.n)

    return update


def _summary(result: ImportResult) -> str:
    lines = [_("导入完成，共 %(rows)s 行") % {"rows": result.rows_total}]
    for spec in data_sheets():
        counts = result.summary[spec.title]
        lines.append(
            _("%(sheet)s：新增 %(created)s，更新 %(updated)s，未变 %(unchanged)s") % {"sheet": spec.title, **counts}
        )
    return "\n".join(lines)
