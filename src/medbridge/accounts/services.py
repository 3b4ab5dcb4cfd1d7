"""Writes for accounts: users with a role and scope, API tokens."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from medbridge.accounts.audit import acting_as
from medbridge.accounts.models import ApiToken, Role, User
from medbridge.directory.models import Institution, Professional, Region

TOKEN_PREFIX = "mb_"


@dataclass
class UserData:
    username: str
    role: str
    password: str
    display_name: str = ""
    email: str = ""
    region: Region | None = None
    institution: Institution | None = None
    professional: Professional | None = None


def user_validate(data: UserData) -> None:
    errors: dict[str, list[str]] = {}
    if User.objects.filter(username=data.username).exists():
        errors["username"] = [_("用户名“%(u)s”已存在") % {"u": data.username}]
    if data.role not in Role.values:
        errors["role"] = [_("未知的角色")]
    scope_error = _scope_error(data)
    if scope_error:
        errors["role"] = [scope_error]
    try:
        validate_password(data.password, User(username=data.username, email=data.email))
    except ValidationError as exc:
        errors["password"] = list(exc.messages)
    if errors:
        raise ValidationError(errors)


def _scope_error(data: UserData) -> str | None:
    needs = {
        Role.COMMISSION_OFFICER: (data.region, _("卫健委工作人员须指定管辖地区")),
        Role.INSTITUTION_ADMIN: (data.institution, _("机构管理员须指定所属机构")),
        Role.PROFESSIONAL: (data.professional, _("专业技术人员账号须关联本人档案")),
    }
    if data.role in needs and needs[Role(data.role)][0] is None:
        return str(needs[Role(data.role)][1])
    return None


def user_create(*, actor: Any, data: UserData) -> User:
    user_validate(data)
    with transaction.atomic(), acting_as(actor):
        user = User(
            username=data.username,
            role=data.role,
            first_name=data.display_name,
            email=data.email,
            region=data.region,
            institution=data.institution,
            professional=data.professional,
            is_staff=data.role == Role.SYSTEM_ADMIN,
            is_superuser=data.role == Role.SYSTEM_ADMIN,
        )
        user.set_password(data.password)
        user.save()
    return user


def api_token_create(*, actor: Any, user: User, name: str) -> tuple[ApiToken, str]:
    """Returns the token record and the secret, which is not stored and cannot be shown again."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic(), acting_as(actor):
        token = ApiToken.objects.create(user=user, name=name, key_hash=_digest(secret), prefix=secret[:8])
    return token, secret


def api_token_revoke(*, actor: Any, token: ApiToken) -> None:
    with transaction.atomic(), acting_as(actor):
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])


def api_token_user(secret: str) -> User | None:
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_digest(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    # A plain UPDATE: bookkeeping, not a change anyone needs in the audit trail.
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user


def _digest(secret: str) -> str:
    # Tokens are long random strings, so a fast unsalted hash is enough here.
    return hashlib.sha256(secret.encode()).hexdigest()


def audit_prune(*, now: datetime | None = None) -> int:
    """Delete audit entries older than the retention period (never under 180 days,
    which the settings enforce). Returns how many were deleted."""
    from auditlog.models import LogEntry

    cutoff = (now or timezone.now()) - timedelta(days=settings.AUDIT_RETENTION_DAYS)
    deleted, _ = LogEntry.objects.filter(timestamp__lt=cutoff).delete()
    return int(deleted)
