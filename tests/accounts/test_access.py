"""Scope: who sees and changes which directory records, through pages and API."""

from __future__ import annotations

from typing import Any

import pytest

from medbridge.accounts.models import User
from medbridge.directory.models import Institution, Professional


@pytest.mark.parametrize("path", ["/directory/professionals/{pk}/", "/directory/professionals/{pk}/edit/"])
def test_an_institution_admin_cannot_open_another_hospitals_professional(
    login: Any, admin_a: User, doctor_b: Professional, path: str
) -> None:
    response = login(admin_a).get(path.format(pk=doctor_b.pk))
    assert response.status_code == 404


def test_an_institution_admin_cannot_read_another_hospitals_professional_through_the_api(
    login: Any, admin_a: User, doctor_b: Professional
) -> None:
    response = login(admin_a).get(f"/api/v1/professionals/{doctor_b.pk}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_an_institution_admin_lists_only_their_own_staff_in_the_api(
    login: Any, admin_a: User, doctor_a: Professional, doctor_b: Professional
) -> None:
    names = [p["name"] for p in login(admin_a).get("/api/v1/professionals").json()["items"]]
    assert names == [doctor_a.name]


def test_an_institution_admin_cannot_edit_another_hospital_through_the_api(
    login: Any, admin_a: User, hospital_b: Institution
) -> None:
    response = login(admin_a).patch(
        f"/api/v1/institutions/{hospital_b.pk}", {"address": "x"}, content_type="application/json"
    )
    assert response.status_code == 404
    hospital_b.refresh_from_db()
    assert hospital_b.address == ""


def test_a_city_officer_sees_only_institutions_inside_the_city(
    login: Any, city_officer: User, hospital_a: Institution, hospital_b: Institution
) -> None:
    client = login(city_officer)
    api_names = [i["name"] for i in client.get("/api/v1/institutions").json()["items"]]
    page = client.get("/directory/institutions/").content.decode()
    assert api_names == [hospital_a.name]
    assert hospital_a.name in page and hospital_b.name not in page
    assert client.get(f"/directory/institutions/{hospital_b.pk}/").status_code == 404


def test_a_city_officer_sees_masked_phones_only(login: Any, city_officer: User, doctor_a: Professional) -> None:
    client = login(city_officer)
    assert client.get(f"/api/v1/professionals/{doctor_a.pk}").json()["phone"] == "138****5678"
    detail = client.get(f"/directory/professionals/{doctor_a.pk}/").content.decode()
    assert "138****5678" in detail and "13812345678" not in detail


def test_the_employer_sees_the_full_phone_on_the_detail_page_but_lists_stay_masked(
    login: Any, admin_a: User, doctor_a: Professional
) -> None:
    client = login(admin_a)
    assert "13812345678" in client.get(f"/directory/professionals/{doctor_a.pk}/").content.decode()
    listing = client.get("/directory/professionals/").content.decode()
    assert "138****5678" in listing and "13812345678" not in listing


def test_the_auditor_sees_the_audit_log_and_nothing_else(
    login: Any, auditor: User, doctor_a: Professional, hospital_a: Institution
) -> None:
    client = login(auditor)
    assert client.get("/accounts/audit/").status_code == 200
    assert client.get("/directory/institutions/").status_code == 403
    assert client.get(f"/directory/professionals/{doctor_a.pk}/").status_code == 403
    assert client.get("/api/v1/institutions").json()["items"] == []
    assert client.get(f"/api/v1/professionals/{doctor_a.pk}").status_code == 404
    assert client.get("/admin/").status_code == 302


def test_nobody_else_reads_the_audit_log(login: Any, admin_a: User, city_officer: User) -> None:
    assert login(admin_a).get("/accounts/audit/").status_code == 403
    assert login(city_officer).get("/accounts/audit/").status_code == 403


def test_a_signed_out_visitor_is_sent_to_the_login_page(client: Any) -> None:
    response = client.get("/directory/institutions/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    api = client.get("/api/v1/institutions")
    assert api.status_code == 401 and api.json()["error"]["code"] == "unauthenticated"
