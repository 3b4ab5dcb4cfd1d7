"""Writes for referrals and remote consultations. Pages, the API and the demo all call
these. Each workflow is one table of allowed transitions (who may move a record
from which status to which, and which timestamp that sets); every step is taken
under a row lock, so two people pressing "accept" at once cannot both succeed."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import PurePath
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from medbridge.accounts import access
from medbridge.accounts.audit import acting_as
from medbridge.directory.models import Department, Institution, Professional, Sex, Specialty
from medbridge.directory.services import Errors
from medbridge.pii import keyed_hash
from medbridge.programmes.models import Party, Programme, ProgrammeStatus, Station
from medbridge.referrals.models import (
    ACCEPT_WITHIN,
    AgeBand,
    Consultation,
    ConsultationAttachment,
    ConsultationEvent,
    ConsultationKind,
    ConsultationStatus,
    Direction,
    Referral,
    ReferralEvent,
    ReferralStatus,
    Urgency,
)

# ICD-10 as used in China's national clinical edition: a letter, two digits, and
# optionally a dot with up to four more characters (K80.2, S72.001).
ICD10_RE = re.compile(r"^[A-Z][0-9]{2}(\.[0-9A-Z]{1,4})?$")
INITIALS_RE = re.compile(r"^[A-Z]{1,6}$")
ATTACHMENT_EXTENSIONS = {".pdf", ".jpg", ".jpeg", ".png", ".dcm", ".zip", ".doc", ".docx", ".ofd", ".xml"}
ATTACHMENT_MAX_BYTES = 50 * 1024 * 1024
# Clocks differ a little between a hospital's PC and the server.
CLOCK_SLACK = timedelta(minutes=5)


# --- Shared rules -------------------------------------------------------------------


def direction_between(sender: Institution, receiver: Institution) -> str:
    """Up to a higher grade, down to a lower one, across between equals. An
    ungraded institution (a township centre) ranks below every graded one."""
    low, high = _rank(sender), _rank(receiver)
    if low < high:
        return Direction.UP
    return Direction.DOWN if low > high else Direction.ACROSS


def _rank(institution: Institution) -> int:
    return institution.grade.rank if institution.grade else 0


def shared_programmes(a: Institution, b: Institution, day: date) -> QuerySet[Programme]:
    """Active programmes on ``day`` in which both institutions take part (having joined by then)."""
    running = Programme.objects.filter(status=ProgrammeStatus.ACTIVE, start_date__lte=day).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=day)
    )
    joined = Party.objects.filter(Q(joined_on__isnull=True) | Q(joined_on__lte=day))
    for institution in (a, b):
        running = running.filter(pk__in=joined.filter(institution=institution).values("programme"))
    return running.order_by("-start_date", "pk")


def _network(errors: Errors, a: Institution, b: Institution, chosen: Programme | None, day: date) -> Programme | None:
    """The programme that makes the two partners, or None for a flagged outside-network record."""
    shared = shared_programmes(a, b, day)
    if chosen is not None:
        if not shared.filter(pk=chosen.pk).exists():
            errors.add("programme", _("两机构在该日期并非“%(name)s”的参与方") % {"name": chosen.name})
        return chosen
    return shared.first()


def _check_patient(errors: Errors, data: Any, *, required: bool) -> None:
    data.patient_initials = data.patient_initials.strip().upper()
    data.patient_record_no = data.patient_record_no.strip()
    if data.patient_initials and not INITIALS_RE.match(data.patient_initials):
        errors.add("patient_initials", _("姓名缩写只填拼音首字母，1–6 个字母，如 ZSF"))
    elif required and not data.patient_initials:
        errors.add("patient_initials", _("请填写患者姓名缩写"))
    if data.patient_sex not in Sex.values:
        errors.add("patient_sex", _("未知的性别代码"))
    if data.patient_age_band and data.patient_age_band not in AgeBand.values:
        errors.add("patient_age_band", _("未知的年龄段"))
    elif required and not data.patient_age_band:
        errors.add("patient_age_band", _("请选择年龄段"))
    if len(data.patient_record_no) > 40:
        errors.add("patient_record_no", _("病案号不能超过 40 个字符"))


def _check_department(errors: Errors, field: str, department: Department | None, institution: Institution) -> None:
    if department is not None and department.institution_id != institution.pk:
        errors.add(field, _("科室不属于“%(name)s”") % {"name": institution.name})


def _moment(at: datetime | None) -> datetime:
    """When a step happened: now, or a time given when recording afterwards."""
    now = timezone.now()
    if at is None:
        return now
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    if at > now + CLOCK_SLACK:
        raise ValidationError({"at": [_("时间不能晚于当前时间")]})
    return at


def _patient_values(data: Any) -> dict[str, Any]:
    number = data.patient_record_no
    return {
        "patient_initials": data.patient_initials,
        "patient_sex": data.patient_sex,
        "patient_age_band": data.patient_age_band,
        "patient_record_no": number,
        "patient_record_hash": keyed_hash(number) if number else "",
    }


def record_number_hash(number: str) -> str:
    """For finding a hospital's own patient's records by local record number."""
    return keyed_hash(number)


@dataclass(frozen=True)
class Transition:
    """One allowed step: from which statuses, to which, by which side, stamping which field."""

    action: str
    sources: tuple[str, ...]
    target: str
    side: str
    stamp: str
    label: str | Promise
    note_required: bool = False


def _refuse_illegal(step: Transition, current: str, status_label: Any) -> None:
    if current in step.sources:
        return
    allowed = "、".join(str(status_label(s).label) for s in step.sources)
    raise ValidationError(
        {
            "status": [
                _("当前状态为“%(now)s”，不能“%(action)s”；只有“%(allowed)s”状态可以%(action)s")
                % {"now": status_label(current).label, "action": step.label, "allowed": allowed}
            ]
        }
    )


def _check_after(at: datetime, last: datetime | None) -> None:
    if last is not None and at < last:
        when = timezone.localtime(last).strftime("%Y-%m-%d %H:%M")
        raise ValidationError({"at": [_("时间不能早于上一步（%(when)s）") % {"when": when}]})


# --- Referrals -------------------------------------------------------------------------


@dataclass
class ReferralData:
    from_institution: Institution
    to_institution: Institution
    patient_initials: str
    patient_age_band: str
    reason: str
    patient_sex: str = Sex.UNSTATED
    patient_record_no: str = ""
    from_department: Department | None = None
    to_department: Department | None = None
    diagnosis_code: str = ""
    urgency: str = Urgency.ROUTINE
    programme: Programme | None = None
    outside_network: bool = False


SIDE_NAMES = {
    "sender": gettext_lazy("转出方"),
    "receiver": gettext_lazy("接收方"),
    "requester": gettext_lazy("申请方"),
    "consultant": gettext_lazy("会诊方"),
}

REFERRAL_TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition("accept", ("requested",), "accepted", "receiver", "accepted_at", gettext_lazy("接收")),
        Transition("decline", ("requested",), "declined", "receiver", "declined_at", gettext_lazy("拒绝"), True),
        Transition("cancel", ("requested",), "cancelled", "sender", "cancelled_at", gettext_lazy("撤回")),
        Transition("arrive", ("accepted",), "arrived", "receiver", "arrived_at", gettext_lazy("确认到院")),
        Transition("complete", ("arrived",), "completed", "receiver", "completed_at", gettext_lazy("完成")),
        Transition("return", ("arrived",), "returned", "receiver", "returned_at", gettext_lazy("退回"), True),
    )
}


def referral_validate(data: ReferralData, day: date) -> Programme | None:
    errors = Errors()
    _check_patient(errors, data, required=True)
    data.reason = data.reason.strip()
    if not data.reason:
        errors.add("reason", _("请填写转诊原因"))
    data.diagnosis_code = data.diagnosis_code.strip().upper()
    if data.diagnosis_code and not ICD10_RE.match(data.diagnosis_code):
        errors.add("diagnosis_code", _("ICD-10 编码格式不正确，应如 K80.2 或 S72.001"))
    if data.urgency not in Urgency.values:
        errors.add("urgency", _("未知的紧急程度"))
    if data.from_institution.pk == data.to_institution.pk:
        errors.add("to_institution", _("转入机构不能与转出机构相同"))
    _check_department(errors, "from_department", data.from_department, data.from_institution)
    _check_department(errors, "to_department", data.to_department, data.to_institution)
    programme = _network(errors, data.from_institution, data.to_institution, data.programme, day)
    if programme is None and "programme" not in errors.by_field and not data.outside_network:
        errors.add(
            "outside_network",
            _("“%(a)s”与“%(b)s”不在同一进行中的合作项目内；确需转诊请勾选“网络外转诊”")
            % {"a": data.from_institution.name, "b": data.to_institution.name},
        )
    errors.raise_if_any()
    return programme


def referral_create(*, actor: Any, data: ReferralData, at: datetime | None = None) -> Referral:
    """The sending side requests a referral; its deadline for acceptance follows from urgency."""
    if not access.is_staff_of(actor, data.from_institution.pk):
        raise PermissionDenied(_("只有“%(name)s”的工作人员可以发起转诊") % {"name": data.from_institution.name})
    moment = _moment(at)
    programme = referral_validate(data, timezone.localdate(moment))
    referral = Referral(
        programme=programme,
        outside_network=programme is None,
        from_institution=data.from_institution,
        from_department=data.from_department,
        to_institution=data.to_institution,
        to_department=data.to_department,
        direction=direction_between(data.from_institution, data.to_institution),
        reason=data.reason,
        diagnosis_code=data.diagnosis_code,
        urgency=data.urgency,
        requested_at=moment,
        accept_due_at=moment + ACCEPT_WITHIN[Urgency(data.urgency)],
        requested_by=_user_or_none(actor),
        **_patient_values(data),
    )
    with transaction.atomic(), acting_as(actor):
        referral.save()
        ReferralEvent.objects.create(
            referral=referral, action="request", to_status=referral.status, at=moment, actor=referral.requested_by
        )
    return referral


def referral_transition(
    *, actor: Any, referral: Referral, action: str, note: str = "", at: datetime | None = None
) -> Referral:
    """Move a referral one step along ``REFERRAL_TRANSITIONS``, or refuse with the reason."""
    step = REFERRAL_TRANSITIONS.get(action)
    if step is None:
        raise ValidationError({"action": [_("未知的操作“%(action)s”") % {"action": action}]})
    _require_side(actor, step, access.referral_sides(actor, referral), referral)
    note = note.strip()
    if step.note_required and not note:
        raise ValidationError({"note": [_("请填写%(action)s的原因") % {"action": step.label}]})
    moment = _moment(at)
    with transaction.atomic(), acting_as(actor):
        # Locked and re-read: the status seen on the page may be stale.
        locked = Referral.objects.select_for_update().get(pk=referral.pk)
        _refuse_illegal(step, locked.status, ReferralStatus)
        _check_after(moment, locked.events.order_by("-at").values_list("at", flat=True).first())
        previous = locked.status
        locked.status = step.target
        setattr(locked, step.stamp, moment)
        if step.note_required:
            locked.closing_note = note
        locked.save()
        ReferralEvent.objects.create(
            referral=locked,
            action=action,
            from_status=previous,
            to_status=step.target,
            at=moment,
            actor=_user_or_none(actor),
            note=note,
        )
    return locked


def _require_side(actor: Any, step: Transition, sides: set[str], record: Any) -> None:
    if step.side in sides:
        return
    institution = {
        "sender": getattr(record, "from_institution", None),
        "receiver": getattr(record, "to_institution", None),
        "requester": getattr(record, "requesting_institution", None),
        "consultant": getattr(record, "consulting_institution", None),
    }[step.side]
    raise PermissionDenied(
        _("只有%(side)s（%(name)s）可以“%(action)s”")
        % {"side": SIDE_NAMES[step.side], "name": institution.name if institution else "", "action": step.label}
    )


def referral_actions_for(actor: Any, referral: Referral) -> list[Transition]:
    """The steps this user may take now: what the page shows as buttons."""
    sides = access.referral_sides(actor, referral)
    return [t for t in REFERRAL_TRANSITIONS.values() if referral.status in t.sources and t.side in sides]


def _user_or_none(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


# --- Consultations ------------------------------------------------------------------


@dataclass
class ConsultationData:
    requesting_institution: Institution
    consulting_institution: Institution
    kind: str
    question: str
    requesting_doctor: Professional | None = None
    specialty: Specialty | None = None
    consulting_expert: Professional | None = None
    station: Station | None = None
    patient_initials: str = ""
    patient_sex: str = Sex.UNSTATED
    patient_age_band: str = ""
    patient_record_no: str = ""
    programme: Programme | None = None
    outside_network: bool = False


CONSULTATION_TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition(
            "schedule", ("requested", "scheduled"), "scheduled", "consultant", "scheduled_at", gettext_lazy("排期")
        ),
        Transition(
            "opinion", ("requested", "scheduled"), "completed", "consultant", "completed_at", gettext_lazy("出具意见")
        ),
        Transition(
            "cancel", ("requested", "scheduled"), "cancelled", "requester", "cancelled_at", gettext_lazy("取消"), True
        ),
    )
}


def consultation_validate(data: ConsultationData, day: date) -> Programme | None:
    errors = Errors()
    _check_patient(errors, data, required=False)
    data.question = data.question.strip()
    if not data.question:
        errors.add("question", _("请填写会诊目的与病情摘要"))
    if data.kind not in ConsultationKind.values:
        errors.add("kind", _("未知的会诊类型"))
    if data.requesting_institution.pk == data.consulting_institution.pk:
        errors.add("consulting_institution", _("会诊机构不能与申请机构相同"))
    _check_person(errors, "requesting_doctor", data.requesting_doctor, data.requesting_institution)
    _check_person(errors, "consulting_expert", data.consulting_expert, data.consulting_institution)
    if data.station is not None and data.station.host_id != data.consulting_institution.pk:
        errors.add("station", _("工作站不在会诊机构"))
    programme = _network(errors, data.requesting_institution, data.consulting_institution, data.programme, day)
    if programme is None and "programme" not in errors.by_field and not data.outside_network:
        errors.add(
            "outside_network",
            _("“%(a)s”与“%(b)s”不在同一进行中的合作项目内；确需会诊请勾选“网络外会诊”")
            % {"a": data.requesting_institution.name, "b": data.consulting_institution.name},
        )
    errors.raise_if_any()
    return programme


def _check_person(errors: Errors, field: str, person: Professional | None, institution: Institution) -> None:
    if person is not None and person.institution_id != institution.pk:
        errors.add(field, _("“%(who)s”不是“%(name)s”的人员") % {"who": person.name, "name": institution.name})


def consultation_create(*, actor: Any, data: ConsultationData, at: datetime | None = None) -> Consultation:
    if not access.is_staff_of(actor, data.requesting_institution.pk):
        raise PermissionDenied(_("只有“%(name)s”的工作人员可以申请会诊") % {"name": data.requesting_institution.name})
    moment = _moment(at)
    programme = consultation_validate(data, timezone.localdate(moment))
    consultation = Consultation(
        programme=programme,
        outside_network=programme is None,
        requesting_institution=data.requesting_institution,
        requesting_doctor=data.requesting_doctor,
        specialty=data.specialty,
        kind=data.kind,
        consulting_institution=data.consulting_institution,
        consulting_expert=data.consulting_expert,
        station=data.station,
        question=data.question,
        requested_at=moment,
        requested_by=_user_or_none(actor),
        **_patient_values(data),
    )
    with transaction.atomic(), acting_as(actor):
        consultation.save()
        ConsultationEvent.objects.create(
            consultation=consultation,
            action="request",
            to_status=consultation.status,
            at=moment,
            actor=consultation.requested_by,
        )
    return consultation


def _consultation_step(
    actor: Any, consultation: Consultation, action: str, *, note: str, at: datetime | None, change: Any
) -> Consultation:
    step = CONSULTATION_TRANSITIONS[action]
    _require_side(actor, step, access.consultation_sides(actor, consultation), consultation)
    note = note.strip()
    if step.note_required and not note:
        raise ValidationError({"note": [_("请填写%(action)s的原因") % {"action": step.label}]})
    moment = _moment(at)
    with transaction.atomic(), acting_as(actor):
        locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
        _refuse_illegal(step, locked.status, ConsultationStatus)
        _check_after(moment, locked.events.order_by("-at").values_list("at", flat=True).first())
        previous = locked.status
        change(locked, moment)
        locked.status = step.target
        setattr(locked, step.stamp, moment)
        locked.save()
        ConsultationEvent.objects.create(
            consultation=locked,
            action=action,
            from_status=previous,
            to_status=step.target,
            at=moment,
            actor=_user_or_none(actor),
            note=note,
        )
    return locked


def consultation_schedule(
    *,
    actor: Any,
    consultation: Consultation,
    scheduled_for: datetime,
    expert: Professional | None = None,
    note: str = "",
    at: datetime | None = None,
) -> Consultation:
    """The consulting side fixes a time (and names the expert, if not yet named)."""
    errors = Errors()
    if timezone.is_naive(scheduled_for):
        scheduled_for = timezone.make_aware(scheduled_for)
    if scheduled_for < consultation.requested_at:
        errors.add("scheduled_for", _("会诊时间不能早于申请时间"))
    if expert is not None:
        _check_person(errors, "consulting_expert", expert, consultation.consulting_institution)
    errors.raise_if_any()

    def change(locked: Consultation, moment: datetime) -> None:
        locked.scheduled_for = scheduled_for
        if expert is not None:
            locked.consulting_expert = expert

    return _consultation_step(actor, consultation, "schedule", note=note, at=at, change=change)


def consultation_give_opinion(
    *,
    actor: Any,
    consultation: Consultation,
    opinion: str,
    expert: Professional | None = None,
    at: datetime | None = None,
) -> Consultation:
    """The written opinion closes a consultation; readings (images, ECG) need no schedule."""
    opinion = opinion.strip()
    errors = Errors()
    if not opinion:
        errors.add("opinion", _("请填写会诊意见"))
    if expert is not None:
        _check_person(errors, "consulting_expert", expert, consultation.consulting_institution)
    errors.raise_if_any()

    def change(locked: Consultation, moment: datetime) -> None:
        locked.opinion = opinion
        if expert is not None:
            locked.consulting_expert = expert

    return _consultation_step(actor, consultation, "opinion", note="", at=at, change=change)


def consultation_cancel(
    *, actor: Any, consultation: Consultation, note: str, at: datetime | None = None
) -> Consultation:
    return _consultation_step(actor, consultation, "cancel", note=note, at=at, change=lambda locked, moment: None)


def consultation_actions_for(actor: Any, consultation: Consultation) -> list[Transition]:
    sides = access.consultation_sides(actor, consultation)
    return [t for t in CONSULTATION_TRANSITIONS.values() if consultation.status in t.sources and t.side in sides]


def attachment_add(*, actor: Any, consultation: Consultation, title: str, file: UploadedFile) -> ConsultationAttachment:
    """Either side may attach files (images from the requester, a report from the expert)."""
    if not access.consultation_sides(actor, consultation):
        raise PermissionDenied(_("只有申请方或会诊方可以上传附件"))
    errors = Errors()
    title = title.strip() or PurePath(file.name or "").name
    if PurePath(file.name or "").suffix.lower() not in ATTACHMENT_EXTENSIONS:
        errors.add("file", _("只接受 PDF、图片、DICOM、ZIP、Word、OFD 或 XML 文件"))
    if (file.size or 0) > ATTACHMENT_MAX_BYTES:
        errors.add("file", _("文件不能超过 50 MB"))
    errors.raise_if_any()
    with transaction.atomic(), acting_as(actor):
        return ConsultationAttachment.objects.create(
            consultation=consultation, title=title[:150], file=file, uploaded_by=_user_or_none(actor)
        )
