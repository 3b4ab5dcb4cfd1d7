"""The posting rules, called the way pages, the API, the importer and the CLI call them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from medbridge.accounts.models import User
from medbridge.directory.models import Department, Institution, Professional
from medbridge.postings import selectors, services
from medbridge.postings.models import (
    EvaluationCriterion,
    EvaluationPeriod,
    EvaluatorRole,
    Posting,
    PostingBatch,
    PostingKind,
    PostingStatus,
)
from medbridge.programmes.models import Programme
from tests.factories import ProfessionalFactory
from tests.postings.conftest import stationed_data


def messages(excinfo: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(m for ms in excinfo.value.message_dict.values() for m in ms)


def scores(value: int = 90) -> dict[int, int]:
    return {c.pk: value for c in EvaluationCriterion.objects.filter(active=True)}


# --- People's time ------------------------------------------------------------------


def test_it_refuses_a_second_posting_that_overlaps_the_first(
    weihai_admin: User, stationed: Posting, paired: Programme, surgeon: Professional, gangcha_hospital: Institution
) -> None:
    data = stationed_data(paired, surgeon, gangcha_hospital, date(2024, 8, 1), date(2025, 1, 31))
    with pytest.raises(ValidationError) as excinfo:
        services.posting_create(actor=weihai_admin, data=data)
    assert "孙立 此期间已有派驻：刚察县人民医院驻点帮扶（2024-03-01–2024-08-31）" in messages(excinfo)
    assert Posting.objects.count() == 1


def test_a_cancelled_posting_no_longer_holds_the_persons_time(
    weihai_admin: User, stationed: Posting, paired: Programme, surgeon: Professional, gangcha_hospital: Institution
) -> None:
    services.posting_transition(actor=weihai_admin, posting=stationed, to=PostingStatus.CANCELLED, reason="因病")
    data = stationed_data(paired, surgeon, gangcha_hospital, date(2024, 3, 1), date(2024, 8, 31))
    assert services.posting_create(actor=weihai_admin, data=data).status == PostingStatus.PLANNED


def test_visiting_elsewhere_while_stationed_is_refused_but_visiting_the_same_host_is_not(
    weihai_admin: User,
    stationed: Posting,
    paired: Programme,
    surgeon: Professional,
    gangcha_hospital: Institution,
    weihai_hospital: Institution,
) -> None:
    other = ProfessionalFactory(institution=gangcha_hospital)  # somewhere else to visit: a third party
    third = other.institution
    from medbridge.programmes import services as programme_services
    from medbridge.programmes.models import PartyRole

    site = ProfessionalFactory().institution
    programme_services.party_add(
        actor=weihai_admin,
        programme=paired,
        data=programme_services.PartyData(institution=site, role=PartyRole.RECIPIENT),
    )
    elsewhere = stationed_data(paired, surgeon, site, date(2024, 5, 1), date(2024, 5, 31), kind=PostingKind.VISITING)
    with pytest.raises(ValidationError) as excinfo:
        services.posting_create(actor=weihai_admin, data=elsewhere)
    assert "正在刚察县人民医院驻点帮扶" in messages(excinfo)
    same_host = stationed_data(
        paired, surgeon, gangcha_hospital, date(2024, 5, 1), date(2024, 5, 31), kind=PostingKind.VISITING
    )
    assert services.posting_create(actor=weihai_admin, data=same_host).kind == PostingKind.VISITING
    assert third == gangcha_hospital


def test_the_plan_must_lie_inside_the_programme_and_between_its_parties(
    weihai_admin: User, paired: Programme, surgeon: Professional, hospital_b: Institution
) -> None:
    data = stationed_data(paired, surgeon, hospital_b, date(2012, 1, 1), date(2011, 6, 30))
    with pytest.raises(ValidationError) as excinfo:
        services.posting_create(actor=weihai_admin, data=data)
    assert set(excinfo.value.message_dict) == {"host_institution", "planned_start", "planned_end"}
    assert "接收单位须为该项目的参与单位" in messages(excinfo)


def test_the_mentor_comes_from_the_host_and_the_liaison_from_home(
    weihai_admin: User,
    paired: Programme,
    county_doctor: Professional,
    weihai_hospital: Institution,
    liaison: Professional,
) -> None:
    data = stationed_data(
        paired,
        county_doctor,
        weihai_hospital,
        date(2024, 3, 1),
        date(2024, 5, 31),
        kind=PostingKind.ATTACHMENT,
        mentor=liaison,
        liaison=liaison,
    )
    with pytest.raises(ValidationError) as excinfo:
        services.posting_create(actor=weihai_admin, data=data)
    assert excinfo.value.message_dict["mentor"] == ["带教老师须为接收单位的人员"]


# --- Status and roles ---------------------------------------------------------------


def test_the_home_administrator_approves_sending_and_the_host_cannot(
    weihai_admin: User, gangcha_admin: User, stationed: Posting
) -> None:
    with pytest.raises(PermissionDenied):
        services.posting_transition(actor=gangcha_admin, posting=stationed, to=PostingStatus.APPROVED)
    approved = services.posting_transition(actor=weihai_admin, posting=stationed, to=PostingStatus.APPROVED)
    assert approved.status == PostingStatus.APPROVED and approved.approved_by == weihai_admin


def test_an_officer_approves_a_batch_but_not_a_lone_posting(
    weihai_officer: User, weihai_admin: User, stationed: Posting, paired: Programme, gangcha_hospital: Institution
) -> None:
    with pytest.raises(PermissionDenied):
        services.posting_transition(actor=weihai_officer, posting=stationed, to=PostingStatus.APPROVED)
    people = [ProfessionalFactory(institution=stationed.home_institution) for _ in range(3)]
    batch = services.batch_create(
        actor=weihai_admin,
        data=services.BatchData(paired, PostingKind.STATIONED, 12, date(2025, 3, 1), date(2025, 8, 31)),
        members=[services.BatchMember(p, stationed.home_institution, gangcha_hospital) for p in people],
    )
    with pytest.raises(PermissionDenied):
        services.batch_approve(actor=weihai_admin, batch=batch)
    assert services.batch_approve(actor=weihai_officer, batch=batch) == 3
    assert set(batch.postings.values_list("status", flat=True)) == {PostingStatus.APPROVED}


def test_a_professional_cannot_change_a_postings_status(stationed: Posting, surgeon: Professional) -> None:
    from medbridge.accounts.models import Role
    from tests.factories import UserFactory

    me = UserFactory(role=Role.PROFESSIONAL, professional=surgeon)
    for to in (PostingStatus.APPROVED, PostingStatus.CANCELLED):
        with pytest.raises(PermissionDenied):
            services.posting_transition(actor=me, posting=stationed, to=to, reason="x")
    stationed.refresh_from_db()
    assert stationed.status == PostingStatus.PLANNED


def test_illegal_steps_and_missing_reasons_are_refused(weihai_admin: User, stationed: Posting) -> None:
    with pytest.raises(ValidationError) as excinfo:
        services.posting_transition(actor=weihai_admin, posting=stationed, to=PostingStatus.COMPLETED)
    assert "“计划中”的派驻不能改为“已完成”" in messages(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        services.posting_transition(actor=weihai_admin, posting=stationed, to=PostingStatus.CANCELLED, reason=" ")
    assert excinfo.value.message_dict == {"status_reason": ["请填写原因"]}


def test_actual_dates_must_stay_near_the_plan(weihai_admin: User, stationed: Posting) -> None:
    services.posting_transition(actor=weihai_admin, posting=stationed, to=PostingStatus.APPROVED)
    with pytest.raises(ValidationError) as excinfo:
        services.posting_transition(actor=weihai_admin, posting=stationed, to=PostingStatus.ACTIVE, on=date(2024, 9, 1))
    assert "相差超过90天" in messages(excinfo)
    stationed.refresh_from_db()
    assert stationed.status == PostingStatus.APPROVED and stationed.actual_start is None


def test_history_is_walked_to_its_recorded_state(weihai_admin: User, stationed: Posting) -> None:
    done = services.posting_bring_to(
        actor=weihai_admin,
        posting=stationed,
        status=PostingStatus.COMPLETED,
        actual_start=date(2024, 3, 4),
        actual_end=date(2024, 9, 2),
    )
    assert (done.status, done.actual_start, done.actual_end) == (
        PostingStatus.COMPLETED,
        date(2024, 3, 4),
        date(2024, 9, 2),
    )


# --- Batches --------------------------------------------------------------------------


def test_a_batch_with_one_unavailable_member_writes_nothing(
    weihai_admin: User, stationed: Posting, paired: Programme, surgeon: Professional, gangcha_hospital: Institution
) -> None:
    free = ProfessionalFactory(name="钱进", institution=stationed.home_institution)
    home = stationed.home_institution
    with pytest.raises(ValidationError) as excinfo:
        services.batch_create(
            actor=weihai_admin,
            data=services.BatchData(paired, PostingKind.STATIONED, 3, date(2024, 6, 1), date(2024, 11, 30)),
            members=[
                services.BatchMember(free, home, gangcha_hospital),
                services.BatchMember(surgeon, home, gangcha_hospital),
            ],
        )
    assert messages(excinfo).startswith("孙立：孙立 此期间已有派驻")
    assert not PostingBatch.objects.exists() and Posting.objects.count() == 1


def test_a_batch_relieves_only_an_earlier_batch_once(weihai_admin: User, paired: Programme) -> None:
    first = services.batch_create(
        actor=weihai_admin,
        data=services.BatchData(paired, PostingKind.STATIONED, 1, date(2024, 1, 1), date(2024, 6, 30)),
        members=[
            services.BatchMember(
                ProfessionalFactory(institution=paired.parties.first().institution),
                paired.parties.first().institution,
                paired.parties.last().institution,
            )
        ],  # type: ignore[union-attr]
    )
    second_data = services.BatchData(
        paired, PostingKind.STATIONED, 2, date(2024, 7, 1), date(2024, 12, 31), relieves=first
    )
    services.batch_validate(second_data)
    PostingBatch.objects.create(
        programme=paired,
        kind=PostingKind.STATIONED,
        number=2,
        planned_start=date(2024, 7, 1),
        planned_end=date(2024, 12, 31),
        relieves=first,
    )
    third = services.BatchData(paired, PostingKind.STATIONED, 3, date(2025, 1, 1), date(2025, 6, 30), relieves=first)
    with pytest.raises(ValidationError) as excinfo:
        services.batch_validate(third)
    assert excinfo.value.message_dict == {"relieves": ["第1批已有接替批次"]}


# --- Logs and evaluations -----------------------------------------------------------------


@pytest.fixture
def attachment(
    weihai_admin: User,
    gangcha_admin: User,
    paired: Programme,
    county_doctor: Professional,
    weihai_hospital: Institution,
    weihai_surgery: Department,
    mentor: Professional,
    liaison: Professional,
) -> Posting:
    data = stationed_data(
        paired,
        county_doctor,
        weihai_hospital,
        date(2024, 1, 1),
        date(2024, 6, 30),
        kind=PostingKind.ATTACHMENT,
        host_department=weihai_surgery,
        mentor=mentor,
        liaison=liaison,
    )
    posting = services.posting_create(actor=weihai_admin, data=data)
    return services.posting_bring_to(
        actor=gangcha_admin,
        posting=posting,
        status=PostingStatus.COMPLETED,
        actual_start=date(2024, 1, 2),
        actual_end=date(2024, 6, 28),
    )


def test_a_work_log_outside_the_posting_is_refused_and_techniques_are_kept(
    gangcha_admin: User, attachment: Posting
) -> None:
    with pytest.raises(ValidationError) as excinfo:
        services.worklog_add(actor=gangcha_admin, posting=attachment, data=services.WorkLogData(day=date(2024, 7, 15)))
    assert "日期须在派驻期间（2024-01-02–2024-06-28）" in messages(excinfo)
    services.worklog_add(
        actor=gangcha_admin,
        posting=attachment,
        data=services.WorkLogData(
            day=date(2024, 3, 5), patients_seen=20, surgeries_assisted=2, new_techniques=["腹腔镜胆囊切除术", " "]
        ),
    )
    assert list(attachment.techniques.values_list("name", "first_on")) == [("腹腔镜胆囊切除术", date(2024, 3, 5))]
    assert selectors.log_totals(attachment.logs.all()).patients_seen == 20


def test_evaluations_need_every_criterion_and_the_right_evaluator(
    weihai_admin: User, gangcha_admin: User, attachment: Posting
) -> None:
    data = services.EvaluationData(EvaluationPeriod.MONTHLY, date(2024, 2, 1), EvaluatorRole.MENTOR, scores={})
    with pytest.raises(ValidationError) as excinfo:
        services.evaluation_add(actor=weihai_admin, posting=attachment, data=data)
    assert excinfo.value.message_dict == {"scores": ["请为每个考核项目打分"]}
    data.scores = scores(80)
    with pytest.raises(PermissionDenied):
        services.evaluation_add(actor=gangcha_admin, posting=attachment, data=data)  # home side, mentor's form
    evaluation = services.evaluation_add(actor=weihai_admin, posting=attachment, data=data)
    assert evaluation.score == 80 and evaluation.evaluator.name == "周主任"


def test_the_score_is_weighted_by_criterion(weihai_admin: User, attachment: Posting) -> None:
    criteria = list(EvaluationCriterion.objects.filter(active=True))
    given = {c.pk: (100 if c.name == "临床能力" else 50) for c in criteria}
    data = services.EvaluationData(EvaluationPeriod.MONTHLY, date(2024, 2, 1), EvaluatorRole.MENTOR, scores=given)
    evaluation = services.evaluation_add(actor=weihai_admin, posting=attachment, data=data)
    clinical = next(c.weight for c in criteria if c.name == "临床能力")
    total = sum(c.weight for c in criteria)
    expected = (100 * clinical + 50 * (total - clinical)) / total
    assert float(evaluation.score) == pytest.approx(expected, abs=0.05)


# --- Reminders ----------------------------------------------------------------------------


def test_reminders_name_what_ends_soon_what_is_late_and_batches_without_relief(
    weihai_admin: User,
    gangcha_admin: User,
    paired: Programme,
    county_doctor: Professional,
    weihai_hospital: Institution,
    mentor: Professional,
    gangcha_hospital: Institution,
) -> None:
    today = timezone.localdate()
    start = today - timedelta(days=100)
    data = stationed_data(
        paired,
        county_doctor,
        weihai_hospital,
        start,
        today + timedelta(days=20),
        kind=PostingKind.ATTACHMENT,
        mentor=mentor,
    )
    posting = services.posting_create(actor=weihai_admin, data=data)
    services.posting_bring_to(actor=gangcha_admin, posting=posting, status=PostingStatus.ACTIVE, actual_start=start)
    home = weihai_hospital
    services.batch_create(
        actor=weihai_admin,
        data=services.BatchData(
            paired, PostingKind.STATIONED, 7, today - timedelta(days=150), today + timedelta(days=30)
        ),
        members=[services.BatchMember(ProfessionalFactory(institution=home), home, gangcha_hospital)],
    )
    kinds = {r.kind: r.text for r in selectors.reminders(weihai_admin, today)}
    assert kinds["ending"].startswith("马成 在威海市立医院的挂职学习将于")
    assert kinds["evaluation"] == "马成 的带教老师月度考核逾期未填"
    assert "第7批将于" in kinds["relief"] and "尚无接替批次" in kinds["relief"]
