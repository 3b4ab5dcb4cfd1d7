from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "medbridge.referrals"
    verbose_name = _("双向转诊与远程会诊")

    def ready(self) -> None:
        from medbridge.referrals import audit

        audit.register()
