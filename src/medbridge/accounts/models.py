"""Who may sign in, in which role, over which part of the directory."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SYSTEM_ADMIN = "system_admin", _("系统管理员")
    AUDITOR = "auditor", _("审计员")
    COMMISSION_OFFICER = "commission_officer", _("卫健委工作人员")
    INSTITUTION_ADMIN = "institution_admin", _("机构管理员")
    PROFESSIONAL = "professional", _("专业技术人员")


class User(AbstractUser):
    """A person who signs in. Exactly one role; the role's scope is a region
    subtree (commission officer), one institution (institution administrator) or
    one professional record (professional). What a role may see and change is
    decided in ``medbridge.accounts.access`` and nowhere else."""

    role = models.CharField(_("角色"), max_length=24, choices=Role.choices, default=Role.PROFESSIONAL)
    region = models.ForeignKey("directory.Region", models.PROTECT, null=True, blank=True, verbose_name=_("管辖地区"))
    institution = models.ForeignKey(
        "directory.Institution", models.PROTECT, null=True, blank=True, verbose_name=_("所属机构")
    )
    professional = models.OneToOneField(
        "directory.Professional", models.SET_NULL, null=True, blank=True, verbose_name=_("本人档案")
    )
    password_changed_at = models.DateTimeField(_("密码修改时间"), default=timezone.now)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def set_password(self, raw_password: str | None) -> None:
        # The 等保 policy rotates passwords by age, so the age must be known.
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()


class ApiToken(models.Model):
    """A bearer token for the JSON API. Only a hash is stored; the token itself
    is shown once, when it is created."""

    user = models.ForeignKey(User, models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("用途"), max_length=64)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
