"""An accepted plan's sessions become clinic sessions (the clinics app's records)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from medbridge.planning.models import SchedulePlan


def create_clinic_sessions(*, actor: Any, plan: SchedulePlan) -> int:
    raise ValidationError({"status": [_("坐诊模块尚未启用")]})
