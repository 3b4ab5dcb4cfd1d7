"""Rotating the personal-data key keeps every phone number readable, and the
health endpoint tells a load balancer whether this app server can reach the database."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection
from django.test import Client

from medbridge.clinics.models import Booking
from medbridge.clinics.services import BookingData, booking_create, booking_find
from medbridge.directory.models import Professional
from tests.factories import ClinicSessionFactory, ProfessionalFactory

pytestmark = pytest.mark.django_db


def stored_phone(professional: Professional) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM directory_professional WHERE id = %s", [professional.pk])
        return str(cursor.fetchone()[0])


def test_after_rotation_phones_are_stored_under_the_new_key_and_still_read(settings: Any) -> None:
    doctor = ProfessionalFactory(phone="13812345678")
    patient = BookingData(patient_name="李明", phone="13900001111", consent=True)
    booking = booking_create(session=ClinicSessionFactory(), data=patient, client="")
    old_token = stored_phone(doctor)
    settings.PII_LOOKUP_KEY, settings.PII_KEY_FALLBACKS = settings.PII_KEY, [settings.PII_KEY]
    settings.PII_KEY = "a-new-personal-data-key-" + "k" * 40

    call_command("rotate_pii_key", stdout=StringIO())
    settings.PII_KEY_FALLBACKS = []

    assert stored_phone(doctor) != old_token
    assert Professional.objects.get(pk=doctor.pk).phone == "13812345678"
    assert Booking.objects.get(pk=booking.pk).phone == "13900001111"
    # Patients still find their booking by code and phone: lookup hashes did not move.
    assert booking_find(code=booking.code, phone="13900001111") == booking


def test_rotation_stops_and_changes_nothing_when_a_value_opens_with_no_key(settings: Any) -> None:
    doctor = ProfessionalFactory(phone="13812345678")
    old_token = stored_phone(doctor)
    settings.PII_KEY, settings.PII_KEY_FALLBACKS = "new-key-" + "n" * 40, ["some-other-old-key-" + "o" * 40]

    with pytest.raises(CommandError, match="无法用当前密钥或旧密钥解密"):
        call_command("rotate_pii_key", stdout=StringIO())

    assert stored_phone(doctor) == old_token


def test_rotation_needs_the_old_key_among_the_fallbacks(settings: Any) -> None:
    settings.PII_KEY_FALLBACKS = []

    with pytest.raises(CommandError, match="MEDBRIDGE_PII_KEY_FALLBACKS"):
        call_command("rotate_pii_key", stdout=StringIO())


def test_health_answers_ok_while_the_database_answers(client: Client) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": True}


def test_health_answers_503_when_the_database_does_not(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    def unreachable(*args: Any, **kwargs: Any) -> Any:
        raise DatabaseError("connection refused")

    monkeypatch.setattr(connection, "cursor", unreachable)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["database"] is False
