"""Which directory records the audit trail follows, and which fields it hides."""

from auditlog.registry import auditlog


def register() -> None:
    from medbridge.directory.models import Department, Institution, Professional

    auditlog.register(Institution, exclude_fields=["created_at", "updated_at"])
    auditlog.register(Department, exclude_fields=["created_at", "updated_at"])
    # The log must not become a second, unencrypted copy of personal data.
    auditlog.register(
        Professional,
        exclude_fields=["created_at", "updated_at", "id_number_hash"],
        mask_fields=["phone"],
        mask_callable="medbridge.pii.mask_phone",
    )
