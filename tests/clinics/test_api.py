"""The JSON API: public booking without authentication, the host's side scoped."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.cache import cache
from django.test import Client, override_settings
from django.utils import timezone

from medbridge.accounts.models import User
from medbridge.clinics.models import ClinicSession
from medbridge.directory.models import Institution, Professional
from tests.clinics.conftest import book

PUBLIC = "/api/v1/clinics/public"


def test_the_public_listing_needs_no_authentication(session: ClinicSession) -> None:
    body = Client().get(f"{PUBLIC}/sessions").json()

    assert body["count"] == 1
    assert body["items"][0]["remaining"] == 20 and body["items"][0]["expert_name"] == session.expert.name


def test_booking_through_the_api_returns_201_and_a_code(session: ClinicSession) -> None:
    payload = {"patient_name": "张三", "phone": "13912345678", "consent": True}

    response = Client().post(f"{PUBLIC}/sessions/{session.pk}/bookings", payload, content_type="application/json")

    assert response.status_code == 201
    assert response.json()["status"] == "confirmed" and response.json()["session"]["remaining"] == 19


def test_bad_bookings_get_field_errors(session: ClinicSession) -> None:
    payload = {"patient_name": "", "phone": "1", "consent": False}

    response = Client().post(f"{PUBLIC}/sessions/{session.pk}/bookings", payload, content_type="application/json")

    assert response.status_code == 422
    assert set(response.json()["error"]["fields"]) == {"patient_name", "phone", "consent"}


@override_settings(CLINIC_REQUESTS_PER_HOUR=2)
def test_too_many_attempts_from_one_address_get_429(session: ClinicSession) -> None:
    cache.clear()
    client = Client()
    for n in range(2):
        payload = {"patient_name": "张三", "phone": f"1391234567{n}", "consent": True}
        client.post(f"{PUBLIC}/sessions/{session.pk}/bookings", payload, content_type="application/json")

    payload = {"patient_name": "张三", "phone": "13912345679", "consent": True}
    response = client.post(f"{PUBLIC}/sessions/{session.pk}/bookings", payload, content_type="application/json")

    assert response.status_code == 429 and "操作过于频繁" in response.json()["error"]["message"]


def test_the_host_creates_a_series_and_reads_the_roster(
    login: Any, admin_a: User, hospital_a: Institution, doctor_b: Professional
) -> None:
    client = login(admin_a)
    payload = {
        "expert_id": doctor_b.pk,
        "host_id": hospital_a.pk,
        "weekday": 1,
        "start_time": "08:00",
        "end_time": "12:00",
        "capacity": 30,
        "first_date": "2030-03-01",
        "last_date": "2030-03-31",
    }

    created = client.post("/api/v1/clinics/series", payload, content_type="application/json")

    assert created.status_code == 201 and len(created.json()["sessions"]) == 4
    session = ClinicSession.objects.order_by("date").first()
    assert session is not None
    ClinicSession.objects.filter(pk=session.pk).update(date=timezone.localdate() + timedelta(days=3))
    session.refresh_from_db()
    book(session, 1)
    roster = client.get(f"/api/v1/clinics/sessions/{session.pk}/roster").json()
    assert roster[0]["phone"] == "139****0001" and roster[0]["status"] == "confirmed"


def test_the_host_side_needs_a_scope(login: Any, outsider: User, session: ClinicSession) -> None:
    client = login(outsider)

    assert client.get(f"/api/v1/clinics/sessions/{session.pk}").status_code == 404
    assert Client().get("/api/v1/clinics/sessions").status_code == 401


def test_cancelling_a_session_through_the_api(login: Any, admin_a: User, session: ClinicSession) -> None:
    book(session, 1)

    response = login(admin_a).post(
        f"/api/v1/clinics/sessions/{session.pk}/cancel", {"reason": "专家出差"}, content_type="application/json"
    )

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["booked"]) == ("cancelled", 0)
