"""Reads of import jobs: a user sees their own, a system administrator all."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from medbridge.accounts import access
from medbridge.interop.models import ImportJob


def import_jobs_visible_to(user: Any) -> QuerySet[ImportJob]:
    qs = ImportJob.objects.select_related("user")
    if access.is_system_admin(user):
        return qs
    return qs.filter(user_id=user.pk) if getattr(user, "is_authenticated", False) else qs.none()


def access_import_job(user: Any, pk: int) -> ImportJob:
    job = import_jobs_visible_to(user).filter(pk=pk).first()
    if job is None:
        raise Http404(_("记录不存在或无权访问"))
    return job
