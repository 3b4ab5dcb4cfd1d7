"""``medbridge add-posting``: register a posting from a shell, with the same rules
as the page (no overlapping postings, dates inside the programme, scope)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from medbridge.accounts import access
from medbridge.directory.services import institution_find
from medbridge.interop.management.commands._actor import actor_named
from medbridge.postings import services
from medbridge.postings.models import PostingKind
from medbridge.postings.selectors import find_person


class Command(BaseCommand):
    help = "登记一条派驻/进修（驻点帮扶、挂职学习、进修、柔性坐诊）；规则与页面相同"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", required=True, help="以该用户的身份和权限登记")
        parser.add_argument("--programme", required=True, help="项目名称")
        parser.add_argument("--kind", required=True, choices=PostingKind.values, help="派驻类型")
        parser.add_argument("--person", required=True, help="人员姓名或执业证书编码（在派出单位中查找）")
        parser.add_argument("--home", required=True, help="派出单位全称")
        parser.add_argument("--host", required=True, help="接收单位全称")
        parser.add_argument("--start", required=True, type=date.fromisoformat, help="计划开始 YYYY-MM-DD")
        parser.add_argument("--end", required=True, type=date.fromisoformat, help="计划结束 YYYY-MM-DD")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = actor_named(options["user"])
        programme = access.programmes_visible_to(actor).filter(name=options["programme"]).first()
        if programme is None:
            raise CommandError(_("找不到项目“%(name)s”，或您无权访问该项目") % {"name": options["programme"]})
        home, host = _institution(options["home"]), _institution(options["host"])
        person = find_person(home, options["person"])
        if isinstance(person, str):
            raise CommandError(person)
        data = services.PostingData(
            professional=person,
            programme=programme,
            kind=options["kind"],
            home_institution=home,
            home_department=person.department,
            host_institution=host,
            planned_start=options["start"],
            planned_end=options["end"],
        )
        try:
            posting = services.posting_create(actor=actor, data=data)
        except ValidationError as error:
            raise CommandError("；".join(error.messages)) from error
        except PermissionDenied as error:
            raise CommandError(str(error)) from error
        self.stdout.write(_("已登记：%(posting)s（编号 %(pk)s）") % {"posting": posting, "pk": posting.pk})


def _institution(name: str) -> Any:
    found = institution_find(name)
    if found is None:
        raise CommandError(_("找不到机构“%(name)s”，请填写名录中的机构全称") % {"name": name})
    return found
