from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "medbridge.programmes"
    verbose_name = _("帮扶与合作项目")

    def ready(self) -> None:
        from medbridge.programmes import audit

        audit.register()
