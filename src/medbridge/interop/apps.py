from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InteropConfig(AppConfig):
    name = "medbridge.interop"
    verbose_name = _("导入导出")
