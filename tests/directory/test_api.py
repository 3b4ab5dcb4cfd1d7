"""The directory through /api/v1/, as an integrating system would use it."""

from __future__ import annotations

from typing import Any

from auditlog.models import LogEntry

from medbridge.accounts.models import User
from medbridge.directory.models import Institution, Professional


def test_an_officer_creates_reads_and_updates_an_institution(login: Any, city_officer: User) -> None:
    client = login(city_officer)
    created = client.post(
        "/api/v1/institutions",
        {"name": "长治市妇幼保健院", "category": "G", "region": "140400"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert client.get(f"/api/v1/institutions/{pk}").json()["region_name"].endswith("长治市")
    updated = client.patch(f"/api/v1/institutions/{pk}", {"address": "太行东街"}, content_type="application/json")
    assert updated.json()["address"] == "太行东街"
    assert LogEntry.objects.filter(object_pk=str(pk), actor=city_officer).count() == 2


def test_validation_errors_come_back_field_by_field(login: Any, city_officer: User, hospital_a: Institution) -> None:
    response = login(city_officer).post(
        "/api/v1/institutions",
        {"name": hospital_a.name, "category": "NOPE", "region": "140400"},
        content_type="application/json",
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert "category" in error["fields"]


def test_a_malformed_body_gets_the_same_error_shape(login: Any, city_officer: User) -> None:
    response = login(city_officer).post("/api/v1/institutions", {"name": 5}, content_type="application/json")
    assert response.status_code == 422
    assert set(response.json()["error"]) == {"code", "message", "fields"}


def test_creating_outside_ones_scope_is_forbidden(login: Any, city_officer: User) -> None:
    response = login(city_officer).post(
        "/api/v1/institutions",
        {"name": "太原市某医院", "category": "A1", "region": "140100"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


def test_professionals_are_searchable_and_masked_for_officers(
    login: Any, city_officer: User, doctor_a: Professional
) -> None:
    body = login(city_officer).get("/api/v1/professionals", {"q": "李"}).json()
    assert body["count"] == 1
    assert body["items"][0]["phone"] == "138****5678"


def test_an_admin_registers_a_professional_with_an_id_number(
    login: Any, admin_a: User, hospital_a: Institution
) -> None:
    response = login(admin_a).post(
        "/api/v1/professionals",
        {"name": "郑七", "institution_id": hospital_a.pk, "title": "231", "id_number": "11010519491231002X"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["id_number"].endswith("002X") and "1101" not in response.json()["id_number"]


def test_the_api_docs_work_without_internet_access(client: Any) -> None:
    from django.contrib.staticfiles import finders

    assert client.get("/api/v1/openapi.json").json()["info"]["title"] == "MedBridge API"
    docs = client.get("/api/v1/docs").content.decode()
    # Swagger UI must come from our own static files, not a CDN the closed network cannot reach.
    assert "/static/ninja/swagger-ui-bundle.js" in docs
    assert finders.find("ninja/swagger-ui-bundle.js")
