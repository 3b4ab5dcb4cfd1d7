"""Planning and running clinic sessions: single and recurring creation, editing one
session or all later ones of a series, cancellation (which notifies the booked
patients), and closing a held session."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import date, time, timedelta
from typing import Any, Literal

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from medbridge.accounts import access
from medbridge.accounts.audit import acting_as
from medbridge.clinics.models import (
    ACTIVE_STATUSES,
    BookingStatus,
    ClinicSession,
    SessionKind,
    SessionSeries,
    SessionStatus,
)
from medbridge.clinics.services.outbox import outbox_enqueue
from medbridge.directory.models import Department, Institution, Professional
from medbridge.directory.services import Errors, data_values
from medbridge.postings.models import Posting
from medbridge.programmes.models import Engagement, Programme

MAX_CAPACITY = 500
MAX_SERIES_DAYS = 366

Scope = Literal["one", "future"]


@dataclass
class SessionData:
    expert: Professional
    host: Institution
    date: date
    start_time: time
    end_time: time
    capacity: int
    kind: str = SessionKind.CLINIC
    department: Department | None = None
    programme: Programme | None = None
    engagement: Engagement | None = None
    posting: Posting | None = None
    note: str = ""


@dataclass
class SeriesData:
    expert: Professional
    host: Institution
    weekday: int
    start_time: time
    end_time: time
    capacity: int
    first_date: date
    last_date: date
    kind: str = SessionKind.CLINIC
    department: Department | None = None
    programme: Programme | None = None
    engagement: Engagement | None = None
    posting: Posting | None = None

    def dates(self) -> list[date]:
        offset = (self.weekday - self.first_date.weekday()) % 7
        day, days = self.first_date + timedelta(days=offset), []
        while day <= self.last_date:
            days.append(day)
            day += timedelta(days=7)
        return days

    def session(self, day: date) -> SessionData:
        shared = {f.name: getattr(self, f.name) for f in fields(SessionData) if hasattr(self, f.name)}
        return SessionData(**(shared | {"date": day}))


# --- Validation ---------------------------------------------------------------------


def _check_common(errors: Errors, data: SessionData | SeriesData) -> None:
    if data.kind not in SessionKind.values:
        errors.add("kind", _("未知的坐诊类型"))
    if data.end_time <= data.start_time:
        errors.add("end_time", _("结束时间须晚于开始时间"))
    if not 1 <= data.capacity <= MAX_CAPACITY:
        errors.add("capacity", _("号源数应在 1 到 %(n)d 之间") % {"n": MAX_CAPACITY})
    if data.department is not None and data.department.institution_id != data.host.pk:
        errors.add("department", _("科室不属于坐诊医院"))
    _check_links(errors, data)


def _check_links(errors: Errors, data: SessionData | SeriesData) -> None:
    _check_posting(errors, data)
    engagement = data.engagement
    if engagement is None:
        return
    if engagement.professional_id != data.expert.pk:
        errors.add("engagement", _("所选聘任不是该专家的聘任"))
    if data.programme is None:
        data.programme = engagement.programme
    elif engagement.programme_id != data.programme.pk:
        errors.add("engagement", _("所选聘任不属于所选项目"))


def _check_posting(errors: Errors, data: SessionData | SeriesData) -> None:
    """A session held during a posting (a visiting expert's 柔性坐诊, a stationed
    doctor's clinic) belongs to that person, at that host, in that programme."""
    posting = data.posting
    if posting is None:
        return
    if posting.professional_id != data.expert.pk or posting.host_institution_id != data.host.pk:
        errors.add("posting", _("所选派驻不是该专家在该医院的派驻"))
    if data.programme is None:
        data.programme = posting.programme
    elif posting.programme_id != data.programme.pk:
        errors.add("posting", _("所选派驻不属于所选项目"))
    first, last = (data.date, data.date) if isinstance(data, SessionData) else (data.first_date, data.last_date)
    if first < posting.start or last > posting.end:
        errors.add("posting", _("坐诊日期须在派驻期间（%(a)s 至 %(b)s）") % {"a": posting.start, "b": posting.end})


def _check_in_term(errors: Errors, engagement: Engagement | None, first: date, last: date, field: str) -> None:
    if engagement is None:
        return
    if first < engagement.start_date or (engagement.end_date and last > engagement.end_date):
        end = engagement.end_date or "—"
        errors.add(field, _("坐诊日期须在聘期内（%(a)s 至 %(b)s）") % {"a": engagement.start_date, "b": end})


def _clashes(data: SessionData, exclude: list[int]) -> bool:
    """The expert cannot be in two clinics at once, wherever they are."""
    return (
        ClinicSession.objects.filter(expert=data.expert, date=data.date, status=SessionStatus.SCHEDULED)
        .filter(start_time__lt=data.end_time, end_time__gt=data.start_time)
        .exclude(pk__in=exclude)
        .exists()
    )


def session_validate(data: SessionData, *, instance: ClinicSession | None = None) -> None:
    errors = Errors()
    data.note = data.note.strip()
    _check_common(errors, data)
    _check_in_term(errors, data.engagement, data.date, data.date, "date")
    if instance is not None and data.capacity < instance.booked:
        errors.add("capacity", _("已有 %(n)d 人预约，号源数不能少于此数") % {"n": instance.booked})
    if not errors.by_field and _clashes(data, [instance.pk] if instance else []):
        errors.add("start_time", _("该专家在 %(d)s 此时段已有坐诊") % {"d": data.date})
    errors.raise_if_any()


def series_validate(data: SeriesData) -> list[date]:
    errors = Errors()
    _check_common(errors, data)
    if not 0 <= data.weekday <= 6:
        errors.add("weekday", _("请选择星期几"))
    if data.last_date < data.first_date:
        errors.add("last_date", _("结束日期不能早于开始日期"))
    elif (data.last_date - data.first_date).days > MAX_SERIES_DAYS:
        errors.add("last_date", _("一次最多排一年的坐诊"))
    _check_in_term(errors, data.engagement, data.first_date, data.last_date, "first_date")
    errors.raise_if_any()
    days = data.dates()
    if not days:
        errors.add("first_date", _("所选期间内没有该星期几"))
    clashing = [d for d in days if _clashes(data.session(d), [])]
    if clashing:
        errors.add("start_time", _("该专家在以下日期此时段已有坐诊：%(d)s") % {"d": "、".join(map(str, clashing[:5]))})
    errors.raise_if_any()
    return days


# --- Writes ---------------------------------------------------------------------------


def session_create(*, actor: Any, data: SessionData) -> ClinicSession:
    access.require_can_manage_clinic_host(actor, data.host)
    session_validate(data)
    with transaction.atomic(), acting_as(actor):
        session = ClinicSession(**data_values(data))
        session.save()
    return session


def series_create(*, actor: Any, data: SeriesData) -> SessionSeries:
    """ "Every Tuesday 08:00–12:00 from A to B": the series and one session per week."""
    access.require_can_manage_clinic_host(actor, data.host)
    days = series_validate(data)
    with transaction.atomic(), acting_as(actor):
        series = SessionSeries(**data_values(data))
        series.save()
        for day in days:
            ClinicSession(series=series, **data_values(data.session(day))).save()
    return series


@dataclass
class SessionOutcome:
    """How a session went, for recording one afterwards: its status and the desk's counts."""

    status: str = SessionStatus.HELD
    cancel_reason: str = ""
    booked: int = 0
    checked_in: int = 0
    no_shows: int = 0
    walk_ins: int = 0


def session_outcome_validate(data: SessionData, outcome: SessionOutcome) -> None:
    errors = Errors()
    outcome.cancel_reason = outcome.cancel_reason.strip()
    counts = (outcome.booked, outcome.checked_in, outcome.no_shows, outcome.walk_ins)
    if outcome.status not in SessionStatus.values:
        errors.add("status", _("未知的坐诊状态"))
    elif outcome.status == SessionStatus.SCHEDULED and any(counts):
        # An open session's counts are kept by its bookings, which a file never carries.
        errors.add("booked", _("未坐诊的场次不能直接填写预约和就诊人数"))
    if outcome.status == SessionStatus.CANCELLED and not outcome.cancel_reason:
        errors.add("cancel_reason", _("请填写停诊原因"))
    if outcome.status == SessionStatus.HELD and data.date > timezone.localdate():
        errors.add("status", _("坐诊日期未到，不能登记就诊情况"))
    if min(counts) < 0 or outcome.booked > data.capacity:
        errors.add("booked", _("人数不能为负，预约人数不能超过号源数"))
    errors.raise_if_any()


def session_record(*, actor: Any, data: SessionData, outcome: SessionOutcome) -> ClinicSession:
    """A session entered afterwards as it went (restoring an export, recording history):
    the same checks and permission as ``session_create``, then its status and counts.
    Its bookings are not recreated — patients' details never travel in a file — so
    the counts stand for them."""
    access.require_can_manage_clinic_host(actor, data.host)
    session_validate(data)
    session_outcome_validate(data, outcome)
    with transaction.atomic(), acting_as(actor):
        session = ClinicSession(**data_values(data), **data_values(outcome))
        session.save()
    return session


# What "this and all later sessions" may change; the date stays each session's own.
SERIES_FIELDS = ("start_time", "end_time", "capacity", "kind", "department", "note")


def session_update(*, actor: Any, session: ClinicSession, data: SessionData, scope: Scope = "one") -> int:
    """Change one session, or this and every later scheduled session of its series.
    Returns how many sessions changed."""
    access.require_can_manage_clinic_host(actor, session.host)
    targets = _scope_sessions(session, scope)
    _require_editable(session)
    session_validate(data, instance=session)
    for other in targets[1:]:
        session_validate(_with_shared(other, data), instance=other)
    with transaction.atomic(), acting_as(actor):
        _apply(session, data_values(data))
        for other in targets[1:]:
            _apply(other, {name: getattr(data, name) for name in SERIES_FIELDS})
        if scope == "future" and session.series is not None:
            _update_series(session.series, data)
    return len(targets)


def _scope_sessions(session: ClinicSession, scope: Scope) -> list[ClinicSession]:
    if scope != "future" or session.series_id is None:
        return [session]
    later = ClinicSession.objects.filter(
        series_id=session.series_id, status=SessionStatus.SCHEDULED, date__gt=session.date
    ).order_by("date")
    return [session, *later]


def _with_shared(session: ClinicSession, data: SessionData) -> SessionData:
    own = SessionData(**{f.name: getattr(session, f.name) for f in fields(SessionData)})
    return replace(own, **{name: getattr(data, name) for name in SERIES_FIELDS})


def _require_editable(session: ClinicSession) -> None:
    if session.status != SessionStatus.SCHEDULED:
        raise _invalid("__all__", _("已停诊或已坐诊的场次不能修改"))


def _apply(session: ClinicSession, values: dict[str, Any]) -> None:
    for name, value in values.items():
        setattr(session, name, value)
    session.save()


def _update_series(series: SessionSeries, data: SessionData) -> None:
    for name in ("start_time", "end_time", "capacity", "kind", "department"):
        setattr(series, name, getattr(data, name))
    series.save()


def session_cancel(*, actor: Any, session: ClinicSession, reason: str, scope: Scope = "one") -> int:
    """Cancel (停诊) one session or this and all later ones of its series. Every
    active booking is cancelled and its patient gets a message through the outbox,
    in the same transaction. Returns how many sessions were cancelled."""
    access.require_can_manage_clinic_host(actor, session.host)
    reason = reason.strip()
    if not reason:
        raise _invalid("reason", _("请填写停诊原因，将通知已预约的患者"))
    _require_editable(session)
    targets = _scope_sessions(session, scope)
    with transaction.atomic(), acting_as(actor):
        for target in targets:
            _cancel_one(target, reason)
    return len(targets)


def _cancel_one(session: ClinicSession, reason: str) -> None:
    # Lock the session first: a booking arriving now waits, then finds it cancelled.
    locked = ClinicSession.objects.select_for_update().get(pk=session.pk)
    locked.status, locked.cancel_reason = SessionStatus.CANCELLED, reason
    locked.booked = locked.waitlisted = 0
    locked.save()
    for booking in locked.bookings.filter(status__in=ACTIVE_STATUSES).order_by("pk"):
        booking.status = BookingStatus.CANCELLED
        booking.save()
        text = _("【医桥】您预约的%(when)s %(expert)s专家%(host)s坐诊因“%(reason)s”停诊，预约码%(code)s已取消。")
        outbox_enqueue(booking, text % (_message_values(locked, booking.code) | {"reason": reason}))
    session.refresh_from_db()


def _message_values(session: ClinicSession, code: str) -> dict[str, str]:
    when = f"{session.date:%m月%d日} {session.start_time:%H:%M}"
    return {"when": when, "expert": session.expert.name, "host": session.host.name, "code": code}


def session_close(*, actor: Any, session: ClinicSession) -> ClinicSession:
    """The clinic took place: bookings nobody checked in for become no-shows and the
    counts are final (they can still be corrected one booking at a time)."""
    access.require_can_manage_clinic_host(actor, session.host)
    _require_editable(session)
    _require_started(session)
    with transaction.atomic(), acting_as(actor):
        locked = ClinicSession.objects.select_for_update().get(pk=session.pk)
        missing = locked.bookings.filter(status=BookingStatus.CONFIRMED)
        for booking in missing:
            booking.status = BookingStatus.NO_SHOW
            booking.save()
        locked.bookings.filter(status=BookingStatus.WAITLISTED).update(status=BookingStatus.CANCELLED)
        ClinicSession.objects.filter(pk=locked.pk).update(
            no_shows=F("no_shows") + len(missing), waitlisted=0, status=SessionStatus.HELD
        )
    session.refresh_from_db()
    return session


def _require_started(session: ClinicSession) -> None:
    if session.date > timezone.localdate():
        raise _invalid("__all__", _("坐诊日期未到，不能登记就诊情况"))


def walk_ins_set(*, actor: Any, session: ClinicSession, walk_ins: int) -> ClinicSession:
    """Patients seen without a booking (现场加号); a number the desk may correct."""
    access.require_can_manage_clinic_host(actor, session.host)
    if session.status == SessionStatus.CANCELLED:
        raise _invalid("walk_ins", _("已停诊的场次不能登记现场加号"))
    _require_started(session)
    if not 0 <= walk_ins <= 1000:
        raise _invalid("walk_ins", _("现场加号人数应在 0 到 1000 之间"))
    with transaction.atomic(), acting_as(actor):
        session.walk_ins = walk_ins
        session.save(update_fields=["walk_ins", "updated_at"])
    return session


# --- helpers -----------------------------------------------------------------------------


def _invalid(field: str, message: str) -> Exception:
    from django.core.exceptions import ValidationError

    return ValidationError({field: [message]})
