"""The ``--user`` of the interop commands: whose scope an import or export runs in."""

from __future__ import annotations

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from medbridge.accounts import access
from medbridge.accounts.models import User


def actor_named(username: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        raise CommandError(_("没有用户名为“%(username)s”的用户") % {"username": username})
    if not access.can_use_directory(user):
        raise CommandError(_("用户“%(username)s”无权使用名录") % {"username": username})
    return user
