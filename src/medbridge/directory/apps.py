from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "medbridge.directory"
    verbose_name = _("机构与人员名录")

    def ready(self) -> None:
        from medbridge.directory import audit

        audit.register()
