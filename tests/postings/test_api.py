"""Postings through /api/v1/, as an integrating system would use them."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.test import Client

from medbridge.accounts.models import User
from medbridge.directory.models import Department, Institution, Professional
from medbridge.postings.models import Posting, PostingStatus
from medbridge.programmes.models import Programme


def post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, body, content_type="application/json")


def body(
    programme: Programme, person: Professional, host: Institution, start: str, end: str, **extra: Any
) -> dict[str, Any]:
    assert person.institution is not None
    return {
        "professional_id": person.pk,
        "programme_id": programme.pk,
        "kind": extra.pop("kind", "stationed"),
        "home_institution_id": person.institution.pk,
        "host_institution_id": host.pk,
        "planned_start": start,
        "planned_end": end,
        **extra,
    }


def test_a_posting_is_created_and_an_overlapping_one_refused(
    login: Any,
    weihai_admin: User,
    paired: Programme,
    surgeon: Professional,
    gangcha_hospital: Institution,
    gangcha_surgery: Department,
) -> None:
    client = login(weihai_admin)
    first = post(
        client,
        "/api/v1/postings",
        body(paired, surgeon, gangcha_hospital, "2024-03-01", "2024-08-31", host_department_id=gangcha_surgery.pk),
    )
    assert first.status_code == 201, first.content
    assert first.json()["assisted_department"] == "肝胆外科"
    second = post(client, "/api/v1/postings", body(paired, surgeon, gangcha_hospital, "2024-06-01", "2024-12-31"))
    assert second.status_code == 422
    assert "此期间已有派驻" in second.json()["error"]["fields"]["planned_start"][0]
    assert Posting.objects.count() == 1


def test_status_changes_follow_the_roles(
    login: Any, weihai_admin: User, gangcha_admin: User, stationed: Posting
) -> None:
    url = f"/api/v1/postings/{stationed.pk}/transitions"
    refused = post(login(gangcha_admin), url, {"to": "approved"})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
    approved = post(login(weihai_admin), url, {"to": "approved"})
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    started = post(login(gangcha_admin), url, {"to": "active", "on": "2024-03-02"})
    assert started.json()["actual_start"] == "2024-03-02"
    illegal = post(login(weihai_admin), url, {"to": "approved"})
    assert illegal.status_code == 422


def test_outsiders_cannot_see_a_posting(login: Any, outsider: User, stationed: Posting) -> None:
    client = login(outsider)
    assert client.get(f"/api/v1/postings/{stationed.pk}").status_code == 404
    assert client.get("/api/v1/postings").json()["count"] == 0


def test_logs_evaluations_stats_and_profile(
    login: Any, weihai_admin: User, stationed: Posting, surgeon: Professional
) -> None:
    client = login(weihai_admin)
    post(client, f"/api/v1/postings/{stationed.pk}/transitions", {"to": "approved"})
    post(client, f"/api/v1/postings/{stationed.pk}/transitions", {"to": "active", "on": "2024-03-01"})
    log = post(
        client,
        f"/api/v1/postings/{stationed.pk}/logs",
        {"day": "2024-03-20", "patients_seen": 35, "new_techniques": ["腹腔镜胆囊切除术"]},
    )
    assert log.status_code == 201 and log.json()["techniques"] == ["腹腔镜胆囊切除术"]
    outside = post(client, f"/api/v1/postings/{stationed.pk}/logs", {"day": "2023-01-01"})
    assert outside.status_code == 422 and "day" in outside.json()["error"]["fields"]
    stats = client.get("/api/v1/postings/stats").json()
    assert stats["by_kind"] == {"驻点帮扶": 1} and stats["by_department"] == {"肝胆外科": 1}
    profile = client.get(f"/api/v1/professionals/{surgeon.pk}/profile").json()
    assert profile["techniques"] == ["腹腔镜胆囊切除术"] and len(profile["postings"]) == 1


def test_an_evaluation_by_criterion_name(
    login: Any, weihai_admin: User, gangcha_admin: User, stationed: Posting, weihai_hospital: Institution
) -> None:
    from tests.factories import ProfessionalFactory

    client = login(weihai_admin)
    liaison = ProfessionalFactory(institution=weihai_hospital, name="林书记")
    update = client.patch(
        f"/api/v1/postings/{stationed.pk}", {"liaison_id": liaison.pk}, content_type="application/json"
    )
    assert update.status_code == 200, update.content
    post(client, f"/api/v1/postings/{stationed.pk}/transitions", {"to": "approved"})
    post(client, f"/api/v1/postings/{stationed.pk}/transitions", {"to": "active", "on": "2024-03-01"})
    scores = {"医德医风": 90, "工作纪律": 90, "临床能力": 80, "学习/带教成效": 80, "团队协作": 100}
    payload = {"period": "quarterly", "period_end": "2024-05-31", "evaluator_role": "liaison", "scores": scores}
    made = post(client, f"/api/v1/postings/{stationed.pk}/evaluations", payload)
    assert made.status_code == 201, made.content
    assert made.json()["evaluator_name"] == "林书记" and made.json()["score"] == 85.0
    unknown = post(client, f"/api/v1/postings/{stationed.pk}/evaluations", payload | {"scores": {"颜值": 100}})
    assert unknown.status_code == 422 and "未知的考核项目：颜值" in unknown.json()["error"]["fields"]["scores"][0]


def test_a_batch_is_created_with_its_members_and_approved_by_the_commission(
    login: Any,
    weihai_admin: User,
    weihai_officer: User,
    paired: Programme,
    weihai_hospital: Institution,
    gangcha_hospital: Institution,
) -> None:
    from tests.factories import ProfessionalFactory

    people = [ProfessionalFactory(institution=weihai_hospital) for _ in range(5)]
    members = [
        {"professional_id": p.pk, "home_institution_id": weihai_hospital.pk, "host_institution_id": gangcha_hospital.pk}
        for p in people
    ]
    payload = {
        "programme_id": paired.pk,
        "kind": "stationed",
        "number": 12,
        "planned_start": "2025-03-01",
        "planned_end": "2025-08-31",
        "members": members,
        "specialties": ["04.01"],
    }
    made = post(login(weihai_admin), "/api/v1/posting-batches", payload)
    assert made.status_code == 201, made.content
    assert len(made.json()["postings"]) == 5
    batch_id = made.json()["id"]
    assert post(login(weihai_admin), f"/api/v1/posting-batches/{batch_id}/approve", {}).status_code == 403
    approved = post(login(weihai_officer), f"/api/v1/posting-batches/{batch_id}/approve", {})
    assert approved.status_code == 200 and approved.json()["approved_at"]
    assert set(Posting.objects.values_list("status", flat=True)) == {PostingStatus.APPROVED}
    assert date(2025, 3, 1) == Posting.objects.first().planned_start  # type: ignore[union-attr]


def test_a_clinic_session_may_belong_to_a_posting_only_at_its_host_and_in_its_period(
    login: Any, weihai_admin: User, gangcha_admin: User, stationed: Posting, gangcha_hospital: Institution
) -> None:
    body = {
        "expert_id": stationed.professional_id,
        "host_id": gangcha_hospital.pk,
        "date": "2024-04-09",
        "start_time": "08:00",
        "end_time": "11:30",
        "capacity": 20,
        "posting_id": stationed.pk,
    }
    client = login(gangcha_admin)
    made = post(client, "/api/v1/clinics/sessions", body)
    assert made.status_code == 201, made.content
    assert made.json()["posting_id"] == stationed.pk and made.json()["programme_id"] == stationed.programme_id
    late = post(client, "/api/v1/clinics/sessions", body | {"date": "2024-10-08"})
    assert late.status_code == 422 and "坐诊日期须在派驻期间" in late.json()["error"]["fields"]["posting"][0]
