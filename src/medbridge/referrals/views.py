"""Referral and consultation pages: thin handlers that look records up through the
access module, read through selectors and write through services."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from medbridge.accounts import access
from medbridge.accounts.decorators import directory_user_required
from medbridge.directory.models import Institution
from medbridge.interop.services.workbook import workbook_bytes
from medbridge.referrals import export, selectors, services
from medbridge.referrals.api import figures_json
from medbridge.referrals.forms import (
    AttachmentForm,
    ConsultationForm,
    OpinionForm,
    ReferralForm,
    ScheduleForm,
    partner_names,
)
from medbridge.referrals.models import (
    ConsultationKind,
    ConsultationStatus,
    Direction,
    ReferralStatus,
    Urgency,
)
from medbridge.web.forms import int_or_none, run_form
from medbridge.web.pagination import paginate

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _form_page(request: HttpRequest, form: forms.Form, title: str, back: str, **extra: Any) -> HttpResponse:
    return render(request, "referrals/form.html", {"form": form, "title": title, "back": back, **extra})


def _datalist(user: Any) -> Any:
    if access.is_system_admin(user):
        return access.partner_candidates(user).values_list("name", flat=True)
    return partner_names(user).values_list("name", flat=True)


def _chosen_institution(request: HttpRequest) -> Institution | None:
    """The institution whose board or figures are shown: asked for, else the user's own."""
    pk = int_or_none(request.GET.get("institution"))
    if pk is not None:
        return access.access_institution(request.user, pk)
    own = getattr(request.user, "institution", None) or getattr(
        getattr(request.user, "professional", None), "institution", None
    )
    return own if isinstance(own, Institution) else None


def _referral_filter(request: HttpRequest, institution: Institution | None) -> selectors.ReferralFilter:
    g = request.GET
    programme_pk = int_or_none(g.get("programme"))
    return selectors.ReferralFilter(
        institution=institution,
        side=g.get("side", ""),
        status=g.get("status", ""),
        direction=g.get("direction", ""),
        urgency=g.get("urgency", ""),
        programme=access.access_programme(request.user, programme_pk) if programme_pk else None,
        q=g.get("q", "").strip(),
        record_no=g.get("record_no", "").strip(),
        overdue=g.get("overdue") == "1",
        year=int_or_none(g.get("year")),
    )


def _choices() -> dict[str, Any]:
    return {
        "statuses": ReferralStatus.choices,
        "directions": Direction.choices,
        "urgencies": Urgency.choices,
    }


# --- Referrals -------------------------------------------------------------------------


@directory_user_required
def board(request: HttpRequest) -> HttpResponse:
    institution = _chosen_institution(request)
    f = _referral_filter(request, institution)
    columns = selectors.referral_board(request.user, f)
    context = {
        "columns": columns,
        "institution": institution,
        "institutions": selectors.board_institutions(request.user),
        "filter": f,
        "can_see_patient": access.patient_checker(request.user),
        "can_create": access.staff_institutions(request.user).exists(),
        "any": any(c.count for c in columns),
        **_choices(),
    }
    _label_cards(context)
    return render(request, "referrals/board.html", context)


def _label_cards(context: dict[str, Any]) -> None:
    # The template cannot call a function with an argument: mark each card here.
    check = context["can_see_patient"]
    for column in context["columns"]:
        for card in column.cards:
            card.show_patient = check(card)


@directory_user_required
def referral_list(request: HttpRequest) -> HttpResponse:
    institution = _chosen_institution(request) if request.GET.get("institution") else None
    f = _referral_filter(request, institution)
    page = paginate(request, selectors.referral_list(request.user, f))
    check = access.patient_checker(request.user)
    for referral in page:
        referral.show_patient = check(referral)
    staff = access.staff_institutions(request.user).exists()
    context = {"page": page, "filter": f, "institution": institution, "staff": staff, **_choices()}
    return render(request, "referrals/referral_list.html", context)


@directory_user_required
def referral_detail(request: HttpRequest, pk: int) -> HttpResponse:
    referral = access.access_referral(request.user, pk)
    referral = selectors.with_overdue(type(referral).objects.filter(pk=pk)).get()
    context = {
        "referral": referral,
        "show_patient": access.can_see_patient(request.user, referral),
        "events": selectors.referral_events(referral),
        "actions": services.referral_actions_for(request.user, referral),
    }
    return render(request, "referrals/referral_detail.html", context)


@directory_user_required
def referral_create(request: HttpRequest) -> HttpResponse:
    if not access.staff_institutions(request.user).exists():
        raise PermissionDenied(_("只有医疗机构的工作人员可以发起转诊"))
    initial = {"from_institution": getattr(request.user, "institution_id", None)}
    form = ReferralForm(request.POST or None, user=request.user, initial=initial)
    referral = run_form(request, form, lambda: services.referral_create(actor=request.user, data=form.to_data()))
    if referral:
        messages.success(request, _("已发起转诊 %(n)s") % {"n": referral.number})
        return redirect(referral)
    return _form_page(request, form, _("发起转诊"), "", institution_names=_datalist(request.user))


@require_POST
@directory_user_required
def referral_transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    referral = access.access_referral(request.user, pk)
    try:
        services.referral_transition(
            actor=request.user, referral=referral, action=action, note=request.POST.get("note", "")
        )
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", None) or [str(error)]))
    else:
        step = services.REFERRAL_TRANSITIONS[action]
        messages.success(request, _("已%(action)s") % {"action": step.label})
    return redirect(referral)


@directory_user_required
def figures(request: HttpRequest) -> HttpResponse:
    year = int_or_none(request.GET.get("year")) or timezone.localdate().year
    institution = _chosen_institution(request) if request.GET.get("institution") else None
    programme_pk = int_or_none(request.GET.get("programme"))
    programme = access.access_programme(request.user, programme_pk) if programme_pk else None
    f = selectors.FiguresFilter(year=year, programme=programme, institution=institution)
    result = selectors.referral_figures(request.user, f)
    context = {
        "figures": result,
        "chart_data": figures_json(result),
        "year": year,
        "years": range(timezone.localdate().year, timezone.localdate().year - 6, -1),
        "institution": institution,
        "institutions": selectors.board_institutions(request.user),
        "programme": programme,
        "programmes": access.programmes_visible_to(request.user).filter(referrals__isnull=False).distinct(),
    }
    return render(request, "referrals/figures.html", context)


@directory_user_required
def export_download(request: HttpRequest) -> HttpResponse:
    year = int_or_none(request.GET.get("year"))
    content = workbook_bytes(export.referral_workbook(request.user, year=year))
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = HttpResponse(content, content_type=XLSX_TYPE)
    name = f"医桥转诊会诊导出-{stamp}.xlsx"
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name) or ""
    return response


# --- Consultations ------------------------------------------------------------------------


@directory_user_required
def consultation_list(request: HttpRequest) -> HttpResponse:
    g = request.GET
    institution = _chosen_institution(request) if g.get("institution") else None
    f = selectors.ConsultationFilter(
        institution=institution,
        status=g.get("status", ""),
        kind=g.get("kind", ""),
        q=g.get("q", "").strip(),
        year=int_or_none(g.get("year")),
    )
    page = paginate(request, selectors.consultation_list(request.user, f))
    check = access.patient_checker(request.user)
    for consultation in page:
        consultation.show_patient = check(consultation)
    context = {
        "page": page,
        "filter": f,
        "kinds": ConsultationKind.choices,
        "statuses": ConsultationStatus.choices,
        "can_create": access.staff_institutions(request.user).exists(),
    }
    return render(request, "referrals/consultation_list.html", context)


@directory_user_required
def consultation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = access.access_consultation(request.user, pk)
    show_patient = access.can_see_patient(request.user, consultation)
    actions = {t.action for t in services.consultation_actions_for(request.user, consultation)}
    context = {
        "consultation": consultation,
        "show_patient": show_patient,
        "events": selectors.consultation_events(consultation),
        "attachments": consultation.attachments.all() if show_patient else [],
        "actions": actions,
        "attachment_form": AttachmentForm() if access.consultation_sides(request.user, consultation) else None,
    }
    return render(request, "referrals/consultation_detail.html", context)


@directory_user_required
def consultation_create(request: HttpRequest) -> HttpResponse:
    if not access.staff_institutions(request.user).exists():
        raise PermissionDenied(_("只有医疗机构的工作人员可以申请会诊"))
    initial = {"requesting_institution": getattr(request.user, "institution_id", None)}
    form = ConsultationForm(request.POST or None, user=request.user, initial=initial)
    consultation = run_form(
        request, form, lambda: services.consultation_create(actor=request.user, data=form.to_data())
    )
    if consultation:
        messages.success(request, _("已申请会诊 %(n)s") % {"n": consultation.number})
        return redirect(consultation)
    back = "javascript:history.back()"
    return _form_page(request, form, _("申请远程会诊"), back, institution_names=_datalist(request.user))


def _consultant_form_page(request: HttpRequest, pk: int, form_class: Any, title: str, write: Any) -> HttpResponse:
    consultation = access.access_consultation(request.user, pk)
    if "consultant" not in access.consultation_sides(request.user, consultation):
        raise PermissionDenied(_("只有会诊方可以%(what)s") % {"what": title})
    form = form_class(request.POST or None, consultant=consultation.consulting_institution)
    if run_form(request, form, lambda: write(consultation, form.cleaned_data)):
        messages.success(request, _("已保存"))
        return redirect(consultation)
    heading = f"{title}：{consultation.number}"
    return _form_page(request, form, heading, consultation.get_absolute_url())


@directory_user_required
def consultation_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    def write(consultation: Any, c: dict[str, Any]) -> Any:
        return services.consultation_schedule(
            actor=request.user,
            consultation=consultation,
            scheduled_for=c["scheduled_for"],
            expert=c["consulting_expert"],
            note=c["note"],
        )

    return _consultant_form_page(request, pk, ScheduleForm, _("会诊排期"), write)


@directory_user_required
def consultation_opinion(request: HttpRequest, pk: int) -> HttpResponse:
    def write(consultation: Any, c: dict[str, Any]) -> Any:
        return services.consultation_give_opinion(
            actor=request.user, consultation=consultation, opinion=c["opinion"], expert=c["consulting_expert"]
        )

    return _consultant_form_page(request, pk, OpinionForm, _("出具会诊意见"), write)


@require_POST
@directory_user_required
def consultation_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = access.access_consultation(request.user, pk)
    try:
        services.consultation_cancel(actor=request.user, consultation=consultation, note=request.POST.get("note", ""))
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", None) or [str(error)]))
    else:
        messages.success(request, _("已取消会诊"))
    return redirect(consultation)


@require_POST
@directory_user_required
def attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = access.access_consultation(request.user, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("请选择要上传的文件"))
        return redirect(consultation)
    try:
        services.attachment_add(
            actor=request.user,
            consultation=consultation,
            title=form.cleaned_data["title"],
            file=form.cleaned_data["file"],
        )
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", None) or [str(error)]))
    else:
        messages.success(request, _("已上传附件"))
    return redirect(consultation)


@directory_user_required
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    # Attachments carry patient data: served only here, only to the two sides' staff.
    consultation = access.access_consultation(request.user, pk)
    if not access.can_see_patient(request.user, consultation):
        raise PermissionDenied(_("会诊附件仅对双方机构人员开放"))
    attachment = get_object_or_404(consultation.attachments, pk=attachment_pk)
    name = PurePath(attachment.file.name or "").name
    return cast(HttpResponse, FileResponse(attachment.file.open("rb"), as_attachment=True, filename=name))
