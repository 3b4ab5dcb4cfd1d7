"""Visiting-schedule pages: the demand of host departments, building a plan in the
background, seeing it as a heatmap and a calendar list, adjusting and accepting it."""

from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from medbridge.accounts import access
from medbridge.accounts.decorators import directory_user_required
from medbridge.planning import selectors, services
from medbridge.planning.forms import DemandForm, MoveForm, PlanForm
from medbridge.planning.models import PlanStatus, SchedulePlan
from medbridge.planning.services import jobs
from medbridge.planning.views.rounds import _errors
from medbridge.programmes.models import Programme
from medbridge.web.forms import run_form
from medbridge.web.pagination import paginate


def _next_monday() -> Any:
    today = timezone.localdate()
    return today + timedelta(days=7 - today.weekday())


@directory_user_required
def plan_list(request: HttpRequest) -> HttpResponse:
    editable = access.programmes_editable_by(request.user)
    form = PlanForm(programmes=editable, initial={"start_date": _next_monday(), "weeks": 8})
    context = {
        "page": paginate(request, selectors.plan_list(request.user)),
        "form": form,
        "editable": editable.order_by("name"),
    }
    return render(request, "planning/plan_list.html", context)


@require_POST
@directory_user_required
def plan_create(request: HttpRequest) -> HttpResponse:
    form = PlanForm(request.POST, programmes=access.programmes_editable_by(request.user))
    plan = run_form(
        request, form, lambda: services.plan_start(actor=request.user, data=services.PlanData(**form.cleaned_data))
    )
    if plan is not None:
        return redirect(plan)
    for field, errors in form.errors.items():
        label = f"{form.fields[field].label}：" if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}{error}")
    return redirect("planning:plan_list")


@directory_user_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan: SchedulePlan = access.access_schedule_plan(request.user, pk)
    q = request.GET.get("q", "").strip()
    can_edit = access.can_edit_programme(request.user, plan.programme) and plan.status == PlanStatus.READY
    context = {
        "plan": plan,
        "page": paginate(request, selectors.plan_sessions(plan, q), per_page=50),
        "q": q,
        "can_edit": can_edit,
        "heatmap": _heatmap(plan),
        "progress": jobs.progress_of(plan.pk) if plan.status == PlanStatus.SOLVING else plan.progress,
        "end_date": plan.start_date + timedelta(weeks=plan.weeks, days=-1),
        "move_form": MoveForm(),
    }
    return render(request, "planning/plan_detail.html", context)


def _heatmap(plan: SchedulePlan) -> dict[str, Any] | None:
    if plan.status not in (PlanStatus.READY, PlanStatus.ACCEPTED):
        return None
    heatmap = asdict(selectors.plan_heatmap(plan))
    heatmap["height"] = 120 + 26 * len(heatmap["hosts"])
    return heatmap


@directory_user_required
def plan_progress(request: HttpRequest, pk: int) -> JsonResponse:
    plan: SchedulePlan = access.access_schedule_plan(request.user, pk)
    points = jobs.progress_of(plan.pk) if plan.status == PlanStatus.SOLVING else plan.progress
    return JsonResponse({"status": plan.status, "progress": points})


@require_POST
@directory_user_required
def session_remove(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    plan = access.access_schedule_plan(request.user, pk, for_write=True)
    session = get_object_or_404(plan.sessions.select_related("expert"), pk=session_pk)
    try:
        services.plan_session_remove(actor=request.user, session=session)
        messages.success(request, _("已删除 %(d)s %(n)s 的坐诊") % {"d": session.day, "n": session.expert.name})
    except ValidationError as error:
        _errors(request, error)
    return redirect(plan)


@require_POST
@directory_user_required
def session_move(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    plan = access.access_schedule_plan(request.user, pk, for_write=True)
    session = get_object_or_404(plan.sessions.select_related("expert"), pk=session_pk)
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写有效的日期"))
        return redirect(plan)
    try:
        services.plan_session_move(actor=request.user, session=session, day=form.cleaned_data["day"])
        messages.success(request, _("已将 %(n)s 的坐诊改到 %(d)s") % {"n": session.expert.name, "d": session.day})
    except ValidationError as error:
        _errors(request, error)
    return redirect(plan)


@require_POST
@directory_user_required
def plan_accept(request: HttpRequest, pk: int) -> HttpResponse:
    plan = access.access_schedule_plan(request.user, pk, for_write=True)
    try:
        created = services.plan_accept(actor=request.user, plan=plan)
        messages.success(request, _("方案已确认：生成%(n)s次坐诊") % {"n": created})
    except ValidationError as error:
        messages.error(request, _("方案未确认，未写入任何坐诊："))
        _errors(request, error)
    return redirect(plan)


@directory_user_required
def demand(request: HttpRequest, programme_pk: int) -> HttpResponse:
    programme: Programme = access.access_programme(request.user, programme_pk)
    can_edit = access.can_edit_programme(request.user, programme)
    form = DemandForm(request.POST or None, programme=programme)
    if request.method == "POST":
        access.require_can_edit_programme(request.user, programme)
        added = run_form(
            request,
            form,
            lambda: services.host_demand_add(
                actor=request.user, programme=programme, data=services.DemandData(**form.cleaned_data)
            ),
        )
        if added is not None:
            messages.success(request, _("已登记“%(d)s”的需求") % {"d": added})
            return redirect("planning:demand", programme_pk=programme.pk)
    context = {
        "programme": programme,
        "demands": selectors.programme_demands(programme),
        "form": form,
        "can_edit": can_edit,
    }
    return render(request, "planning/demand.html", context)


@require_POST
@directory_user_required
def demand_remove(request: HttpRequest, programme_pk: int, demand_pk: int) -> HttpResponse:
    programme = access.access_programme(request.user, programme_pk, for_write=True)
    demand = get_object_or_404(selectors.programme_demands(programme), pk=demand_pk)
    services.host_demand_remove(actor=request.user, demand=demand)
    messages.success(request, _("已删除“%(d)s”的需求") % {"d": demand})
    return redirect("planning:demand", programme_pk=programme.pk)
