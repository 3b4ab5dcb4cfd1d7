"""Planning sessions, cancelling them, the desk on the day and the notifications."""

from __future__ import annotations

import logging
from datetime import date, time, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from medbridge.accounts.models import User
from medbridge.clinics.models import ClinicSession, OutboxMessage
from medbridge.clinics.services import (
    SeriesData,
    booking_check_in,
    booking_mark_no_show,
    series_create,
    session_cancel,
    session_close,
    session_update,
    walk_ins_set,
)
from medbridge.clinics.services.sessions import SessionData
from medbridge.directory.models import Institution, Professional
from tests.clinics.conftest import book


def tuesdays(expert: Professional, host: Institution, **extra: object) -> SeriesData:
    values = {
        "expert": expert,
        "host": host,
        "weekday": 1,
        "start_time": time(8),
        "end_time": time(12),
        "capacity": 30,
        "first_date": date(2030, 3, 1),
        "last_date": date(2030, 3, 31),
    } | extra
    return SeriesData(**values)  # type: ignore[arg-type]


def test_a_weekly_plan_creates_one_session_per_week(
    admin_a: User, hospital_a: Institution, doctor_b: Professional
) -> None:
    series = series_create(actor=admin_a, data=tuesdays(doctor_b, hospital_a))

    days = list(series.sessions.values_list("date", flat=True).order_by("date"))
    assert days == [date(2030, 3, 5), date(2030, 3, 12), date(2030, 3, 19), date(2030, 3, 26)]
    assert set(series.sessions.values_list("capacity", flat=True)) == {30}


def test_an_expert_cannot_be_in_two_clinics_at_once(
    admin_a: User, hospital_a: Institution, doctor_b: Professional
) -> None:
    series_create(actor=admin_a, data=tuesdays(doctor_b, hospital_a))

    with pytest.raises(ValidationError) as clash:
        series_create(actor=admin_a, data=tuesdays(doctor_b, hospital_a, start_time=time(11), end_time=time(13)))

    assert "已有坐诊" in clash.value.message_dict["start_time"][0]


def test_only_the_host_side_plans_its_clinics(outsider: User, hospital_a: Institution, doctor_b: Professional) -> None:
    with pytest.raises(PermissionDenied):
        series_create(actor=outsider, data=tuesdays(doctor_b, hospital_a))


def test_editing_this_and_later_sessions_changes_the_rest_of_the_series_only(
    admin_a: User, hospital_a: Institution, doctor_b: Professional
) -> None:
    series = series_create(actor=admin_a, data=tuesdays(doctor_b, hospital_a))
    sessions = list(series.sessions.order_by("date"))
    second = sessions[1]
    data = SessionData(
        expert=doctor_b, host=hospital_a, date=second.date, start_time=time(14), end_time=time(17), capacity=25
    )

    changed = session_update(actor=admin_a, session=second, data=data, scope="future")

    assert changed == 3
    rows = list(series.sessions.order_by("date").values_list("start_time", "capacity"))
    assert rows == [(time(8), 30), (time(14), 25), (time(14), 25), (time(14), 25)]


def test_capacity_cannot_drop_below_the_places_already_booked(admin_a: User, session: ClinicSession) -> None:
    for n in range(1, 4):
        book(session, n)
    session.refresh_from_db()
    data = SessionData(
        expert=session.expert, host=session.host, date=session.date, start_time=time(8), end_time=time(12), capacity=2
    )

    with pytest.raises(ValidationError, match="已有 3 人预约"):
        session_update(actor=admin_a, session=session, data=data)


def test_cancelling_a_session_cancels_its_bookings_and_notifies_each_patient(
    admin_a: User, session: ClinicSession, caplog: pytest.LogCaptureFixture
) -> None:
    bookings = [book(session, n) for n in (1, 2)]

    with pytest.raises(ValidationError, match="请填写停诊原因"):
        session_cancel(actor=admin_a, session=session, reason=" ")
    session_cancel(actor=admin_a, session=session, reason="专家临时出差")

    session.refresh_from_db()
    assert session.status == "cancelled" and session.booked == 0
    assert {b.status for b in session.bookings.all()} == {"cancelled"}
    assert OutboxMessage.objects.filter(status="pending").count() == 2
    with caplog.at_level(logging.INFO, logger="medbridge.notify"):
        call_command("deliver_notifications")
    assert OutboxMessage.objects.filter(status="sent").count() == 2
    assert "139****0001" in caplog.text and "专家临时出差" in caplog.text and bookings[0].code in caplog.text
    assert "13900000001" not in caplog.text


def test_the_desk_counts_visits_as_checked_in_patients_plus_walk_ins(admin_a: User, session: ClinicSession) -> None:
    bookings = [book(session, n) for n in (1, 2, 3)]
    with pytest.raises(ValidationError, match="坐诊日期未到"):
        booking_check_in(actor=admin_a, booking=bookings[0])
    ClinicSession.objects.filter(pk=session.pk).update(date=timezone.localdate())
    session.refresh_from_db()

    booking_check_in(actor=admin_a, booking=bookings[0])
    booking_mark_no_show(actor=admin_a, booking=bookings[1])
    booking_check_in(actor=admin_a, booking=bookings[1])  # arrived late after all
    walk_ins_set(actor=admin_a, session=session, walk_ins=4)
    session_close(actor=admin_a, session=session)

    session.refresh_from_db()
    assert session.status == "held"
    assert (session.checked_in, session.no_shows, session.walk_ins, session.visits) == (2, 1, 4, 6)
    bookings[2].refresh_from_db()
    assert bookings[2].status == "no_show"


def test_a_past_booking_cannot_be_cancelled_by_the_patient(session: ClinicSession) -> None:
    from medbridge.clinics.services import booking_cancel

    booking = book(session, 1)
    ClinicSession.objects.filter(pk=session.pk).update(date=timezone.localdate() - timedelta(days=1))

    with pytest.raises(ValidationError, match="坐诊日期已过"):
        booking_cancel(code=booking.code, phone="13900000001", client="10.9.9.9")


class BrokenGateway:
    """An SMS gateway that is down: what the outbox must survive."""

    def send(self, *, phone: str, text: str) -> None:
        raise ConnectionError("gateway unreachable")


def test_a_failing_channel_keeps_messages_pending_with_the_error(
    admin_a: User, session: ClinicSession, settings: object
) -> None:
    book(session, 1)
    session_cancel(actor=admin_a, session=session, reason="专家出差")
    settings.NOTIFY_CHANNEL = "tests.clinics.test_sessions.BrokenGateway"  # type: ignore[attr-defined]

    call_command("deliver_notifications")

    message = OutboxMessage.objects.get()
    assert (message.status, message.attempts, message.last_error) == ("pending", 1, "gateway unreachable")


def test_a_professional_sees_only_their_own_clinics(session: ClinicSession, doctor_a: Professional) -> None:
    from medbridge.accounts.access import clinic_sessions_visible_to
    from tests.factories import UserFactory

    expert = UserFactory(role="professional", professional=session.expert)
    other = UserFactory(role="professional", professional=doctor_a)

    assert list(clinic_sessions_visible_to(expert)) == [session]
    assert not clinic_sessions_visible_to(other).exists()
