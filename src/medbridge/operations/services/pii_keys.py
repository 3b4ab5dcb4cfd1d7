"""Re-encrypting stored personal data under a new key.

Encrypted columns (phones, patient record numbers) are read with the current
key or any of ``PII_KEY_FALLBACKS`` and written back under the current key, all
in one transaction. Keyed lookup hashes cannot be recomputed — identity-card
numbers are never stored in clear — so they stay under ``PII_LOOKUP_KEY``, which
a rotation leaves alone.
"""

from __future__ import annotations

from cryptography.fernet import InvalidToken
from django.apps import apps
from django.db import connection, transaction
from django.utils.translation import gettext as _

from medbridge.operations.services.backup import OperationsError
from medbridge.pii import EncryptedCharField, rotate_token


def encrypted_columns() -> list[tuple[str, str, str]]:
    """(table, primary key column, encrypted column) for every encrypted field."""
    return [
        (model._meta.db_table, model._meta.pk.column, field.column)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, EncryptedCharField) and model._meta.pk is not None
    ]


@transaction.atomic
def pii_key_rotate() -> dict[str, int]:
    """Re-encrypt every stored value; returns how many were rewritten per table.
    A value that no configured key opens aborts the whole rotation."""
    counts: dict[str, int] = {}
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table, pk, column in encrypted_columns():
            cursor.execute(f"SELECT {quote(pk)}, {quote(column)} FROM {quote(table)} WHERE {quote(column)} <> ''")  # noqa: S608
            rows = cursor.fetchall()
            try:
                rotated = [(rotate_token(token), key) for key, token in rows]
            except InvalidToken:
                raise OperationsError(
                    _("表 %(table)s 中有数据无法用当前密钥或旧密钥解密；请把旧密钥加入 MEDBRIDGE_PII_KEY_FALLBACKS")
                    % {"table": table}
                ) from None
            sql = f"UPDATE {quote(table)} SET {quote(column)} = %s WHERE {quote(pk)} = %s"  # noqa: S608
            cursor.executemany(sql, rotated)
            counts[f"{table}.{column}"] = len(rotated)
    return counts
