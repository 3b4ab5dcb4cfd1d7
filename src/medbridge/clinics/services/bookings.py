"""Booking a place, cancelling it, and what the host's desk records on the day.

Overbooking is prevented by the database, not by Python: a place is taken with a
conditional UPDATE (``booked < capacity``) inside the booking's transaction. On
PostgreSQL the UPDATE locks the session row and re-checks the condition once a
concurrent writer commits; on SQLite every write transaction begins IMMEDIATE,
so writers run one at a time. Either way, twenty places give exactly twenty
confirmations however many requests arrive at once; the rest join a bounded
waiting list or are refused with a message.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from medbridge.accounts import access
from medbridge.accounts.audit import acting_as
from medbridge.clinics.models import ACTIVE_STATUSES, Booking, BookingStatus, ClinicSession, OutboxMessage
from medbridge.clinics.services.outbox import outbox_enqueue
from medbridge.clinics.services.ratelimit import rate_limit_check
from medbridge.clinics.services.sessions import _message_values, _require_started
from medbridge.directory.services import Errors
from medbridge.pii import keyed_hash

PHONE = re.compile(r"^1[3-9]\d{9}$")
ID_TAIL = re.compile(r"^\d{3}[\dX]$")
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread
CODE_LENGTH = 8


@dataclass
class BookingData:
    patient_name: str
    phone: str
    consent: bool
    id_tail: str = ""


def booking_validate(data: BookingData) -> None:
    errors = Errors()
    data.patient_name = data.patient_name.strip()
    data.phone = re.sub(r"[\s-]", "", data.phone)
    data.id_tail = data.id_tail.strip().upper()
    if not data.patient_name:
        errors.add("patient_name", _("请填写就诊人姓名"))
    elif len(data.patient_name) > 40:
        errors.add("patient_name", _("姓名不能超过 40 个字"))
    if not PHONE.match(data.phone):
        errors.add("phone", _("请填写 11 位手机号码"))
    if data.id_tail and not ID_TAIL.match(data.id_tail):
        errors.add("id_tail", _("身份证号后四位应为 4 位数字（末位可为 X）"))
    if not data.consent:
        errors.add("consent", _("请阅读并同意《个人信息处理说明》后再预约"))
    errors.raise_if_any()


def booking_create(*, session: ClinicSession, data: BookingData, client: str) -> Booking:
    """Book a place for a patient, or a place on the waiting list when the session
    is full. ``client`` is the requester's address, for the rate limit."""
    rate_limit_check(client)
    booking_validate(data)
    phone_hash = keyed_hash(data.phone)
    _check_bookable(session)
    try:
        with transaction.atomic(), acting_as(None):
            _lock_phone(phone_hash)
            _check_phone_limits(session, phone_hash)
            status = _take_place(session)
            return Booking.objects.create(
                session=session,
                code=new_code(),
                status=status,
                patient_name=data.patient_name,
                phone=data.phone,
                phone_hash=phone_hash,
                id_tail=data.id_tail,
                consent_at=timezone.now(),
            )
    except IntegrityError:
        # The same phone booked this session a moment ago in another request; the
        # rollback has returned the place this request took.
        raise ValidationError({"phone": [_("该手机号已预约本场坐诊，请勿重复预约")]}) from None


def _check_bookable(session: ClinicSession) -> None:
    if not access.clinic_sessions_public().filter(pk=session.pk).exists():
        raise ValidationError({"__all__": [_("该场坐诊已停诊、已结束或不开放预约")]})


def _lock_phone(phone_hash: str) -> None:
    """Serialise bookings by one phone until this transaction ends, so parallel
    requests for different sessions cannot each see room under the per-phone
    limit. SQLite needs nothing: its write transactions already run one at a time."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [phone_hash])


def _check_phone_limits(session: ClinicSession, phone_hash: str) -> None:
    active = Booking.objects.filter(
        phone_hash=phone_hash, status__in=ACTIVE_STATUSES, session__date__gte=timezone.localdate()
    )
    if active.filter(session=session).exists():
        raise ValidationError({"phone": [_("该手机号已预约本场坐诊，请勿重复预约")]})
    limit = settings.CLINIC_MAX_ACTIVE_BOOKINGS
    if active.count() >= limit:
        message = _("每个手机号最多同时保留 %(n)d 个有效预约，请先就诊或取消已有预约") % {"n": limit}
        raise ValidationError({"phone": [message]})


def _take_place(session: ClinicSession) -> str:
    """A confirmed place if one is left, else a waiting-list place, else refusal.
    Both are single conditional UPDATEs: the row lock they take is the queue."""
    rows = ClinicSession.objects.filter(pk=session.pk, status="scheduled")
    if rows.filter(booked__lt=F("capacity")).update(booked=F("booked") + 1):
        return BookingStatus.CONFIRMED
    if rows.filter(waitlisted__lt=settings.CLINIC_WAITLIST_SIZE).update(waitlisted=F("waitlisted") + 1):
        return BookingStatus.WAITLISTED
    raise ValidationError({"__all__": [_("本场号源已约满，候补名额也已满，请选择其他场次")]})


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def booking_find(*, code: str, phone: str) -> Booking:
    """A booking by its code and the phone it was made with; one message for
    either wrong, so the form does not reveal which codes exist."""
    phone = re.sub(r"[\s-]", "", phone)
    booking = (
        Booking.objects.select_related("session__expert__title", "session__host")
        .filter(code=code.strip().upper(), phone_hash=keyed_hash(phone))
        .first()
    )
    if booking is None or not phone:
        raise ValidationError({"code": [_("预约码或手机号不正确")]})
    return booking


def booking_cancel(*, code: str, phone: str, client: str) -> Booking:
    """The patient cancels with code and phone. A freed place goes at once, in the
    same transaction, to the first patient on the waiting list, who is told so."""
    rate_limit_check(client)
    booking = booking_find(code=code, phone=phone)
    if booking.status not in ACTIVE_STATUSES:
        raise ValidationError({"code": [_("该预约当前状态为“%(s)s”，无需取消") % {"s": booking.get_status_display()}]})
    if booking.session.date < timezone.localdate():
        raise ValidationError({"code": [_("坐诊日期已过，不能取消")]})
    with transaction.atomic(), acting_as(None):
        # The session row lock orders this against bookings and other cancellations
        # of the same session, so one freed place is given to one waiting patient.
        session = ClinicSession.objects.select_for_update().get(pk=booking.session_id)
        booking.refresh_from_db()
        if booking.status not in ACTIVE_STATUSES:
            raise ValidationError({"code": [_("该预约已取消")]})
        was = booking.status
        booking.status, booking.cancelled_at = BookingStatus.CANCELLED, timezone.now()
        booking.save()
        counter = "booked" if was == BookingStatus.CONFIRMED else "waitlisted"
        ClinicSession.objects.filter(pk=session.pk).update(**{counter: F(counter) - 1})
        if was == BookingStatus.CONFIRMED:
            _promote_first_waiting(session)
    return booking


def _promote_first_waiting(session: ClinicSession) -> Booking | None:
    first = session.bookings.filter(status=BookingStatus.WAITLISTED).order_by("created_at", "pk").first()
    if first is None:
        return None
    first.status, first.promoted_at = BookingStatus.CONFIRMED, timezone.now()
    first.save()
    ClinicSession.objects.filter(pk=session.pk).update(booked=F("booked") + 1, waitlisted=F("waitlisted") - 1)
    text = _("【医桥】您候补的%(when)s %(expert)s专家%(host)s坐诊已有空位，已为您转为正式预约，预约码%(code)s。")
    outbox_enqueue(first, text % _message_values(session, first.code))
    return first


# --- The host's desk on the day ---------------------------------------------------------

# From which statuses the desk may move a booking to check-in or no-show, and
# which counter each status is counted in.
DESK_STATUSES = (BookingStatus.CONFIRMED, BookingStatus.CHECKED_IN, BookingStatus.NO_SHOW)
COUNTERS: dict[str, str] = {BookingStatus.CHECKED_IN: "checked_in", BookingStatus.NO_SHOW: "no_shows"}


def booking_check_in(*, actor: Any, booking: Booking) -> Booking:
    return _desk_mark(actor, booking, BookingStatus.CHECKED_IN)


def booking_mark_no_show(*, actor: Any, booking: Booking) -> Booking:
    return _desk_mark(actor, booking, BookingStatus.NO_SHOW)


def _desk_mark(actor: Any, booking: Booking, status: str) -> Booking:
    session = booking.session
    access.require_can_manage_clinic_host(actor, session.host)
    if session.status == "cancelled":
        raise ValidationError({"__all__": [_("该场坐诊已停诊")]})
    _require_started(session)
    with transaction.atomic(), acting_as(actor):
        locked = ClinicSession.objects.select_for_update().get(pk=session.pk)
        booking.refresh_from_db()
        if booking.status not in DESK_STATUSES:
            raise ValidationError({"__all__": [_("只有已预约的患者可以登记签到或爽约")]})
        if booking.status == status:
            return booking
        changes = {COUNTERS[status]: F(COUNTERS[status]) + 1}
        if booking.status in COUNTERS:
            changes[COUNTERS[booking.status]] = F(COUNTERS[booking.status]) - 1
        booking.status = status
        booking.save()
        ClinicSession.objects.filter(pk=locked.pk).update(**changes)
    return booking


# --- Anonymisation -----------------------------------------------------------------------------


def bookings_anonymise(*, today: Any = None) -> int:
    """Erase patients' names, phones and ID tails from bookings of sessions more than
    ``CLINIC_ANONYMISE_AFTER_DAYS`` days old. The rows, their statuses and the
    sessions' counters stay, so every count and report is unchanged."""
    today = today or timezone.localdate()
    cutoff = today - timedelta(days=settings.CLINIC_ANONYMISE_AFTER_DAYS)
    with transaction.atomic():
        due = Booking.objects.filter(session__date__lt=cutoff, anonymised_at__isnull=True)
        ids = list(due.values_list("pk", flat=True))
        for start in range(0, len(ids), 1000):
            chunk = ids[start : start + 1000]
            Booking.objects.filter(pk__in=chunk).update(
                patient_name="", phone="", phone_hash="", id_tail="", anonymised_at=timezone.now()
            )
            OutboxMessage.objects.filter(booking_id__in=chunk).update(phone="")
    return len(ids)
