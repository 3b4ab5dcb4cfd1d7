"""Referrals and consultations through /api/v1/, as a hospital information system
would use them: create, take the workflow's steps, read the figures; and the
error bodies it gets when a step is refused."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from medbridge.accounts.models import User
from medbridge.directory.models import Institution, Professional
from medbridge.programmes.models import Programme
from medbridge.referrals.models import Referral


def post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, body, content_type="application/json")


def test_a_county_hospital_sends_a_patient_up_and_the_lead_hospital_takes_it_through(
    login: Any, alliance: Programme, county_admin: User, lead_admin: User, county: Institution, lead: Institution
) -> None:
    body = {
        "from_institution_id": county.pk,
        "to_institution_id": lead.pk,
        "patient_initials": "lsm",
        "patient_sex": "2",
        "patient_age_band": "75+",
        "patient_record_no": "GP0099",
        "reason": "股骨转子间骨折",
        "diagnosis_code": "S72.101",
        "urgency": "urgent",
    }
    created = post(login(county_admin), "/api/v1/referrals", body)
    assert created.status_code == 201, created.content
    referral = created.json()
    assert (referral["direction"], referral["status"], referral["programme_id"]) == ("up", "requested", alliance.pk)
    assert referral["patient"]["initials"] == "LSM"
    assert referral["actions"] == ["cancel"]
    lead_client = login(lead_admin)
    for action in ("accept", "arrive", "complete"):
        step = post(lead_client, f"/api/v1/referrals/{referral['id']}/transitions", {"action": action})
        assert step.status_code == 200, step.content
    done = step.json()
    assert done["status"] == "completed" and [e["action"] for e in done["events"]][-1] == "complete"


def test_refusals_come_back_as_chinese_errors(
    login: Any, referral: Referral, county_admin: User, lead_admin: User
) -> None:
    url = f"/api/v1/referrals/{referral.pk}/transitions"
    own = post(login(county_admin), url, {"action": "accept"})
    assert own.status_code == 403
    assert own.json()["error"]["message"] == "只有接收方（山西医科大学第二医院）可以“接收”"
    premature = post(login(lead_admin), url, {"action": "complete"})
    assert premature.status_code == 422
    assert premature.json()["error"]["fields"]["status"] == ["当前状态为“待接收”，不能“完成”；只有“已到院”状态可以完成"]


def test_a_bad_referral_lists_every_field_error(
    login: Any, alliance: Programme, county_admin: User, county: Institution
) -> None:
    body = {
        "from_institution_id": county.pk,
        "to_institution_id": county.pk,
        "patient_initials": "张三",
        "patient_age_band": "old",
        "reason": "",
        "diagnosis_code": "802",
    }
    response = post(login(county_admin), "/api/v1/referrals", body)
    assert response.status_code == 422
    fields = response.json()["error"]["fields"]
    assert set(fields) >= {"patient_initials", "patient_age_band", "reason", "diagnosis_code", "to_institution"}


def test_a_consultation_is_requested_scheduled_and_answered(
    login: Any,
    alliance: Programme,
    county_admin: User,
    lead_admin: User,
    county: Institution,
    lead: Institution,
    lead_expert: Professional,
) -> None:
    body = {
        "requesting_institution_id": county.pk,
        "consulting_institution_id": lead.pk,
        "kind": "consultation",
        "question": "胫骨平台骨折术后感染，请协助制定方案",
        "patient_initials": "WYX",
        "patient_age_band": "45-59",
    }
    created = post(login(county_admin), "/api/v1/consultations", body)
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    lead_client = login(lead_admin)
    schedule = {"scheduled_for": "2099-01-05T09:00:00+08:00", "consulting_expert_id": lead_expert.pk}
    assert post(lead_client, f"/api/v1/consultations/{pk}/schedule", schedule).json()["status"] == "scheduled"
    refused = post(login(county_admin), f"/api/v1/consultations/{pk}/opinion", {"opinion": "自己给自己出意见"})
    assert refused.status_code == 403 and "只有会诊方" in refused.json()["error"]["message"]
    answered = post(lead_client, f"/api/v1/consultations/{pk}/opinion", {"opinion": "建议清创并延长抗生素疗程"})
    assert answered.json()["status"] == "completed" and answered.json()["consulting_expert"] == "钱专家"
    cancel = post(login(county_admin), f"/api/v1/consultations/{pk}/cancel", {"note": "不需要了"})
    assert cancel.status_code == 422 and "已出具意见" in cancel.json()["error"]["fields"]["status"][0]


def test_figures_count_referrals_by_partner_and_direction(
    login: Any, referral: Referral, lead_admin: User, county_officer: User
) -> None:
    post(login(lead_admin), f"/api/v1/referrals/{referral.pk}/transitions", {"action": "accept"})
    year = referral.requested_at.year
    figures = login(county_officer).get(f"/api/v1/referrals/figures?year={year}").json()
    assert figures["total"] == 1 and figures["accepted"] == 1
    assert figures["partners"][0]["name"] == "高平市人民医院" and figures["partners"][0]["up_total"] == 1
    assert sum(figures["up_by_month"]) == 1 and len(figures["months"]) == 12
    assert figures["median_accept_hours"] is not None


def test_an_attachment_is_uploaded_and_read_back_only_by_the_two_sides(
    login: Any, alliance: Programme, county_admin: User, county_officer: User, county: Institution, lead: Institution
) -> None:
    body = {
        "requesting_institution_id": county.pk,
        "consulting_institution_id": lead.pk,
        "kind": "ecg",
        "question": "心电图判读",
    }
    pk = post(login(county_admin), "/api/v1/consultations", body).json()["id"]
    upload = SimpleUploadedFile("ecg.pdf", b"%PDF-1.4 trace", content_type="application/pdf")
    response = login(county_admin).post(
        f"/api/v1/consultations/{pk}/attachments", {"title": "十二导联", "file": upload}
    )
    assert response.status_code == 201, response.content
    url = response.json()["url"]
    assert b"".join(login(county_admin).get(url).streaming_content) == b"%PDF-1.4 trace"
    assert login(county_officer).get(url).status_code == 403
    bad = SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")
    refused = login(county_admin).post(f"/api/v1/consultations/{pk}/attachments", {"file": bad})
    assert refused.status_code == 422 and "只接受" in refused.json()["error"]["fields"]["file"][0]
