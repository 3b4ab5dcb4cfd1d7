from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClinicsConfig(AppConfig):
    name = "medbridge.clinics"
    verbose_name = _("专家坐诊与预约")

    def ready(self) -> None:
        from medbridge.clinics import audit

        audit.register()
