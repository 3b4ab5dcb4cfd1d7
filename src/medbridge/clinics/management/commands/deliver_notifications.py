from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from medbridge.clinics.services import outbox_deliver


class Command(BaseCommand):
    help = "发送待发的患者短信通知（停诊、候补转正），通过 MEDBRIDGE_NOTIFY_CHANNEL 指定的通道"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, default=500, help="本次最多发送条数")

    def handle(self, *args: Any, **options: Any) -> None:
        report = outbox_deliver(limit=options["limit"])
        self.stdout.write(f"notifications: {report.sent} sent, {report.failed} failed")
