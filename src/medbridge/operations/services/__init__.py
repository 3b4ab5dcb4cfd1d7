"""Writes over the whole database: ``backup`` (copy out, restore in) and
``pii_keys`` (re-encrypt personal data under a new key)."""

from medbridge.operations.services.backup import BackupReport, OperationsError, backup_create, backup_restore
from medbridge.operations.services.pii_keys import pii_key_rotate

__all__ = ["BackupReport", "OperationsError", "backup_create", "backup_restore", "pii_key_rotate"]
