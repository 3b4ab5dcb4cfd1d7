from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    name = "medbridge.planning"
    verbose_name = _("计划编排")

    def ready(self) -> None:
        from medbridge.planning import audit

        audit.register()
