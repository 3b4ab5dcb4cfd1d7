"""Referral and consultation endpoints. Lookups go through the access module, reads
through selectors, writes through services. Patient fields come in one ``patient``
object that is null for anyone who is not staff of either side (commission
officers get institutions, statuses and times only); lists mask the record number."""

from datetime import datetime
from pathlib import PurePath
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from medbridge.accounts import access
from medbridge.directory.api import Page, Year
from medbridge.directory.models import Specialty
from medbridge.programmes.api import Resolver as ProgrammeResolver
from medbridge.referrals import selectors, services
from medbridge.referrals.models import Consultation, ConsultationAttachment, Referral

router = Router(tags=["referrals"])


# --- Patient fields, only for the two sides' staff -------------------------------------


def _may_see_patient(context: dict[str, Any], record: Any) -> bool:
    request = context["request"]
    # One query per request, not per row.
    checker = getattr(request, "_patient_checker", None)
    if checker is None:
        checker = access.patient_checker(request.user)
        request._patient_checker = checker
    return bool(checker(record))


class PatientOut(Schema):
    initials: str
    sex: str
    age_band: str
    record_no: str
    clinical: str
    diagnosis_code: str


def _patient(record: Any, context: dict[str, Any], *, full: bool) -> PatientOut | None:
    if not _may_see_patient(context, record):
        return None
    return PatientOut(
        initials=record.patient_initials,
        sex=record.patient_sex,
        age_band=record.patient_age_band,
        record_no=record.patient_record_no if full else record.masked_record_no,
        clinical=str(getattr(record, "reason", None) or getattr(record, "question", "")),
        diagnosis_code=getattr(record, "diagnosis_code", ""),
    )


# --- Referrals ----------------------------------------------------------------------------


class EventOut(Schema):
    action: str
    from_status: str
    to_status: str
    at: datetime
    actor: str | None
    note: str

    @staticmethod
    def resolve_actor(obj: Any) -> str | None:
        return (obj.actor.first_name or obj.actor.username) if obj.actor else None


class ReferralOut(Schema):
    id: int
    number: str
    programme_id: int | None
    outside_network: bool
    from_institution_id: int
    from_institution_name: str
    from_department: str | None
    to_institution_id: int
    to_institution_name: str
    to_department: str | None
    direction: str
    urgency: str
    status: str
    requested_at: datetime
    accept_due_at: datetime
    accepted_at: datetime | None
    declined_at: datetime | None
    cancelled_at: datetime | None
    arrived_at: datetime | None
    completed_at: datetime | None
    returned_at: datetime | None
    overdue: bool
    patient: PatientOut | None

    @staticmethod
    def resolve_from_institution_name(obj: Referral) -> str:
        return obj.from_institution.name

    @staticmethod
    def resolve_to_institution_name(obj: Referral) -> str:
        return obj.to_institution.name

    @staticmethod
    def resolve_from_department(obj: Referral) -> str | None:
        return obj.from_department.name if obj.from_department else None

    @staticmethod
    def resolve_to_department(obj: Referral) -> str | None:
        return obj.to_department.name if obj.to_department else None

    @staticmethod
    def resolve_overdue(obj: Referral) -> bool:
        return bool(getattr(obj, "overdue", False))

    @staticmethod
    def resolve_patient(obj: Referral, context: dict[str, Any]) -> PatientOut | None:
        return _patient(obj, context, full=False)


class ReferralDetailOut(ReferralOut):
    closing_note: str
    events: list[EventOut]
    actions: list[str]

    @staticmethod
    def resolve_patient(obj: Referral, context: dict[str, Any]) -> PatientOut | None:
        return _patient(obj, context, full=True)

    @staticmethod
    def resolve_events(obj: Referral) -> Any:
        return selectors.referral_events(obj)

    @staticmethod
    def resolve_actions(obj: Referral, context: dict[str, Any]) -> list[str]:
        return [t.action for t in services.referral_actions_for(context["request"].user, obj)]


class ReferralIn(Schema):
    from_institution_id: int
    to_institution_id: int
    patient_initials: str
    patient_age_band: str
    reason: str
    patient_sex: str = "9"
    patient_record_no: str = ""
    from_department_id: int | None = None
    to_department_id: int | None = None
    diagnosis_code: str = ""
    urgency: str = "routine"
    programme_id: int | None = None
    outside_network: bool = False
    at: datetime | None = None


class ReferralTransitionIn(Schema):
    action: str
    note: str = ""
    at: datetime | None = None


class ReferralQuery(Schema):
    institution: int | None = None
    side: str = ""
    status: str = ""
    direction: str = ""
    urgency: str = ""
    programme: int | None = None
    q: str = ""
    record_no: str = ""
    overdue: bool = False
    year: Year | None = None


def _referral_filter(request: HttpRequest, query: ReferralQuery) -> selectors.ReferralFilter:
    values = query.dict()
    institution = access.access_institution(request.user, query.institution) if query.institution else None
    programme = access.access_programme(request.user, query.programme) if query.programme else None
    return selectors.ReferralFilter(**{**values, "institution": institution, "programme": programme})


def _with_overdue(request: HttpRequest, pk: int) -> Referral:
    referral = access.access_referral(request.user, pk)
    return selectors.with_overdue(type(referral).objects.filter(pk=referral.pk)).select_related(
        "from_institution", "to_institution", "from_department", "to_department"
    )[0]


@router.get("/referrals", response=list[ReferralOut], summary="转诊列表（筛选、分页；患者信息仅对双方机构人员可见）")
@paginate(Page)
def list_referrals(request: HttpRequest, filters: Query[ReferralQuery]) -> Any:
    return selectors.referral_list(request.user, _referral_filter(request, filters))


class ReferralFiguresQuery(Schema):
    year: int | None = Field(None, ge=1900, le=2100)
    programme: int | None = None
    institution: int | None = None


@router.get(
    "/referrals/figures",
    response=dict[str, Any],
    summary="转诊与会诊统计（按合作单位和月份、接收与完成用时中位数、会诊类型）",
)
def referral_figures(request: HttpRequest, filters: Query[ReferralFiguresQuery]) -> Any:
    f = selectors.FiguresFilter(
        year=filters.year,
        programme=access.access_programme(request.user, filters.programme) if filters.programme else None,
        institution=access.access_institution(request.user, filters.institution) if filters.institution else None,
    )
    return figures_json(selectors.referral_figures(request.user, f))


def figures_json(figures: selectors.Figures) -> dict[str, Any]:
    partners = [
        {
            "institution_id": p.institution_id,
            "name": p.name,
            "up": p.up,
            "down": p.down,
            "across": p.across,
            "up_total": p.up_total,
            "down_total": p.down_total,
            "across_total": p.across_total,
        }
        for p in figures.partners
    ]
    body = {k: v for k, v in figures.__dict__.items() if k not in ("partners", "consultations")}
    body["partners"] = partners
    body["consultations"] = [k.__dict__ for k in figures.consultations]
    return body


@router.get("/referrals/{int:pk}", response=ReferralDetailOut, summary="转诊详情（含流转记录）")
def get_referral(request: HttpRequest, pk: int) -> Any:
    return _with_overdue(request, pk)


@router.post("/referrals", response={201: ReferralDetailOut}, summary="发起转诊")
def create_referral(request: HttpRequest, payload: ReferralIn) -> Any:
    r = Resolver(request)
    data = services.ReferralData(
        from_institution=r.institution("from_institution_id", payload.from_institution_id),  # type: ignore[arg-type]
        to_institution=r.partner("to_institution_id", payload.to_institution_id),
        from_department=r.department("from_department_id", payload.from_department_id),
        to_department=r.partner_department("to_department_id", payload.to_department_id),
        programme=r.programme("programme_id", payload.programme_id),
        **payload.dict(
            include={
                "patient_initials",
                "patient_age_band",
                "reason",
                "patient_sex",
                "patient_record_no",
                "diagnosis_code",
                "urgency",
                "outside_network",
            }
        ),
    )
    r.done()
    referral = services.referral_create(actor=request.user, data=data, at=payload.at)
    return Status(201, _with_overdue(request, referral.pk))


@router.post(
    "/referrals/{int:pk}/transitions",
    response=ReferralDetailOut,
    summary="转诊流转：接收、拒绝、撤回、到院、完成、退回",
)
def transition_referral(request: HttpRequest, pk: int, payload: ReferralTransitionIn) -> Any:
    referral = access.access_referral(request.user, pk)
    services.referral_transition(
        actor=request.user, referral=referral, action=payload.action, note=payload.note, at=payload.at
    )
    return _with_overdue(request, pk)


class Resolver(ProgrammeResolver):
    def professional(self, field: str, pk: int | None) -> Any:
        return self._row(field, access.professionals_visible_to(self.user), pk, _("人员不存在或无权访问"))


# --- Consultations ----------------------------------------------------------------------------


class AttachmentOut(Schema):
    id: int
    title: str
    uploaded_at: datetime
    url: str

    @staticmethod
    def resolve_url(obj: ConsultationAttachment) -> str:
        return reverse("api:consultation_attachment", kwargs={"pk": obj.consultation_id, "attachment_id": obj.pk})


class ConsultationOut(Schema):
    id: int
    number: str
    programme_id: int | None
    outside_network: bool
    kind: str
    status: str
    requesting_institution_id: int
    requesting_institution_name: str
    requesting_doctor: str | None
    specialty: str | None
    consulting_institution_id: int
    consulting_institution_name: str
    consulting_expert: str | None
    station_id: int | None
    requested_at: datetime
    scheduled_for: datetime | None
    scheduled_at: datetime | None
    completed_at: datetime | None
    cancelled_at: datetime | None
    patient: PatientOut | None

    @staticmethod
    def resolve_requesting_institution_name(obj: Consultation) -> str:
        return obj.requesting_institution.name

    @staticmethod
    def resolve_consulting_institution_name(obj: Consultation) -> str:
        return obj.consulting_institution.name

    @staticmethod
    def resolve_requesting_doctor(obj: Consultation) -> str | None:
        return obj.requesting_doctor.name if obj.requesting_doctor else None

    @staticmethod
    def resolve_consulting_expert(obj: Consultation) -> str | None:
        return obj.consulting_expert.name if obj.consulting_expert else None

    @staticmethod
    def resolve_specialty(obj: Consultation) -> str | None:
        return obj.specialty.code if obj.specialty else None

    @staticmethod
    def resolve_patient(obj: Consultation, context: dict[str, Any]) -> PatientOut | None:
        return _patient(obj, context, full=False)


class ConsultationDetailOut(ConsultationOut):
    opinion: str | None
    events: list[EventOut]
    attachments: list[AttachmentOut] | None
    actions: list[str]

    @staticmethod
    def resolve_patient(obj: Consultation, context: dict[str, Any]) -> PatientOut | None:
        return _patient(obj, context, full=True)

    @staticmethod
    def resolve_opinion(obj: Consultation, context: dict[str, Any]) -> str | None:
        # The opinion speaks about the patient: the same people see it.
        return obj.opinion if _may_see_patient(context, obj) else None

    @staticmethod
    def resolve_attachments(obj: Consultation, context: dict[str, Any]) -> Any:
        return obj.attachments.all() if _may_see_patient(context, obj) else None

    @staticmethod
    def resolve_events(obj: Consultation) -> Any:
        return selectors.consultation_events(obj)

    @staticmethod
    def resolve_actions(obj: Consultation, context: dict[str, Any]) -> list[str]:
        return [t.action for t in services.consultation_actions_for(context["request"].user, obj)]


class ConsultationIn(Schema):
    requesting_institution_id: int
    consulting_institution_id: int
    kind: str
    question: str
    requesting_doctor_id: int | None = None
    specialty: str | None = None
    consulting_expert_id: int | None = None
    station_id: int | None = None
    patient_initials: str = ""
    patient_sex: str = "9"
    patient_age_band: str = ""
    patient_record_no: str = ""
    programme_id: int | None = None
    outside_network: bool = False
    at: datetime | None = None


class ScheduleIn(Schema):
    scheduled_for: datetime
    consulting_expert_id: int | None = None
    note: str = ""
    at: datetime | None = None


class OpinionIn(Schema):
    opinion: str
    consulting_expert_id: int | None = None
    at: datetime | None = None


class CancelIn(Schema):
    note: str
    at: datetime | None = None


class ConsultationQuery(Schema):
    institution: int | None = None
    status: str = ""
    kind: str = ""
    q: str = ""
    year: Year | None = None


@router.get("/consultations", response=list[ConsultationOut], summary="远程会诊列表")
@paginate(Page)
def list_consultations(request: HttpRequest, filters: Query[ConsultationQuery]) -> Any:
    institution = access.access_institution(request.user, filters.institution) if filters.institution else None
    f = selectors.ConsultationFilter(**{**filters.dict(), "institution": institution})
    return selectors.consultation_list(request.user, f)


@router.get("/consultations/{int:pk}", response=ConsultationDetailOut, summary="远程会诊详情")
def get_consultation(request: HttpRequest, pk: int) -> Any:
    return access.access_consultation(request.user, pk)


@router.post("/consultations", response={201: ConsultationDetailOut}, summary="申请远程会诊")
def create_consultation(request: HttpRequest, payload: ConsultationIn) -> Any:
    r = Resolver(request)
    data = services.ConsultationData(
        requesting_institution=r.institution("requesting_institution_id", payload.requesting_institution_id),  # type: ignore[arg-type]
        consulting_institution=r.partner("consulting_institution_id", payload.consulting_institution_id),
        requesting_doctor=r.professional("requesting_doctor_id", payload.requesting_doctor_id),
        consulting_expert=r.expert("consulting_expert_id", payload.consulting_expert_id),
        station=r.station("station_id", payload.station_id),
        specialty=r.code("specialty", Specialty, payload.specialty),
        programme=r.programme("programme_id", payload.programme_id),
        **payload.dict(
            include={
                "kind",
                "question",
                "patient_initials",
                "patient_sex",
                "patient_age_band",
                "patient_record_no",
                "outside_network",
            }
        ),
    )
    r.done()
    return Status(201, services.consultation_create(actor=request.user, data=data, at=payload.at))


@router.post("/consultations/{int:pk}/schedule", response=ConsultationDetailOut, summary="会诊排期（会诊方）")
def schedule_consultation(request: HttpRequest, pk: int, payload: ScheduleIn) -> Any:
    consultation = access.access_consultation(request.user, pk)
    r = Resolver(request)
    expert = r.expert("consulting_expert_id", payload.consulting_expert_id)
    r.done()
    return services.consultation_schedule(
        actor=request.user,
        consultation=consultation,
        scheduled_for=payload.scheduled_for,
        expert=expert,
        note=payload.note,
        at=payload.at,
    )


@router.post("/consultations/{int:pk}/opinion", response=ConsultationDetailOut, summary="出具会诊意见（会诊方）")
def give_opinion(request: HttpRequest, pk: int, payload: OpinionIn) -> Any:
    consultation = access.access_consultation(request.user, pk)
    r = Resolver(request)
    expert = r.expert("consulting_expert_id", payload.consulting_expert_id)
    r.done()
    return services.consultation_give_opinion(
        actor=request.user, consultation=consultation, opinion=payload.opinion, expert=expert, at=payload.at
    )


@router.post("/consultations/{int:pk}/cancel", response=ConsultationDetailOut, summary="取消会诊（申请方）")
def cancel_consultation(request: HttpRequest, pk: int, payload: CancelIn) -> Any:
    consultation = access.access_consultation(request.user, pk)
    return services.consultation_cancel(actor=request.user, consultation=consultation, note=payload.note, at=payload.at)


@router.post("/consultations/{int:pk}/attachments", response={201: AttachmentOut}, summary="上传会诊附件（multipart）")
def add_attachment(request: HttpRequest, pk: int, file: File[UploadedFile], title: Form[str] = "") -> Any:
    consultation = access.access_consultation(request.user, pk)
    return Status(201, services.attachment_add(actor=request.user, consultation=consultation, title=title, file=file))


@router.get(
    "/consultations/{int:pk}/attachments/{int:attachment_id}",
    summary="下载会诊附件",
    url_name="consultation_attachment",
    response={200: None},
)
def download_attachment(request: HttpRequest, pk: int, attachment_id: int) -> Any:
    consultation = access.access_consultation(request.user, pk)
    if not access.can_see_patient(request.user, consultation):
        raise PermissionDenied(_("会诊附件仅对双方机构人员开放"))
    attachment = get_object_or_404(consultation.attachments, pk=attachment_id)
    name = PurePath(attachment.file.name or "").name
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=name)


__all__ = ["figures_json", "router"]
