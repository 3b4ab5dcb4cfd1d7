"""Deployment checks of our own settings, run by ``manage.py check --deploy``."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def pii_key_is_its_own(app_configs: Any, **kwargs: Any) -> list[Warning]:
    if settings.PII_KEY != settings.SECRET_KEY:
        return []
    return [
        Warning(
            "MEDBRIDGE_PII_KEY is not set: personal data is encrypted with the secret key, "
            "so rotating the secret key would make stored phone numbers unreadable.",
            hint="Set MEDBRIDGE_PII_KEY or MEDBRIDGE_PII_KEY_FILE to a separate long random value.",
            id="medbridge.W001",
        )
    ]
