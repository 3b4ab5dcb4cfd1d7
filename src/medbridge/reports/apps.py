from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "medbridge.reports"
    verbose_name = _("统计与报告")

    def ready(self) -> None:
        from medbridge.reports import audit

        audit.register()
