"""Clinic actors: a Beijing expert (doctor_b's hospital stands in for their home)
holding a clinic at hospital A in 长治, whose administrator runs the desk."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache

from medbridge.clinics.models import ClinicSession
from medbridge.clinics.services import BookingData, booking_create
from medbridge.directory.models import Institution, Professional
from tests.factories import ClinicSessionFactory


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    # The limiter counts in the process-wide cache; each test starts with none used.
    cache.clear()


@pytest.fixture
def session(hospital_a: Institution, doctor_b: Professional) -> ClinicSession:
    return ClinicSessionFactory(expert=doctor_b, host=hospital_a, capacity=20)


def patient(n: int, **extra: Any) -> BookingData:
    values = {"patient_name": f"患者{n}", "phone": f"1390000{n:04d}", "consent": True} | extra
    return BookingData(**values)


def book(session: ClinicSession, n: int, *, client: str = "10.0.0.1", **extra: Any) -> Any:
    return booking_create(session=session, data=patient(n, **extra), client=f"{client}.{n}" if n else client)
