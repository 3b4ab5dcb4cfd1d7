"""An accepted plan's sessions become clinic sessions through the clinics app's
``session_create``, so its rules (the host manages its clinics, an expert holds one
clinic at a time, inside their term) apply here as everywhere. All or nothing:
every session that cannot be created is named, and none is written."""

from __future__ import annotations

from datetime import time
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from medbridge.clinics.services import SessionData, session_create
from medbridge.planning.models import PlannedSession, SchedulePlan
from medbridge.programmes.models import Engagement

# A planned visit is a morning clinic with the usual number of appointments; the
# host edits times and capacity afterwards on the clinic pages if it needs to.
START, END, CAPACITY = time(8, 30), time(11, 30), 20


def create_clinic_sessions(*, actor: Any, plan: SchedulePlan) -> int:
    sessions = list(plan.sessions.select_related("expert", "department__institution", "specialty"))
    engagements = list(plan.programme.engagements.select_related("station"))
    problems = [_create(actor, plan, s, engagements) for s in sessions]
    if any(problems):
        raise ValidationError({"status": [p for p in problems if p]})
    return len(sessions)


def _engagement(session: PlannedSession, engagements: list[Engagement]) -> Engagement | None:
    """The expert's engagement in force that day, one at this host's station first."""
    current = [
        e
        for e in engagements
        if e.professional_id == session.expert_id
        and e.start_date <= session.day
        and (e.end_date is None or e.end_date >= session.day)
    ]
    current.sort(key=lambda e: e.station is None or e.station.host_id != session.department.institution_id)
    return current[0] if current else None


def _create(actor: Any, plan: SchedulePlan, session: PlannedSession, engagements: list[Engagement]) -> str | None:
    host = session.department.institution
    data = SessionData(
        expert=session.expert,
        host=host,
        department=session.department,
        date=session.day,
        start_time=START,
        end_time=END,
        capacity=CAPACITY,
        programme=plan.programme,
        engagement=_engagement(session, engagements),
        note=str(_("排班方案 %(s)s（%(sp)s）")) % {"s": plan.start_date, "sp": session.specialty.name},
    )
    label = f"{session.day} {session.expert.name} → {host.name}"
    try:
        with transaction.atomic():
            session_create(actor=actor, data=data)
    except PermissionDenied as denied:
        return f"{label}：{denied}"
    except ValidationError as error:
        return f"{label}：{'；'.join(error.messages)}"
    return None
