"""``medbridge report --programme ID --year 2025 --format xlsx|pdf|html``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404
from django.utils.translation import gettext as _

from medbridge.accounts.models import Role, User
from medbridge.reports import services


class Command(BaseCommand):
    help = (
        "生成项目年度报告：medbridge report --programme ID --year 2025 --format xlsx|pdf|html [--user 用户名] [-o 文件]"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--programme", type=int, required=True)
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--format", choices=services.FORMATS, default="xlsx")
        parser.add_argument("--user", default="", help="按此用户可见的记录统计；缺省为系统管理员（全部记录）")
        parser.add_argument("-o", "--output", default="", help="输出文件；缺省为 report-项目-年度.格式")

    def handle(self, *args: Any, **o: Any) -> None:
        user = _actor(o["user"])
        try:
            report = services.report_for(user=user, programme_id=o["programme"], year=o["year"])
        except Http404:
            raise CommandError(_("没有编号为 %(id)s 的项目，或该用户无权查看") % {"id": o["programme"]}) from None
        path = Path(o["output"] or services.report_file_name(report, o["format"]))
        path.write_bytes(services.report_render(report, o["format"]))
        self.stdout.write(str(path))


def _actor(username: str) -> User:
    qs = User.objects.filter(is_active=True)
    user = (
        qs.filter(username=username).first() if username else qs.filter(role=Role.SYSTEM_ADMIN).order_by("pk").first()
    )
    if user is None:
        raise CommandError(_("没有用户名为“%(username)s”的用户") % {"username": username or Role.SYSTEM_ADMIN})
    return user
