from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PostingsConfig(AppConfig):
    name = "medbridge.postings"
    verbose_name = _("派驻与进修")

    def ready(self) -> None:
        from medbridge.postings import audit

        audit.register()
