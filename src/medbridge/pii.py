"""Personal data at rest and on screen.

Phone numbers are stored encrypted (Fernet, key derived from ``settings.PII_KEY``;
values written under an older key in ``PII_KEY_FALLBACKS`` still open, and
``medbridge rotate-pii-key`` rewrites them under the current one) so a copied
database file does not leak them; identity-card numbers are never
stored at all, only a keyed hash for exact lookup and the last four characters
for display. Masking is done here so every list, export and API shows the same
``138****5678`` form.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models


@cache
def _fernet(key: str) -> Fernet:
    digest = hashlib.sha256(("medbridge-pii:" + key).encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def _keys() -> MultiFernet:
    # The first key encrypts; every key is tried when decrypting.
    return MultiFernet([_fernet(key) for key in (settings.PII_KEY, *settings.PII_KEY_FALLBACKS)])


def encrypt(plain: str) -> str:
    return _fernet(settings.PII_KEY).encrypt(plain.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _keys().decrypt(token.encode()).decode()
    except InvalidToken:
        # A value written under another key: show nothing rather than crash a page.
        return ""


def rotate_token(token: str) -> str:
    """The same value encrypted under the current key; InvalidToken if no key opens it."""
    return _keys().rotate(token.encode()).decode()


def keyed_hash(value: str) -> str:
    """HMAC-SHA256 of a normalised identifier, for equality lookups only. Its key
    never rotates: identity-card numbers are not stored, so their hashes could
    not be recomputed under a new one."""
    key = hashlib.sha256(("medbridge-lookup:" + settings.PII_LOOKUP_KEY).encode()).digest()
    return hmac.new(key, value.strip().upper().encode(), hashlib.sha256).hexdigest()


def mask_phone(phone: str) -> str:
    if not phone:
        return ""
    if len(phone) <= 7:
        return phone[:2] + "*" * (len(phone) - 2)
    return phone[:3] + "****" + phone[-4:]


def mask_id_number(last4: str) -> str:
    return f"**************{last4}" if last4 else ""


class EncryptedCharField(models.CharField):  # type: ignore[type-arg]
    """A text column whose value is encrypted in the database and clear in Python."""

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str:
        return decrypt(value) if value else ""

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        return encrypt(value) if value else ""
