from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "medbridge.activities"
    verbose_name = _("活动与乡贤人才")

    def ready(self) -> None:
        from medbridge.activities import audit

        audit.register()
