"""Writes for visiting-schedule plans: host departments' demand, starting a plan
(solved by ``jobs``), adjusting it by hand, and accepting it into clinic sessions.

Adjustments keep the two rules a person notices at once: an expert is in one place
on one day, and sessions fall on working days inside the plan's horizon. An
accepted plan is frozen: from then on the clinic sessions are the record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from medbridge.accounts import access
from medbridge.accounts.audit import acting_as
from medbridge.directory.models import Department, Specialty
from medbridge.directory.services import Errors, data_values
from medbridge.planning.models import HostDemand, PlannedSession, PlanStatus, SchedulePlan
from medbridge.planning.services import jobs
from medbridge.programmes.models import Programme

MAX_WEEKS = 52


# --- Demand ----------------------------------------------------------------------------


@dataclass
class DemandData:
    department: Department
    specialty: Specialty
    sessions_per_week: int = 1
    weight: int = 1


def host_demand_add(*, actor: Any, programme: Programme, data: DemandData) -> HostDemand:
    access.require_can_edit_programme(actor, programme)
    errors = Errors()
    parties = set(programme.parties.values_list("institution_id", flat=True))
    if data.department.institution_id not in parties:
        errors.add("department", _("接收科室须属于该项目的参与单位"))
    if HostDemand.objects.filter(programme=programme, department=data.department, specialty=data.specialty).exists():
        errors.add("specialty", _("该科室已登记此专科的需求"))
    if not 1 <= data.sessions_per_week <= 10:
        errors.add("sessions_per_week", _("每周需求须在1到10次之间"))
    if not 1 <= data.weight <= 10:
        errors.add("weight", _("优先权重须在1到10之间"))
    errors.raise_if_any()
    with transaction.atomic(), acting_as(actor):
        return HostDemand.objects.create(programme=programme, **data_values(data))


def host_demand_remove(*, actor: Any, demand: HostDemand) -> None:
    access.require_can_edit_programme(actor, demand.programme)
    with transaction.atomic(), acting_as(actor):
        demand.delete()


# --- Plans -----------------------------------------------------------------------------


@dataclass
class PlanData:
    programme: Programme
    start_date: date
    weeks: int


def plan_validate(data: PlanData) -> None:
    errors = Errors()
    if data.start_date.weekday() != 0:
        errors.add("start_date", _("开始日期须为周一"))
    if not 1 <= data.weeks <= MAX_WEEKS:
        errors.add("weeks", _("周数须在1到%(n)s之间") % {"n": MAX_WEEKS})
    if not HostDemand.objects.filter(programme=data.programme).exists():
        errors.add("programme", _("该项目还没有登记接收科室的坐诊需求"))
    if not data.programme.engagements.exists():
        errors.add("programme", _("该项目还没有聘任专家"))
    errors.raise_if_any()


def plan_start(*, actor: Any, data: PlanData) -> SchedulePlan:
    """Records the plan and solves it (in the background unless imports run inline)."""
    access.require_can_edit_programme(actor, data.programme)
    plan_validate(data)
    with transaction.atomic(), acting_as(actor):
        plan = SchedulePlan.objects.create(
            programme=data.programme,
            start_date=data.start_date,
            weeks=data.weeks,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        jobs.solve_start(plan.pk)
    plan.refresh_from_db()
    return plan


def _require_adjustable(actor: Any, plan: SchedulePlan) -> None:
    access.require_can_edit_programme(actor, plan.programme)
    if plan.status != PlanStatus.READY:
        raise ValidationError({"status": [_("只有待确认的方案可以调整或确认")]})


def plan_session_remove(*, actor: Any, session: PlannedSession) -> None:
    _require_adjustable(actor, session.plan)
    with transaction.atomic(), acting_as(actor):
        session.delete()


def plan_session_move(*, actor: Any, session: PlannedSession, day: date) -> PlannedSession:
    """Moves a session to another working day of the plan, if the expert is free then."""
    plan = session.plan
    _require_adjustable(actor, plan)
    errors = Errors()
    end = plan.start_date + timedelta(weeks=plan.weeks)
    if not plan.start_date <= day < end:
        errors.add(
            "day", _("日期须在方案期间内（%(s)s 至 %(e)s）") % {"s": plan.start_date, "e": end - timedelta(days=1)}
        )
    if day.weekday() >= 5:
        errors.add("day", _("坐诊须安排在工作日"))
    busy = plan.sessions.filter(expert=session.expert, day=day).exclude(pk=session.pk)
    if busy.exists():
        errors.add("day", _("%(n)s 当天已有其他坐诊") % {"n": session.expert.name})
    errors.raise_if_any()
    with transaction.atomic(), acting_as(actor):
        session.day = day
        session.save()
    return session


def plan_accept(*, actor: Any, plan: SchedulePlan) -> int:
    """Turns every session of the plan into a clinic session, all or nothing.
    Returns how many were created."""
    _require_adjustable(actor, plan)
    from medbridge.planning.services.clinics import create_clinic_sessions

    with transaction.atomic(), acting_as(actor):
        created = create_clinic_sessions(actor=actor, plan=plan)
        plan.status, plan.accepted_at = PlanStatus.ACCEPTED, timezone.now()
        plan.save()
    return created
