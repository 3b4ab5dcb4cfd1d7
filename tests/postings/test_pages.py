"""The posting pages, used as a hospital's medical-affairs office would."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from medbridge.accounts.models import User
from medbridge.directory.models import Department, Institution, Professional
from medbridge.postings.models import Posting, PostingBatch, PostingStatus
from medbridge.programmes.models import Programme
from tests.factories import ProfessionalFactory


def form(
    programme: Programme, person: Professional, host: Institution, start: str, end: str, **extra: str
) -> dict[str, Any]:
    assert person.institution is not None
    return {
        "programme": programme.pk,
        "kind": "stationed",
        "home_institution": person.institution.name,
        "professional": person.name,
        "host_institution": host.name,
        "planned_start": start,
        "planned_end": end,
        **extra,
    }


def test_a_posting_entered_on_the_page_and_an_overlap_shown_on_the_form(
    login: Any,
    weihai_admin: User,
    paired: Programme,
    surgeon: Professional,
    gangcha_hospital: Institution,
    gangcha_surgery: Department,
) -> None:
    client = login(weihai_admin)
    made = client.post(
        "/postings/new/",
        form(paired, surgeon, gangcha_hospital, "2024-03-01", "2024-08-31", host_department="肝胆外科"),
    )
    assert made.status_code == 302
    posting = Posting.objects.get()
    page = client.get(made["Location"]).content.decode()
    assert "孙立" in page and "肝胆外科" in page and "批准派出" in page
    again = client.post("/postings/new/", form(paired, surgeon, gangcha_hospital, "2024-08-01", "2024-12-31"))
    assert again.status_code == 200
    assert "孙立 此期间已有派驻：刚察县人民医院驻点帮扶（2024-03-01–2024-08-31）" in again.content.decode()
    assert Posting.objects.get() == posting


def test_an_unknown_person_or_department_is_named_on_the_form(
    login: Any, weihai_admin: User, paired: Programme, surgeon: Professional, gangcha_hospital: Institution
) -> None:
    data = form(paired, surgeon, gangcha_hospital, "2024-03-01", "2024-08-31", host_department="心外科") | {
        "professional": "查无此人"
    }
    page = login(weihai_admin).post("/postings/new/", data).content.decode()
    assert "“威海市立医院”没有人员“查无此人”" in page and "“刚察县人民医院”没有名为“心外科”的科室" in page


def test_the_host_may_not_approve_but_the_home_hospital_may(
    login: Any, weihai_admin: User, gangcha_admin: User, stationed: Posting
) -> None:
    url = f"/postings/{stationed.pk}/status/"
    assert "批准派出" not in login(gangcha_admin).get(f"/postings/{stationed.pk}/").content.decode()
    assert login(gangcha_admin).post(url, {"to": "approved"}).status_code == 403
    login(weihai_admin).post(url, {"to": "approved"})
    stationed.refresh_from_db()
    assert stationed.status == PostingStatus.APPROVED


def test_cancelling_without_a_reason_is_refused_with_a_message(
    login: Any, weihai_admin: User, stationed: Posting
) -> None:
    client = login(weihai_admin)
    page = client.post(
        f"/postings/{stationed.pk}/status/", {"to": "cancelled", "reason": ""}, follow=True
    ).content.decode()
    assert "请填写原因" in page
    stationed.refresh_from_db()
    assert stationed.status == PostingStatus.PLANNED


def test_an_officer_of_another_city_sees_nothing(login: Any, city_officer: User, stationed: Posting) -> None:
    client = login(city_officer)
    assert client.get(f"/postings/{stationed.pk}/").status_code == 404
    assert "孙立" not in client.get("/postings/").content.decode()


def test_a_batch_of_five_for_six_months_in_one_form(
    login: Any,
    weihai_admin: User,
    weihai_officer: User,
    paired: Programme,
    weihai_hospital: Institution,
    gangcha_hospital: Institution,
    weihai_surgery: Department,
    gangcha_surgery: Department,
) -> None:
    people = [ProfessionalFactory(institution=weihai_hospital, department=weihai_surgery) for _ in range(5)]
    data = {
        "programme": paired.pk,
        "kind": "stationed",
        "number": 12,
        "planned_start": "2025-03-01",
        "months": 6,
        "home_institution": weihai_hospital.name,
        "host_institution": gangcha_hospital.name,
        "members": "\n".join(p.name for p in people),
    }
    made = login(weihai_admin).post("/postings/batches/new/", data)
    assert made.status_code == 302, made.content.decode()
    batch = PostingBatch.objects.get(number=12)
    assert batch.planned_end.isoformat() == "2025-08-31"
    assert {p.host_department for p in batch.postings.all()} == {gangcha_surgery}
    page = login(weihai_officer).get(made["Location"]).content.decode()
    assert "批准本批次" in page
    login(weihai_officer).post(f"/postings/batches/{batch.pk}/approve/")
    assert set(batch.postings.values_list("status", flat=True)) == {PostingStatus.APPROVED}


def test_a_worklog_is_written_on_the_page(login: Any, weihai_admin: User, stationed: Posting) -> None:
    from medbridge.postings import services

    services.posting_bring_to(
        actor=weihai_admin, posting=stationed, status=PostingStatus.ACTIVE, actual_start=stationed.planned_start
    )
    client = login(weihai_admin)
    data = {
        "day": "2024-04-02",
        "patients_seen": 40,
        "surgeries_performed": 2,
        "surgeries_assisted": 1,
        "lectures": 1,
        "staff_trained": 12,
        "teaching_rounds": 2,
        "new_techniques": "ERCP、腹腔镜胆囊切除术",
    }
    assert client.post(f"/postings/{stationed.pk}/logs/new/", data).status_code == 302
    page = client.get(f"/postings/{stationed.pk}/").content.decode()
    assert "ERCP" in page and "腹腔镜胆囊切除术" in page and ">40<" in page


def test_the_home_page_reminds_of_postings_ending_soon(
    login: Any, weihai_admin: User, paired: Programme, surgeon: Professional, gangcha_hospital: Institution
) -> None:
    from datetime import timedelta

    from medbridge.postings import services
    from tests.postings.conftest import stationed_data

    today = timezone.localdate()
    posting = services.posting_create(
        actor=weihai_admin,
        data=stationed_data(paired, surgeon, gangcha_hospital, today - timedelta(days=150), today + timedelta(days=10)),
    )
    services.posting_bring_to(
        actor=weihai_admin, posting=posting, status=PostingStatus.ACTIVE, actual_start=posting.planned_start
    )
    page = login(weihai_admin).get("/").content.decode()
    assert "即将期满" in page and "孙立 在刚察县人民医院的驻点帮扶将于" in page


def test_a_trainee_keeps_their_career_plan_on_the_profile(login: Any, county_doctor: Professional) -> None:
    from medbridge.accounts.models import Role
    from medbridge.postings.models import CareerGoal
    from tests.factories import UserFactory

    me = UserFactory(role=Role.PROFESSIONAL, professional=county_doctor)
    client = login(me)
    url = f"/postings/people/{county_doctor.pk}/"
    assert (
        client.post(
            url + "goals/new/", {"goal": "取得主治医师职称", "target_date": "2027-12-31", "status": "planned"}
        ).status_code
        == 302
    )
    goal = CareerGoal.objects.get()
    client.post(url + f"goals/{goal.pk}/status/", {"status": "achieved"})
    goal.refresh_from_db()
    assert goal.status == "achieved"
    assert "取得主治医师职称" in client.get(url).content.decode()


def test_someone_elses_profile_is_not_found(login: Any, outsider: User, county_doctor: Professional) -> None:
    assert login(outsider).get(f"/postings/people/{county_doctor.pk}/").status_code == 404
