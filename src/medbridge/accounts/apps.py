from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "medbridge.accounts"
    verbose_name = _("账号与权限")

    def ready(self) -> None:
        from medbridge.accounts import audit

        audit.register()
