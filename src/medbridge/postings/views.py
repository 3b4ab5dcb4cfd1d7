"""Posting pages: thin handlers that look records up through the access module,
read through selectors and write through services."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from medbridge.accounts import access
from medbridge.accounts.decorators import directory_user_required
from medbridge.directory.models import Institution
from medbridge.postings import selectors, services
from medbridge.postings.forms import (
    BatchForm,
    CareerGoalForm,
    EvaluationForm,
    HandoverForm,
    PostingForm,
    TransitionForm,
    WorkLogForm,
)
from medbridge.postings.models import CareerGoalStatus, PostingKind, PostingStatus
from medbridge.web.forms import int_or_none, run_form, saved
from medbridge.web.pagination import paginate

# Buttons offered on a posting, by the state it may move to.
ACTIONS: dict[str, tuple[Any, bool, bool]] = {
    PostingStatus.APPROVED: (gettext_lazy("批准派出"), False, False),
    PostingStatus.ACTIVE: (gettext_lazy("报到（开始）"), True, False),
    PostingStatus.COMPLETED: (gettext_lazy("结束（期满）"), True, False),
    PostingStatus.CANCELLED: (gettext_lazy("取消"), False, True),
    PostingStatus.WITHDRAWN: (gettext_lazy("中途撤回"), True, True),
}


def _form_page(request: HttpRequest, form: Any, title: str, back: str, **extra: Any) -> HttpResponse:
    if extra.pop("institutions", False):
        # The institutions of the user's programmes: where people are sent from and to.
        programmes = access.programmes_visible_to(request.user)
        parties = Institution.objects.filter(parties__programme__in=programmes).distinct()
        extra["institution_names"] = parties.order_by("name").values_list("name", flat=True)
    return render(request, "postings/form.html", {"form": form, "title": title, "back": back, **extra})


def _filter_from(request: HttpRequest) -> selectors.PostingFilter:
    return selectors.PostingFilter(
        q=request.GET.get("q", "").strip(),
        programme=int_or_none(request.GET.get("programme")),
        kind=request.GET.get("kind", ""),
        status=request.GET.get("status", ""),
        year=int_or_none(request.GET.get("year")),
        department=request.GET.get("department", "").strip(),
        batch=int_or_none(request.GET.get("batch")),
    )


@directory_user_required
def posting_list(request: HttpRequest) -> HttpResponse:
    f = _filter_from(request)
    context = {
        "page": paginate(request, selectors.posting_list(request.user, f)),
        "stats": selectors.posting_stats(request.user, f),
        "filter": f,
        "programmes": access.programmes_visible_to(request.user).order_by("name"),
        "kinds": PostingKind.choices,
        "statuses": PostingStatus.choices,
    }
    return render(request, "postings/posting_list.html", context)


@directory_user_required
def posting_create(request: HttpRequest) -> HttpResponse:
    initial = {k: v for k, v in request.GET.items() if k in ("programme", "kind", "batch")}
    form = PostingForm(request.POST or None, user=request.user, initial=initial)
    posting = run_form(request, form, lambda: _create(request, form))
    if posting is not None:
        return saved(request, _("已登记派驻：%(p)s") % {"p": posting}, posting.get_absolute_url())
    return _form_page(request, form, _("登记派驻/进修"), "postings:posting_list", institutions=True)


def _create(request: HttpRequest, form: PostingForm) -> Any:
    data = form.to_data()
    return None if data is None else services.posting_create(actor=request.user, data=data)


@directory_user_required
def posting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    posting = access.access_posting(request.user, pk)
    form = PostingForm(request.POST or None, user=request.user, initial=PostingForm.initial_from(posting))

    def write() -> Any:
        data = form.to_data()
        return None if data is None else services.posting_update(actor=request.user, posting=posting, data=data)

    if run_form(request, form, write) is not None:
        return saved(request, _("已保存"), posting.get_absolute_url())
    return _form_page(request, form, _("修改派驻"), posting.get_absolute_url(), institutions=True)


@directory_user_required
def posting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    posting = access.access_posting(request.user, pk)
    user = request.user
    actions = [
        {"to": to, "label": ACTIONS[to][0], "needs_date": ACTIONS[to][1], "needs_reason": ACTIONS[to][2]}
        for to in services.TRANSITIONS.get(posting.status, ())
        if (access.can_approve_posting if to == PostingStatus.APPROVED else access.can_run_posting)(user, posting)
    ]
    logs = selectors.posting_logs(posting)
    context = {
        "posting": posting,
        "actions": actions,
        "logs": paginate(request, logs),
        "totals": selectors.log_totals(logs),
        "techniques": posting.techniques.all(),
        "evaluations": selectors.posting_evaluations(posting),
        "can_edit": access.can_plan_posting(user, posting.programme, posting.home_institution),
        "can_log": access.can_log_work(user, posting),
        "can_evaluate": any(access.can_evaluate(user, posting, role) for role in ("mentor", "liaison")),
        "log_form": WorkLogForm(initial={"day": timezone.localdate()}),
        "relieved_by": posting.relieved_by.select_related("professional").first(),
    }
    return render(request, "postings/posting_detail.html", context)


@require_POST
@directory_user_required
def posting_transition(request: HttpRequest, pk: int) -> HttpResponse:
    posting = access.access_posting(request.user, pk)
    form = TransitionForm(request.POST)
    if form.is_valid():
        c = form.cleaned_data
        try:
            services.posting_transition(
                actor=request.user, posting=posting, to=c["to"], on=c.get("on"), reason=c.get("reason") or ""
            )
            messages.success(request, _("状态已改为“%(s)s”") % {"s": posting.get_status_display()})
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
    return redirect(posting.get_absolute_url())


@directory_user_required
def worklog_add(request: HttpRequest, pk: int) -> HttpResponse:
    posting = access.access_posting(request.user, pk)
    form = WorkLogForm(request.POST or None, initial={"day": timezone.localdate()})
    log = run_form(
        request, form, lambda: services.worklog_add(actor=request.user, posting=posting, data=form.to_data())
    )
    if log is not None:
        return saved(request, _("已记录 %(d)s 的工作日志") % {"d": log.day}, posting.get_absolute_url())
    return _form_page(request, form, _("填写工作日志"), posting.get_absolute_url(), posting=posting)


@directory_user_required
def evaluation_add(request: HttpRequest, pk: int) -> HttpResponse:
    posting = access.access_posting(request.user, pk)
    form = EvaluationForm(request.POST or None)
    done = run_form(
        request, form, lambda: services.evaluation_add(actor=request.user, posting=posting, data=form.to_data())
    )
    if done is not None:
        return saved(request, _("已保存考核"), posting.get_absolute_url())
    return _form_page(request, form, _("填写考核"), posting.get_absolute_url(), posting=posting)


# --- Batches -------------------------------------------------------------------------


@directory_user_required
def batch_list(request: HttpRequest) -> HttpResponse:
    programme = int_or_none(request.GET.get("programme"))
    context = {
        "page": paginate(request, selectors.batches_list(request.user, programme=programme)),
        "programmes": access.programmes_visible_to(request.user).order_by("name"),
        "programme": programme,
    }
    return render(request, "postings/batch_list.html", context)


@directory_user_required
def batch_create(request: HttpRequest) -> HttpResponse:
    form = BatchForm(request.POST or None, user=request.user, initial=request.GET.dict())

    def write() -> Any:
        parsed = form.to_data()
        if parsed is None:
            return None
        data, members = parsed
        return services.batch_create(actor=request.user, data=data, members=members)

    batch = run_form(request, form, write)
    if batch is not None:
        return saved(
            request, _("已建立%(b)s，共 %(n)d 人") % {"b": batch, "n": batch.postings.count()}, batch.get_absolute_url()
        )
    return _form_page(request, form, _("新建批次"), "postings:batch_list", institutions=True)


@directory_user_required
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = access.access_batch(request.user, pk)
    candidates = selectors.previous_batch_postings(request.user, batch)
    postings = list(selectors.batch_postings(request.user, batch))
    can_run = bool(postings) and access.can_run_posting(request.user, postings[0])
    rows = [
        (
            p,
            HandoverForm(candidates=candidates, initial={"relieves": p.relieves_id}, prefix=str(p.pk))
            if can_run and batch.relieves_id
            else None,
        )
        for p in postings
    ]
    context = {
        "batch": batch,
        "rows": rows,
        "can_approve": access.can_approve_batch(request.user, batch)
        and any(p.status == PostingStatus.PLANNED for p in postings),
        "relieved_by": getattr(batch, "relieved_by", None),
    }
    return render(request, "postings/batch_detail.html", context)


@require_POST
@directory_user_required
def batch_approve(request: HttpRequest, pk: int) -> HttpResponse:
    batch = access.access_batch(request.user, pk)
    count = services.batch_approve(actor=request.user, batch=batch)
    messages.success(request, _("已批准%(b)s的 %(n)d 人") % {"b": batch.label, "n": count})
    return redirect(batch.get_absolute_url())


@require_POST
@directory_user_required
def handover(request: HttpRequest, pk: int, posting_pk: int) -> HttpResponse:
    batch = access.access_batch(request.user, pk)
    posting = access.access_posting(request.user, posting_pk)
    form = HandoverForm(
        request.POST, candidates=selectors.previous_batch_postings(request.user, batch), prefix=str(posting.pk)
    )
    if form.is_valid():
        try:
            services.handover_record(actor=request.user, posting=posting, relieves=form.cleaned_data["relieves"])
            messages.success(request, _("已记录交接"))
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
    else:
        messages.error(request, _("请选择被接替的人员"))
    return redirect(batch.get_absolute_url())


# --- Development profile ---------------------------------------------------------------


@directory_user_required
def profile(request: HttpRequest, pk: int) -> HttpResponse:
    professional = access.access_profile(request.user, pk)
    data = selectors.profile(request.user, professional)
    context = {
        "p": data,
        "chart": json.dumps(data.evaluation_series, ensure_ascii=False),
        "can_plan": access.can_edit_professional(request.user, professional),
        "goal_form": CareerGoalForm(),
        "goal_statuses": CareerGoalStatus.choices,
    }
    return render(request, "postings/profile.html", context)


@directory_user_required
def career_goal_add(request: HttpRequest, pk: int) -> HttpResponse:
    professional = access.access_profile(request.user, pk)
    form = CareerGoalForm(request.POST or None)
    goal = run_form(
        request,
        form,
        lambda: services.career_goal_add(actor=request.user, professional=professional, data=form.to_data()),
    )
    back = reverse("postings:profile", args=[professional.pk])
    if goal is not None:
        return saved(request, _("已添加职业规划"), back)
    return _form_page(request, form, _("添加职业规划"), back)


@require_POST
@directory_user_required
def career_goal_status(request: HttpRequest, pk: int, goal_pk: int) -> HttpResponse:
    professional = access.access_profile(request.user, pk)
    goal = get_object_or_404(professional.career_goals, pk=goal_pk)
    data = services.CareerGoalData(goal.goal, goal.target_date, request.POST.get("status", ""), goal.note)
    try:
        services.career_goal_update(actor=request.user, goal=goal, data=data)
        messages.success(request, _("已更新“%(goal)s”的状态") % {"goal": goal.goal})
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    return redirect("postings:profile", pk=professional.pk)
