from typing import Any

from django.core.management.base import BaseCommand

from medbridge.directory import services


class Command(BaseCommand):
    help = "加载内置参考数据（行政区划、诊疗科目、机构类别、医院等级、职称）；可重复执行"

    def handle(self, *args: Any, **options: Any) -> None:
        counts = services.reference_load()
        self.stdout.write(
            f"reference: {counts.regions} regions, {counts.specialties} specialties, "
            f"{counts.categories} institution categories, {counts.grades} grades, {counts.titles} titles"
        )
