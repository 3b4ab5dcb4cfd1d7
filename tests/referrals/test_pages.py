"""The referral and consultation pages as a hospital's medical-affairs office uses
them: the board by status, the create form and its Chinese errors, the buttons
that take a step, the figures page and the consultation pages."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from medbridge.accounts.models import User
from medbridge.directory.models import Institution, Professional
from medbridge.programmes.models import Programme
from medbridge.referrals import services
from medbridge.referrals.models import Consultation, Referral, ReferralStatus, Urgency
from tests.referrals.conftest import referral_data


def test_the_board_shows_each_status_column_and_flags_an_overdue_urgent_referral(
    login: Any, alliance: Programme, county_admin: User, county: Institution, lead: Institution
) -> None:
    services.referral_create(
        actor=county_admin,
        data=referral_data(county, lead, urgency=Urgency.CRITICAL),
        at=timezone.now() - timedelta(hours=3),
    )
    page = login(county_admin).get("/referrals/").content.decode()
    for column in ("待接收", "已接收", "已到院", "已完成", "拒绝/退回/撤回"):
        assert column in page
    assert "超时未接收" in page and "高平市人民医院 → 山西医科大学第二医院" in page


def test_a_referral_is_sent_from_the_form_and_a_bad_code_is_explained(
    login: Any, alliance: Programme, county_admin: User, lead: Institution, county: Institution
) -> None:
    client = login(county_admin)
    form = {
        "from_institution": county.pk,
        "to_institution": lead.name,
        "urgency": "routine",
        "patient_initials": "ZSF",
        "patient_sex": "1",
        "patient_age_band": "60-74",
        "diagnosis_code": "S72",
        "reason": "膝关节置换",
    }
    assert "高平市人民医院" in client.get("/referrals/new/").content.decode()
    bad = client.post("/referrals/new/", {**form, "diagnosis_code": "股骨"})
    assert "ICD-10 编码格式不正确" in bad.content.decode()
    good = client.post("/referrals/new/", form)
    referral = Referral.objects.get()
    assert good.status_code == 302 and good["Location"] == referral.get_absolute_url()


def test_the_receiving_side_takes_steps_with_the_buttons_and_the_sender_is_refused(
    login: Any, referral: Referral, lead_admin: User, county_admin: User
) -> None:
    detail = login(lead_admin).get(referral.get_absolute_url()).content.decode()
    assert "接收" in detail and f"/referrals/{referral.pk}/accept/" in detail
    assert (
        f"/referrals/{referral.pk}/accept/" not in login(county_admin).get(referral.get_absolute_url()).content.decode()
    )
    refused = login(county_admin).post(f"/referrals/{referral.pk}/accept/", follow=True).content.decode()
    assert "只有接收方（山西医科大学第二医院）可以“接收”" in refused
    login(lead_admin).post(f"/referrals/{referral.pk}/decline/", {"note": "床位已满"})
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DECLINED and referral.closing_note == "床位已满"
    assert "床位已满" in login(county_admin).get(referral.get_absolute_url()).content.decode()


def test_the_figures_page_draws_with_the_local_echarts(login: Any, referral: Referral, county_officer: User) -> None:
    page = login(county_officer).get(f"/referrals/figures/?year={referral.requested_at.year}").content.decode()
    assert "/static/vendor/echarts/echarts.min.js" in page and "cdn" not in page.lower()
    assert "高平市人民医院" in page and 'id="figures-data"' in page


def test_a_consultation_is_requested_from_the_page_and_answered_by_the_expert_side(
    login: Any,
    alliance: Programme,
    county_admin: User,
    lead_admin: User,
    county: Institution,
    lead: Institution,
    lead_expert: Professional,
) -> None:
    form = {
        "requesting_institution": county.pk,
        "kind": "imaging",
        "consulting_institution": lead.name,
        "consulting_expert": "钱专家",
        "patient_sex": "9",
        "question": "髋关节MRI，请协助阅片",
    }
    response = login(county_admin).post("/referrals/consultations/new/", form)
    consultation = Consultation.objects.get()
    assert response["Location"] == consultation.get_absolute_url()
    lead_client = login(lead_admin)
    assert "出具意见" in lead_client.get(consultation.get_absolute_url()).content.decode()
    lead_client.post(f"/referrals/consultations/{consultation.pk}/opinion/", {"opinion": "股骨头坏死 II 期"})
    consultation.refresh_from_db()
    assert consultation.status == "completed" and consultation.opinion == "股骨头坏死 II 期"
    assert (
        "股骨头坏死 II 期"
        in login(county_admin).get("/referrals/consultations/" + str(consultation.pk) + "/").content.decode()
    )
    listed = login(county_admin).get("/referrals/consultations/?kind=imaging").content.decode()
    assert consultation.number in listed


def test_empty_pages_say_so(login: Any, county_admin: User) -> None:
    client = login(county_admin)
    assert "还没有转诊记录" in client.get("/referrals/").content.decode()
    assert "还没有远程会诊记录" in client.get("/referrals/consultations/").content.decode()
