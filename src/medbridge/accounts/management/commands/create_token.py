from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from medbridge.accounts import services
from medbridge.accounts.models import User


class Command(BaseCommand):
    help = "为账号签发 API 令牌（只显示一次）：medbridge create-token USERNAME --name 用途"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="cli")

    def handle(self, *args: Any, **o: Any) -> None:
        user = User.objects.filter(username=o["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"no active user named {o['username']!r}")
        _, secret = services.api_token_create(actor=user, user=user, name=o["name"])
        self.stdout.write(secret)
