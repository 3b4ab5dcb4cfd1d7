from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from medbridge.accounts import services
from medbridge.accounts.models import Role
from medbridge.directory.models import Region
from medbridge.directory.services import institution_find


class Command(BaseCommand):
    help = "创建账号：medbridge create-user USERNAME --role ROLE [--region CODE | --institution NAME]"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--password", required=True)
        parser.add_argument("--name", default="", help="显示名称")
        parser.add_argument("--region", default="", help="卫健委工作人员的管辖地区（区划代码）")
        parser.add_argument("--institution", default="", help="机构管理员的所属机构（名称）")

    def handle(self, *args: Any, **o: Any) -> None:
        data = services.UserData(
            username=o["username"],
            role=o["role"],
            password=o["password"],
            display_name=o["name"],
            region=Region.objects.filter(code=o["region"]).first() if o["region"] else None,
            institution=institution_find(o["institution"]) if o["institution"] else None,
        )
        try:
            user = services.user_create(actor=None, data=data)
        except ValidationError as exc:
            raise CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())) from None
        self.stdout.write(f"created {user.username} ({user.get_role_display()})")
