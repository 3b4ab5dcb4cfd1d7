"""Bookings and weekly clinic plans through /api/v1/: the desk of the host hospital
reads its patients, the commission over it reads them masked, anyone else nothing."""

from __future__ import annotations

from datetime import time, timedelta
from typing import Any

from django.utils import timezone

from medbridge.accounts.models import Role, User
from medbridge.clinics import services
from medbridge.clinics.models import ClinicSession
from medbridge.directory.models import Institution, Professional
from tests.clinics.conftest import book
from tests.factories import UserFactory

BOOKINGS = "/api/v1/clinics/bookings"


def test_the_hosts_desk_reads_the_patient_in_full(login: Any, admin_a: User, session: ClinicSession) -> None:
    booking = book(session, 1, id_tail="123X")
    body = login(admin_a).get(f"{BOOKINGS}/{booking.pk}").json()
    assert (body["patient_name"], body["phone"], body["id_tail"]) == ("患者1", "13900000001", "123X")
    assert body["patient_visible"] is True and body["session_id"] == session.pk


def test_the_commission_reads_bookings_with_the_patient_masked(
    login: Any, city_officer: User, session: ClinicSession
) -> None:
    book(session, 1, id_tail="123X")
    [row] = login(city_officer).get(BOOKINGS).json()["items"]
    assert row["patient_name"] == "患**" and row["phone"] != "13900000001" and row["phone"].endswith("0001")
    assert row["id_tail"] == "" and row["patient_visible"] is False


def test_bookings_elsewhere_are_missing_for_another_hospital_and_for_the_expert(
    login: Any, outsider: User, doctor_b: Professional, session: ClinicSession
) -> None:
    booking = book(session, 1)
    response = login(outsider).get(f"{BOOKINGS}/{booking.pk}")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    assert login(outsider).get(BOOKINGS).json()["count"] == 0
    expert = UserFactory(role=Role.PROFESSIONAL, professional=doctor_b)
    assert login(expert).get(BOOKINGS).json()["count"] == 0


def test_bookings_are_filtered_by_session_and_status(
    login: Any, admin_a: User, hospital_a: Institution, doctor_b: Professional, session: ClinicSession
) -> None:
    other = ClinicSession.objects.create(
        expert=doctor_b, host=hospital_a, date=session.date, start_time=time(14), end_time=time(17), capacity=1
    )
    book(session, 1)
    book(other, 2)
    book(other, 3)  # the only place is taken: waitlisted
    client = login(admin_a)
    assert client.get(BOOKINGS, {"session": other.pk}).json()["count"] == 2
    waiting = client.get(BOOKINGS, {"status": "waitlisted"}).json()["items"]
    assert [b["patient_name"] for b in waiting] == ["患者3"]


def test_weekly_plans_are_listed_by_weekday_with_their_sessions_in_the_detail(
    login: Any, admin_a: User, city_officer: User, outsider: User, hospital_a: Institution, doctor_b: Professional
) -> None:
    monday = timezone.localdate() + timedelta(days=7 - timezone.localdate().weekday())
    data = services.SeriesData(
        expert=doctor_b,
        host=hospital_a,
        weekday=1,
        start_time=time(8),
        end_time=time(12),
        capacity=30,
        first_date=monday,
        last_date=monday + timedelta(weeks=3),
    )
    series = services.series_create(actor=admin_a, data=data)
    client = login(city_officer)
    assert client.get("/api/v1/clinics/series", {"weekday": 1}).json()["count"] == 1
    assert client.get("/api/v1/clinics/series", {"weekday": 2}).json()["count"] == 0
    detail = client.get(f"/api/v1/clinics/series/{series.pk}").json()
    assert (detail["weekday"], len(detail["sessions"])) == (1, 3)
    assert login(outsider).get(f"/api/v1/clinics/series/{series.pk}").status_code == 404
    assert client.get("/api/v1/clinics/series", {"weekday": 9}).status_code == 422
