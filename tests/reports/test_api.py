"""The figures and the user's report jobs through /api/v1/, counted in the user's
scope like the dashboard; and the reference code lists every client needs."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.test import Client

from medbridge.accounts.models import User
from medbridge.directory.models import Institution, Professional
from medbridge.programmes.models import Programme
from medbridge.reports.models import ReportJob
from tests.factories import ClinicSessionFactory


def held(expert: Professional, host: Institution, day: date, seen: int) -> None:
    ClinicSessionFactory(expert=expert, host=host, date=day, status="held", checked_in=seen, walk_ins=1)


def test_the_figures_count_what_the_user_may_see_by_year_and_in_total(
    login: Any, admin_a: User, outsider: User, hospital_a: Institution, doctor_b: Professional
) -> None:
    held(doctor_b, hospital_a, date(2024, 5, 6), 10)
    held(doctor_b, hospital_a, date(2025, 5, 5), 20)
    body = login(admin_a).get("/api/v1/reports/figures").json()
    assert body["totals"]["clinic_visits"] == 32
    assert body["by_year"]["clinic_visits"] == {"2024": 11, "2025": 21}
    assert body["labels"]["clinic_visits"] == "坐诊人次"
    year = login(admin_a).get("/api/v1/reports/figures", {"year": 2025}).json()
    assert year["totals"]["clinic_visits"] == 21
    assert login(outsider).get("/api/v1/reports/figures").json()["totals"]["clinic_visits"] == 0


def test_figures_refuse_the_auditor_a_hidden_programme_and_a_malformed_region(
    login: Any, auditor: User, outsider: User, paired_programme: Programme
) -> None:
    refused = login(auditor).get("/api/v1/reports/figures")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
    hidden = login(outsider).get("/api/v1/reports/figures", {"programme": paired_programme.pk})
    assert hidden.status_code == 404 and hidden.json()["error"]["code"] == "not_found"
    malformed = login(outsider).get("/api/v1/reports/figures", {"region": "北京"})
    assert malformed.status_code == 422 and "region" in malformed.json()["error"]["fields"]


def test_a_report_job_belongs_to_whoever_asked_for_it(
    login: Any, weihai_admin: User, weihai_officer: User, paired_programme: Programme
) -> None:
    job = ReportJob.objects.create(user=weihai_admin, programme=paired_programme, year=2025, format="pdf")
    mine = login(weihai_admin).get("/api/v1/report-jobs", {"status": "queued"}).json()
    assert [j["id"] for j in mine["items"]] == [job.pk] and mine["items"][0]["download_url"] is None
    assert login(weihai_officer).get(f"/api/v1/report-jobs/{job.pk}").status_code == 404


def test_reference_lists_are_paged_and_filtered_and_each_code_has_a_detail(login: Any, admin_a: User) -> None:
    client = login(admin_a)
    internal = client.get("/api/v1/reference/specialties", {"q": "03.", "page_size": 5}).json()
    assert internal["count"] > 5 and len(internal["items"]) == 5
    assert all(s["code"].startswith("03.") for s in internal["items"])
    assert client.get("/api/v1/reference/specialties/03.04").json()["name"] == "心血管内科专业"
    assert client.get("/api/v1/reference/regions/140400").json()["name"] == "长治市"
    missing = client.get("/api/v1/reference/titles/nope")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    assert client.get("/api/v1/reference/specialties", {"page_size": 1000}).status_code == 422


def test_reference_lists_need_a_signed_in_client(db: None) -> None:
    assert Client().get("/api/v1/reference/hospital-grades").status_code == 401
