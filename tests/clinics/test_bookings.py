"""Booking, the waiting list, cancellation and the limits, through the services."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone

from medbridge.clinics.models import Booking, ClinicSession, OutboxMessage
from medbridge.clinics.services import TooManyRequests, booking_cancel, booking_create, bookings_anonymise
from tests.clinics.conftest import book, patient
from tests.factories import ClinicSessionFactory


def test_a_booking_takes_a_place_and_returns_a_code(session: ClinicSession) -> None:
    booking = book(session, 1)

    session.refresh_from_db()
    assert booking.status == "confirmed"
    assert len(booking.code) == 8
    assert session.booked == 1 and session.remaining == 19


def test_the_phone_is_encrypted_at_rest_and_masked_for_display(session: ClinicSession) -> None:
    from django.db import connection

    book(session, 7)

    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM clinics_booking")
        stored = cursor.fetchone()[0]
    booking = Booking.objects.get()
    assert "13900000007" not in stored
    assert booking.phone == "13900000007"
    assert booking.masked_phone == "139****0007"


@override_settings(CLINIC_WAITLIST_SIZE=2)
def test_it_waitlists_when_full_and_refuses_when_the_waiting_list_is_full_too(session: ClinicSession) -> None:
    session.capacity = 1
    session.save()
    assert book(session, 1).status == "confirmed"
    assert book(session, 2).status == "waitlisted"
    assert book(session, 3).status == "waitlisted"

    with pytest.raises(ValidationError) as refused:
        book(session, 4)

    assert "候补名额也已满" in str(refused.value)
    session.refresh_from_db()
    assert (session.booked, session.waitlisted) == (1, 2)


def test_cancelling_a_confirmed_booking_promotes_the_first_on_the_waiting_list(session: ClinicSession) -> None:
    session.capacity = 1
    session.save()
    first = book(session, 1)
    waiting = [book(session, n) for n in (2, 3)]

    booking_cancel(code=first.code.lower(), phone="139 0000 0001", client="10.0.0.9")

    waiting[0].refresh_from_db()
    waiting[1].refresh_from_db()
    session.refresh_from_db()
    assert waiting[0].status == "confirmed" and waiting[0].promoted_at is not None
    assert waiting[1].status == "waitlisted"
    assert (session.booked, session.waitlisted) == (1, 1)
    message = OutboxMessage.objects.get()
    assert message.phone == "13900000002" and "转为正式预约" in message.text and waiting[0].code in message.text


def test_cancelling_needs_the_phone_the_booking_was_made_with(session: ClinicSession) -> None:
    booking = book(session, 1)

    with pytest.raises(ValidationError) as wrong:
        booking_cancel(code=booking.code, phone="13900000002", client="10.0.0.9")

    assert "预约码或手机号不正确" in str(wrong.value)
    booking.refresh_from_db()
    assert booking.status == "confirmed"


def test_one_phone_cannot_book_one_session_twice(session: ClinicSession) -> None:
    book(session, 1)

    with pytest.raises(ValidationError) as twice:
        book(session, 1, client="10.0.0.2")

    assert "请勿重复预约" in str(twice.value)


@override_settings(CLINIC_MAX_ACTIVE_BOOKINGS=2)
def test_one_phone_holds_at_most_the_configured_number_of_active_bookings(session: ClinicSession) -> None:
    others = [
        ClinicSessionFactory(expert=session.expert, host=session.host, date=session.date + timedelta(days=d))
        for d in (1, 2)
    ]
    book(others[0], 5)
    book(others[1], 5, client="10.0.1.1")

    with pytest.raises(ValidationError) as limited:
        book(session, 5, client="10.0.2.1")

    assert "最多同时保留 2 个有效预约" in str(limited.value)


def test_bad_input_gets_chinese_errors_on_every_field_and_books_nothing(session: ClinicSession) -> None:
    with pytest.raises(ValidationError) as invalid:
        book(session, 1, patient_name=" ", phone="12345", id_tail="12a", consent=False)

    assert set(invalid.value.message_dict) == {"patient_name", "phone", "id_tail", "consent"}
    assert "请阅读并同意" in invalid.value.message_dict["consent"][0]
    assert not Booking.objects.exists()


def test_rounds_and_cancelled_sessions_cannot_be_booked(session: ClinicSession) -> None:
    rounds = ClinicSessionFactory(
        expert=session.expert, host=session.host, kind="teaching_rounds", start_time=session.end_time, end_time=time(13)
    )

    with pytest.raises(ValidationError, match="不开放预约"):
        book(rounds, 1)


@override_settings(CLINIC_REQUESTS_PER_HOUR=3)
def test_one_client_address_is_rate_limited(session: ClinicSession) -> None:
    for n in range(1, 4):
        booking_create(session=session, data=patient(n), client="203.0.113.5")

    with pytest.raises(TooManyRequests):
        booking_create(session=session, data=patient(4), client="203.0.113.5")
    booking_create(session=session, data=patient(4), client="203.0.113.6")


@override_settings(CLINIC_ANONYMISE_AFTER_DAYS=30)
def test_anonymisation_erases_patients_of_old_sessions_and_keeps_the_counts(session: ClinicSession) -> None:
    booking = book(session, 1)
    recent = ClinicSessionFactory(expert=session.expert, host=session.host, date=session.date + timedelta(days=1))
    kept = book(recent, 2)
    ClinicSession.objects.filter(pk=session.pk).update(date=timezone.localdate() - timedelta(days=31), checked_in=1)

    assert bookings_anonymise() == 1

    booking.refresh_from_db()
    kept.refresh_from_db()
    session.refresh_from_db()
    assert (booking.patient_name, booking.phone, booking.phone_hash) == ("", "", "")
    assert booking.status == "confirmed" and booking.anonymised_at is not None
    assert (session.booked, session.visits) == (1, 1)
    assert kept.phone == "13900000002"


@override_settings(CLINIC_BOOKING_HORIZON_DAYS=28)
def test_sessions_beyond_the_booking_horizon_are_not_yet_open(session: ClinicSession) -> None:
    later = ClinicSessionFactory(
        expert=session.expert, host=session.host, date=timezone.localdate() + timedelta(days=29)
    )

    with pytest.raises(ValidationError, match="不开放预约"):
        book(later, 1)
    book(session, 1)
