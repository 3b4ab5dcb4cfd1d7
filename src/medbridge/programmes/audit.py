"""Programme records followed by the audit trail."""

from auditlog.registry import auditlog


def register() -> None:
    from medbridge.programmes import models

    for model in (models.Programme, models.Party, models.Agreement, models.Target, models.Station, models.Engagement):
        auditlog.register(model, exclude_fields=["created_at", "updated_at"])
