from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from medbridge.clinics.services import bookings_anonymise


class Command(BaseCommand):
    help = "匿名化坐诊日期早于 MEDBRIDGE_CLINIC_ANONYMISE_AFTER_DAYS 天的预约（保留统计数）"

    def handle(self, *args: Any, **options: Any) -> None:
        count = bookings_anonymise()
        days = settings.CLINIC_ANONYMISE_AFTER_DAYS
        self.stdout.write(f"bookings: {count} anonymised (sessions older than {days} days)")
