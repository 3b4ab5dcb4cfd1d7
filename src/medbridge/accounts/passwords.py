"""The 等保-style composition rule; Django's own validators cover the rest."""

from __future__ import annotations

import string
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CLASSES = (string.ascii_lowercase, string.ascii_uppercase, string.digits)


class CharacterClassValidator:
    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user: Any = None) -> None:
        found = sum(any(c in chars for c in password) for chars in CLASSES)
        found += any(not c.isalnum() for c in password)
        if found < self.min_classes:
            raise ValidationError(
                _("密码需包含大写字母、小写字母、数字、符号中的至少 %(n)d 类") % {"n": self.min_classes},
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return _("密码需包含大写字母、小写字母、数字、符号中的至少 %(n)d 类") % {"n": self.min_classes}
