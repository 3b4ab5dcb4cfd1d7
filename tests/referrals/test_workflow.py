"""The referral workflow as its users meet it: who may take which step, in which
order, with which deadline — and the refusals, in Chinese, when a step is wrong."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from medbridge.accounts.models import User
from medbridge.directory.models import HospitalGrade, Institution
from medbridge.programmes.models import Programme
from medbridge.referrals import selectors, services
from medbridge.referrals.models import Referral, ReferralStatus, Urgency
from tests.factories import InstitutionFactory, region
from tests.referrals.conftest import PATIENT, referral_data


def test_an_upward_referral_goes_from_request_to_completion_with_a_timestamp_per_step(
    referral: Referral, lead_admin: User
) -> None:
    assert referral.direction == "up"
    assert referral.programme is not None and not referral.outside_network
    for action in ("accept", "arrive", "complete"):
        referral = services.referral_transition(actor=lead_admin, referral=referral, action=action)
    assert referral.status == ReferralStatus.COMPLETED
    assert referral.requested_at <= referral.accepted_at <= referral.arrived_at <= referral.completed_at  # type: ignore[operator]
    assert list(referral.events.values_list("action", flat=True)) == ["request", "accept", "arrive", "complete"]


def test_the_sender_cannot_accept_its_own_referral(referral: Referral, county_admin: User) -> None:
    with pytest.raises(PermissionDenied, match="只有接收方（山西医科大学第二医院）可以“接收”"):
        services.referral_transition(actor=county_admin, referral=referral, action="accept")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.REQUESTED


def test_a_declined_referral_cannot_be_completed(referral: Referral, lead_admin: User) -> None:
    services.referral_transition(actor=lead_admin, referral=referral, action="decline", note="床位已满")
    with pytest.raises(ValidationError) as error:
        services.referral_transition(actor=lead_admin, referral=referral, action="complete")
    assert error.value.message_dict["status"] == ["当前状态为“已拒绝”，不能“完成”；只有“已到院”状态可以完成"]


def test_a_stale_page_cannot_accept_a_referral_already_declined(referral: Referral, lead_admin: User) -> None:
    stale = Referral.objects.get(pk=referral.pk)
    services.referral_transition(actor=lead_admin, referral=referral, action="decline", note="床位已满")
    with pytest.raises(ValidationError, match="已拒绝"):
        services.referral_transition(actor=lead_admin, referral=stale, action="accept")
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.DECLINED


def test_declining_and_returning_need_a_reason(referral: Referral, lead_admin: User) -> None:
    with pytest.raises(ValidationError) as error:
        services.referral_transition(actor=lead_admin, referral=referral, action="decline", note=" ")
    assert error.value.message_dict == {"note": ["请填写拒绝的原因"]}


def test_a_step_cannot_be_dated_before_the_previous_one(referral: Referral, lead_admin: User) -> None:
    with pytest.raises(ValidationError, match="时间不能早于上一步"):
        services.referral_transition(
            actor=lead_admin, referral=referral, action="accept", at=referral.requested_at - timedelta(hours=1)
        )


def test_direction_follows_the_grades(
    alliance: Programme, lead: Institution, county: Institution, sysadmin: User
) -> None:
    down = services.referral_create(actor=sysadmin, data=referral_data(lead, county))
    assert down.direction == "down"
    twin = InstitutionFactory(
        name="阳城县人民医院", region=region("140522"), grade=HospitalGrade.objects.get(code="2A")
    )
    across = services.referral_create(actor=sysadmin, data=referral_data(county, twin, outside_network=True))
    assert across.direction == "across"


def test_a_referral_outside_any_programme_must_be_flagged(county_admin: User, county: Institution) -> None:
    stranger = InstitutionFactory(name="晋城市人民医院", region=region("140502"))
    with pytest.raises(ValidationError) as error:
        services.referral_create(actor=county_admin, data=referral_data(county, stranger))
    assert "不在同一进行中的合作项目内" in error.value.message_dict["outside_network"][0]
    flagged = services.referral_create(actor=county_admin, data=referral_data(county, stranger, outside_network=True))
    assert flagged.outside_network and flagged.programme is None


def test_diagnosis_codes_must_look_like_icd10(
    alliance: Programme, county_admin: User, county: Institution, lead: Institution
) -> None:
    with pytest.raises(ValidationError) as error:
        services.referral_create(actor=county_admin, data=referral_data(county, lead, diagnosis_code="K802"))
    assert error.value.message_dict["diagnosis_code"] == ["ICD-10 编码格式不正确，应如 K80.2 或 S72.001"]
    ok = services.referral_create(actor=county_admin, data=referral_data(county, lead, diagnosis_code="k80.2"))
    assert ok.diagnosis_code == "K80.2"


def test_a_commission_officer_cannot_send_referrals(
    alliance: Programme, county_officer: User, county: Institution, lead: Institution
) -> None:
    with pytest.raises(PermissionDenied, match="只有“高平市人民医院”的工作人员可以发起转诊"):
        services.referral_create(actor=county_officer, data=referral_data(county, lead))


def test_an_urgent_referral_not_accepted_in_time_is_flagged(
    alliance: Programme, county_admin: User, county: Institution, lead: Institution
) -> None:
    late = services.referral_create(
        actor=county_admin,
        data=referral_data(county, lead, urgency=Urgency.URGENT),
        at=timezone.now() - timedelta(hours=25),
    )
    fresh = services.referral_create(actor=county_admin, data=referral_data(county, lead, urgency=Urgency.URGENT))
    flagged = {r.pk: r.overdue for r in selectors.referral_list(county_admin, selectors.ReferralFilter())}
    assert flagged == {late.pk: True, fresh.pk: False}
    assert late.accept_due_at - late.requested_at == timedelta(hours=24)


def test_the_record_number_is_encrypted_at_rest_and_found_by_its_hash(referral: Referral, county_admin: User) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT patient_record_no FROM referrals_referral WHERE id = %s", [referral.pk])
        stored = cursor.fetchone()[0]
    assert PATIENT["record_no"] not in stored
    found = selectors.referral_list(county_admin, selectors.ReferralFilter(record_no=PATIENT["record_no"]))
    assert [r.pk for r in found] == [referral.pk]
    assert referral.masked_record_no == "GP******01"
