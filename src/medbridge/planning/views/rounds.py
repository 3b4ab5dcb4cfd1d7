"""Matching-round pages: thin handlers that look records up through the access
module, read through selectors and write through services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from medbridge.accounts import access
from medbridge.accounts.decorators import directory_user_required
from medbridge.planning import importer, selectors, services
from medbridge.planning.forms import ApplicationForm, ImportForm, RoundDepartmentForm, RoundForm
from medbridge.planning.models import MatchingRound, RankingRule, RoundKind, RoundStatus
from medbridge.web.forms import run_form
from medbridge.web.pagination import paginate


def _errors(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _form_page(request: HttpRequest, form: forms.Form, title: str, back: str) -> HttpResponse:
    return render(request, "planning/form.html", {"form": form, "title": title, "back": back})


@directory_user_required
def round_list(request: HttpRequest) -> HttpResponse:
    f = selectors.RoundFilter(
        q=request.GET.get("q", "").strip(), status=request.GET.get("status", ""), kind=request.GET.get("kind", "")
    )
    context = {
        "page": paginate(request, selectors.round_list(request.user, f)),
        "filter": f,
        "statuses": RoundStatus.choices,
        "kinds": RoundKind.choices,
        "can_open": access.programmes_editable_by(request.user).exists(),
    }
    return render(request, "planning/round_list.html", context)


@directory_user_required
def round_create(request: HttpRequest) -> HttpResponse:
    form = RoundForm(request.POST or None, programmes=access.programmes_editable_by(request.user))
    round_ = run_form(
        request, form, lambda: services.round_open(actor=request.user, data=services.RoundData(**form.cleaned_data))
    )
    if round_ is not None:
        messages.success(request, _("已创建匹配轮次“%(t)s”") % {"t": round_.title})
        return redirect(round_)
    return _form_page(request, form, _("新建匹配轮次"), "/planning/")


@directory_user_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    round_: MatchingRound = access.access_matching_round(request.user, pk)
    q = request.GET.get("q", "").strip()
    can_edit = access.can_edit_programme(request.user, round_.programme)
    context = {
        "round": round_,
        "departments": selectors.round_departments(round_),
        "page": paginate(request, selectors.round_review(round_, q)),
        "q": q,
        "can_edit": can_edit and round_.status != RoundStatus.PUBLISHED,
        "can_publish": can_edit and round_.status == RoundStatus.RUN,
        "department_form": RoundDepartmentForm(round_=round_),
        "unplaced": round_.applications.filter(placement__isnull=True).count(),
    }
    return render(request, "planning/round_detail.html", context)


@directory_user_required
def department_add(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = access.access_matching_round(request.user, pk, for_write=True)
    form = RoundDepartmentForm(request.POST or None, round_=round_)
    added = run_form(
        request, form, lambda: services.round_department_add(actor=request.user, round_=round_, **form.cleaned_data)
    )
    if added is not None:
        messages.success(request, _("已添加接收科室“%(d)s”") % {"d": added})
        return redirect(round_)
    return _form_page(request, form, _("添加接收科室"), round_.get_absolute_url())


@require_POST
@directory_user_required
def department_remove(request: HttpRequest, pk: int, department_pk: int) -> HttpResponse:
    round_ = access.access_matching_round(request.user, pk, for_write=True)
    department = get_object_or_404(round_.departments, pk=department_pk)
    try:
        services.round_department_remove(actor=request.user, department=department)
        messages.success(request, _("已移除接收科室“%(d)s”") % {"d": department})
    except ValidationError as error:
        _errors(request, error)
    return redirect(round_)


@directory_user_required
def department_ranking(request: HttpRequest, pk: int, department_pk: int) -> HttpResponse:
    """The department ranks the applicants who chose it, by hand: a number per
    person, blank for those it will not take."""
    round_ = access.access_matching_round(request.user, pk, for_write=True)
    department = get_object_or_404(round_.departments.select_related("department__institution"), pk=department_pk)
    applicants = list(round_.applications.filter(choices__department=department).select_related("professional__title"))
    current = {r.application_id: r.rank for r in department.rankings.all()}
    if request.method == "POST":
        ranked = _ranked_from(request, applicants)
        if ranked is not None:
            try:
                services.department_ranking_set(actor=request.user, department=department, applications=ranked)
                messages.success(request, _("已保存“%(d)s”的人工排序") % {"d": department})
                return redirect(round_)
            except ValidationError as error:
                _errors(request, error)
        current = {a.pk: int(request.POST.get(f"rank_{a.pk}") or 0) or None for a in applicants}  # type: ignore[misc]
    rows = [(a, current.get(a.pk)) for a in applicants]
    context = {
        "round": round_,
        "department": department,
        "rows": rows,
        "is_manual": department.rule == RankingRule.MANUAL,
    }
    return render(request, "planning/ranking.html", context)


def _ranked_from(request: HttpRequest, applicants: list[Any]) -> list[Any] | None:
    ranks: dict[int, Any] = {}
    for application in applicants:
        value = request.POST.get(f"rank_{application.pk}", "").strip()
        if not value:
            continue
        if not value.isdigit() or int(value) in ranks:
            messages.error(request, _("排序须为不重复的正整数：%(n)s") % {"n": application.professional.name})
            return None
        ranks[int(value)] = application
    return [ranks[k] for k in sorted(ranks)]


@directory_user_required
def application_add(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = access.access_matching_round(request.user, pk, for_write=True)
    form = ApplicationForm(request.POST or None, round_=round_)

    def write() -> Any:
        person = form.professional()
        if person is None:
            return None
        data = services.ApplicationData(
            professional=person,
            home_institution=form.cleaned_data["home_institution"],
            years_of_service=form.cleaned_data["years_of_service"],
            choices=form.choices(),
        )
        return services.application_add(actor=request.user, round_=round_, data=data)

    added = run_form(request, form, write)
    if added is not None:
        messages.success(request, _("已添加%(n)s的申请") % {"n": added.professional.name})
        return redirect(round_)
    return _form_page(request, form, _("添加申请"), round_.get_absolute_url())


@require_POST
@directory_user_required
def application_remove(request: HttpRequest, pk: int, application_pk: int) -> HttpResponse:
    round_ = access.access_matching_round(request.user, pk, for_write=True)
    application = get_object_or_404(round_.applications.select_related("professional"), pk=application_pk)
    try:
        services.application_remove(actor=request.user, application=application)
        messages.success(request, _("已删除%(n)s的申请") % {"n": application.professional.name})
    except ValidationError as error:
        _errors(request, error)
    return redirect(round_)


@directory_user_required
def application_import(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = access.access_matching_round(request.user, pk, for_write=True)
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[importer.RowError] = []
    if request.method == "POST" and form.is_valid():
        try:
            added = importer.import_applications(actor=request.user, round_=round_, file=form.cleaned_data["file"])
            messages.success(request, _("已导入%(n)s份申请") % {"n": added})
            return redirect(round_)
        except importer.ImportFailed as failed:
            errors = failed.errors
    return render(request, "planning/import.html", {"round": round_, "form": form, "errors": errors})


@directory_user_required
def application_template(request: HttpRequest, pk: int) -> HttpResponse:
    access.access_matching_round(request.user, pk)
    response = HttpResponse(
        importer.template(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = "attachment; filename*=UTF-8''applications.xlsx"
    return response


@require_POST
@directory_user_required
def round_run(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = access.access_matching_round(request.user, pk, for_write=True)
    try:
        services.round_run(actor=request.user, round_=round_)
        placed = round_.applications.filter(placement__isnull=False).count()
        messages.success(request, _("匹配完成：%(p)s人获得名额") % {"p": placed})
    except ValidationError as error:
        _errors(request, error)
    return redirect(round_)


@require_POST
@directory_user_required
def round_publish(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = access.access_matching_round(request.user, pk, for_write=True)
    try:
        created = services.round_publish(actor=request.user, round_=round_)
        messages.success(request, _("已发布：生成%(n)s条计划派驻") % {"n": created})
    except ValidationError as error:
        messages.error(request, _("未发布，以下人员无法派驻，未写入任何记录："))
        _errors(request, error)
    return redirect(round_)
