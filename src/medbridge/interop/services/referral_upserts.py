"""One 转诊 row → one referral, one 远程会诊 row → one remote consultation, through
the referral services; and the rows the export writes for those a user can see.

A row of history gives the final status and the time of each step; the services
walk the record through the same steps as the pages (request, accept, arrive,
complete…), each with its own time, side and rules. A record is found by its two
institutions and the second of its request; one already recorded is left as it is.

Only the minimum about the patient travels — initials, sex, age band — and only
when the exporting user may see that patient; the local record number never does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from medbridge.accounts import access
from medbridge.directory.models import Sex, Specialty
from medbridge.interop.services.posting_upserts import _at
from medbridge.interop.services.programme_upserts import _department_of, _partner, _programme_named
from medbridge.interop.services.reader import SheetRow
from medbridge.interop.services.upserts import SEX_ALIASES, Batch, Outcome, RowReader
from medbridge.interop.services.workbook import (
    MOMENT_TEXT,
    age_band_labels,
    consultation_kind_labels,
    consultation_status_labels,
    referral_status_labels,
    sex_labels,
    urgency_labels,
)
from medbridge.programmes.models import Station
from medbridge.referrals import services
from medbridge.referrals.models import Consultation, ConsultationStatus, Referral, ReferralStatus, Urgency

# The steps that lead from "requested" to each final status.
REFERRAL_PATHS: dict[str, tuple[str, ...]] = {
    ReferralStatus.REQUESTED: (),
    ReferralStatus.ACCEPTED: ("accept",),
    ReferralStatus.DECLINED: ("decline",),
    ReferralStatus.CANCELLED: ("cancel",),
    ReferralStatus.ARRIVED: ("accept", "arrive"),
    ReferralStatus.COMPLETED: ("accept", "arrive", "complete"),
    ReferralStatus.RETURNED: ("accept", "arrive", "return"),
}
YES, NO = "是", "否"
SECOND = timedelta(seconds=1)


# --- Reading ---------------------------------------------------------------------------


def _moment(reader: RowReader, header: str, *, required: bool = False) -> datetime | None:
    """A moment in Beijing time, to the second, typed as text or an Excel date-time cell."""
    value = reader.row.values.get(header)
    if isinstance(value, datetime):
        naive = (value + timedelta(microseconds=500_000)).replace(microsecond=0)
    else:
        text = reader.required(header) if required else reader.text(header)
        if not text:
            return None
        naive = _parse(reader, header, text)  # type: ignore[assignment]
        if naive is None:
            return None
    return timezone.make_aware(naive)


def _parse(reader: RowReader, header: str, text: str) -> datetime | None:
    for pattern in (MOMENT_TEXT, "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern)
        except ValueError:
            continue
    reader.add(header, _("“%(header)s”应为 YYYY-MM-DD HH:MM:SS 格式的时间") % {"header": header})
    return None


def _yes_no(reader: RowReader, header: str) -> bool:
    text = reader.text(header)
    if text not in ("", YES, NO):
        reader.add(header, _("“%(header)s”应为“是”或“否”") % {"header": header})
    return text == YES


def _patient(reader: RowReader) -> dict[str, str]:
    return {
        "patient_initials": reader.text("患者姓名缩写"),
        "patient_sex": reader.choice("患者性别", sex_labels(), Sex.UNSTATED, SEX_ALIASES),
        "patient_age_band": reader.choice("年龄段", age_band_labels(), ""),
    }


def _recorded(model: type[Model], at: datetime, **ends: Any) -> Any:
    # The file keeps whole seconds; the record may hold the microseconds it was saved with.
    return model.objects.filter(requested_at__gte=at, requested_at__lt=at + SECOND, **ends).first()  # type: ignore[attr-defined]


def _unchanged_or_refused(reader: RowReader, stored: str, status: str) -> Outcome:
    if stored == status:
        return Outcome.UNCHANGED
    reader.add("状态", _("该记录已登记，其后续办理请在页面上进行"))
    raise reader.fail()


# --- 转诊 ------------------------------------------------------------------------------


def upsert_referral(batch: Batch, row: SheetRow) -> Outcome:
    reader = RowReader(batch.actor, row)
    data = _referral_data(reader)
    at = _moment(reader, "申请时间", required=True)
    status = reader.choice("状态", referral_status_labels(), ReferralStatus.REQUESTED)
    steps = [(action, _step_moment(reader, action)) for action in REFERRAL_PATHS.get(status, ())]
    if data is None or at is None or reader.problems:
        raise reader.fail()
    existing = _recorded(Referral, at, from_institution=data.from_institution, to_institution=data.to_institution)
    if existing is not None:
        return _unchanged_or_refused(reader, existing.status, status)
    referral = services.referral_create(actor=batch.actor, data=data, at=at)
    note = reader.text("拒绝/退回说明")
    for action, moment in steps:
        step = services.REFERRAL_TRANSITIONS[action]
        referral = services.referral_transition(
            actor=batch.actor, referral=referral, action=action, note=note if step.note_required else "", at=moment
        )
    return Outcome.CREATED


def _step_moment(reader: RowReader, action: str) -> datetime | None:
    stamp = services.REFERRAL_TRANSITIONS[action].stamp
    return _moment(reader, reader.row.spec.header_for(stamp), required=True)


def _referral_data(reader: RowReader) -> services.ReferralData | None:
    sender = _partner(reader, "转出机构", required=True)
    receiver = _partner(reader, "转入机构", required=True)
    data = services.ReferralData(
        from_institution=sender,  # type: ignore[arg-type]  # None only with a problem recorded
        to_institution=receiver,  # type: ignore[arg-type]
        from_department=_department_of(reader, "转出科室", sender),
        to_department=_department_of(reader, "转入科室", receiver),
        programme=_programme_named(reader, "项目名称", required=False),
        outside_network=_yes_no(reader, "网络外"),
        reason=reader.required("转诊原因"),
        diagnosis_code=reader.text("诊断编码"),
        urgency=reader.choice("紧急程度", urgency_labels(), Urgency.ROUTINE),
        **_patient(reader),
    )
    return None if sender is None or receiver is None else data


# --- 远程会诊 ---------------------------------------------------------------------------


def upsert_consultation(batch: Batch, row: SheetRow) -> Outcome:
    reader = RowReader(batch.actor, row)
    data = _consultation_data(reader)
    at = _moment(reader, "申请时间", required=True)
    status = reader.choice("状态", consultation_status_labels(), ConsultationStatus.REQUESTED)
    steps = _consultation_steps(reader, status)
    if data is None or at is None or reader.problems:
        raise reader.fail()
    existing = _recorded(
        Consultation,
        at,
        requesting_institution=data.requesting_institution,
        consulting_institution=data.consulting_institution,
    )
    if existing is not None:
        return _unchanged_or_refused(reader, existing.status, status)
    consultation = services.consultation_create(actor=batch.actor, data=data, at=at)
    for step in steps:
        consultation = step(consultation)
    return Outcome.CREATED


Step = Callable[[Consultation], Consultation]


def _consultation_steps(reader: RowReader, status: str) -> list[Step]:
    """Scheduling when the row has a schedule, then the opinion or the cancellation."""
    actor, steps = reader.actor, []
    scheduled_at = _moment(reader, "排期时间", required=status == ConsultationStatus.SCHEDULED)
    scheduled_for = _moment(reader, "会诊时间", required=scheduled_at is not None)
    if scheduled_at is not None and scheduled_for is not None:
        steps.append(
            lambda c: services.consultation_schedule(
                actor=actor, consultation=c, scheduled_for=scheduled_for, at=scheduled_at
            )
        )
    if status == ConsultationStatus.COMPLETED:
        done, opinion = _moment(reader, "意见出具时间", required=True), reader.required("会诊意见")
        steps.append(
            lambda c: services.consultation_give_opinion(actor=actor, consultation=c, opinion=opinion, at=done)
        )
    if status == ConsultationStatus.CANCELLED:
        cancelled, note = _moment(reader, "取消时间", required=True), reader.required("取消原因")
        steps.append(lambda c: services.consultation_cancel(actor=actor, consultation=c, note=note, at=cancelled))
    return steps


def _consultation_data(reader: RowReader) -> services.ConsultationData | None:
    requester = _partner(reader, "申请机构", required=True)
    consultant = _partner(reader, "会诊机构", required=True)
    data = services.ConsultationData(
        requesting_institution=requester,  # type: ignore[arg-type]  # None only with a problem recorded
        consulting_institution=consultant,  # type: ignore[arg-type]
        requesting_doctor=_at(reader, "申请医生", requester, reader.text("申请医生")),
        consulting_expert=_at(reader, "会诊专家", consultant, reader.text("会诊专家")),
        station=_station(reader, consultant),
        specialty=reader.reference(Specialty, "专科"),
        kind=reader.choice("会诊类型", consultation_kind_labels(), "") if reader.required("会诊类型") else "",
        programme=_programme_named(reader, "项目名称", required=False),
        outside_network=_yes_no(reader, "网络外"),
        question=reader.required("会诊目的与病情摘要"),
        **_patient(reader),
    )
    return None if requester is None or consultant is None else data


def _station(reader: RowReader, host: Any) -> Station | None:
    name = reader.text("工作站")
    if not name or host is None:
        return None
    found = Station.objects.filter(host=host, name=name).first()
    if found is None:
        reader.add("工作站", _("“%(host)s”没有名为“%(name)s”的工作站") % {"host": host.name, "name": name})
    return found


# --- Export ----------------------------------------------------------------------------


def _local(moment: datetime | None) -> str:
    return timezone.localtime(moment).strftime(MOMENT_TEXT) if moment else ""


def _patient_cells(record: Any, may_see: bool) -> list[Any]:
    if not may_see:
        return ["", "", ""]
    return [
        record.patient_initials,
        sex_labels().get(record.patient_sex, record.patient_sex),
        age_band_labels().get(record.patient_age_band, record.patient_age_band),
    ]


def _yes(flag: bool) -> str:
    return YES if flag else NO


def _ordered(qs: QuerySet[Any]) -> Iterator[Any]:
    return qs.order_by("requested_at", "pk").iterator(chunk_size=2000)


def referral_rows(user: Any) -> Iterator[list[Any]]:
    may_see = access.patient_checker(user)
    statuses, urgencies = referral_status_labels(), urgency_labels()
    for r in _ordered(access.referrals_visible_to(user)):
        yield [
            r.from_institution.name,
            r.from_department.name if r.from_department else "",
            r.to_institution.name,
            r.to_department.name if r.to_department else "",
            r.programme.name if r.programme else "",
            _yes(r.outside_network),
            *_patient_cells(r, may_see(r)),
            r.reason,
            r.diagnosis_code,
            urgencies.get(r.urgency, r.urgency),
            _local(r.requested_at),
            statuses.get(r.status, r.status),
            *(_local(getattr(r, name)) for name in _REFERRAL_STAMPS),
            r.closing_note,
        ]


_REFERRAL_STAMPS = ("accepted_at", "declined_at", "cancelled_at", "arrived_at", "completed_at", "returned_at")


def consultation_rows(user: Any) -> Iterator[list[Any]]:
    may_see = access.patient_checker(user)
    kinds, statuses = consultation_kind_labels(), consultation_status_labels()
    consultations = access.consultations_visible_to(user).prefetch_related("events")
    for c in _ordered(consultations):
        cancel_notes = [e.note for e in c.events.all() if e.action == "cancel"]
        yield [
            c.requesting_institution.name,
            c.requesting_doctor.name if c.requesting_doctor else "",
            c.consulting_institution.name,
            c.consulting_expert.name if c.consulting_expert else "",
            c.station.name if c.station else "",
            c.specialty.code if c.specialty else "",
            kinds.get(c.kind, c.kind),
            c.programme.name if c.programme else "",
            _yes(c.outside_network),
            c.question,
            *_patient_cells(c, may_see(c)),
            _local(c.requested_at),
            statuses.get(c.status, c.status),
            _local(c.scheduled_for),
            _local(c.scheduled_at),
            _local(c.completed_at),
            _local(c.cancelled_at),
            c.opinion,
            cancel_notes[-1] if cancel_notes else "",
        ]
