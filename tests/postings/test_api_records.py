"""A posting's records read across postings through /api/v1/: techniques, work logs,
evaluations, batches and career plans, filtered, paged, and scoped like the posting."""

from __future__ import annotations

from datetime import date
from typing import Any

from medbridge.accounts.models import User
from medbridge.directory.models import Professional
from medbridge.postings.models import CareerGoal, Posting, Technique, WorkLog


def test_work_logs_are_filtered_by_person_and_date_across_postings(
    login: Any, weihai_admin: User, gangcha_officer: User, fuqing_admin: User, stationed: Posting
) -> None:
    for day in (date(2024, 3, 4), date(2024, 3, 5), date(2024, 4, 1)):
        WorkLog.objects.create(posting=stationed, day=day, patients_seen=12)
    client = login(gangcha_officer)  # the receiving county's commission
    march = client.get("/api/v1/work-logs", {"professional": stationed.professional_id, "date_to": "2024-03-31"})
    assert march.json()["count"] == 2
    assert {row["posting_id"] for row in march.json()["items"]} == {stationed.pk}
    one = march.json()["items"][0]
    assert client.get(f"/api/v1/work-logs/{one['id']}").json()["patients_seen"] == 12
    assert login(fuqing_admin).get(f"/api/v1/work-logs/{one['id']}").status_code == 404
    assert login(fuqing_admin).get("/api/v1/work-logs").json()["count"] == 0


def test_new_techniques_name_the_host_they_were_brought_to(login: Any, gangcha_admin: User, stationed: Posting) -> None:
    Technique.objects.create(posting=stationed, name="腹腔镜胆囊切除术", first_on=date(2024, 5, 10))
    [row] = login(gangcha_admin).get("/api/v1/techniques", {"programme": stationed.programme_id}).json()["items"]
    assert (row["name"], row["host_institution_id"]) == ("腹腔镜胆囊切除术", stationed.host_institution_id)
    assert login(gangcha_admin).get("/api/v1/techniques", {"date_from": "2024-06-01"}).json()["count"] == 0


def test_a_batch_has_a_detail_and_an_unknown_one_is_missing(login: Any, weihai_admin: User) -> None:
    response = login(weihai_admin).get("/api/v1/posting-batches/999999")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_career_goals_are_read_with_the_profile_and_filtered_by_status(
    login: Any, weihai_admin: User, fuqing_admin: User, surgeon: Professional
) -> None:
    CareerGoal.objects.create(professional=surgeon, goal="晋升副主任医师", target_date=date(2027, 1, 1))
    done = CareerGoal.objects.create(
        professional=surgeon, goal="独立完成腹腔镜手术", target_date=date(2025, 1, 1), status="achieved"
    )
    client = login(weihai_admin)
    body = client.get("/api/v1/career-goals", {"professional": surgeon.pk, "status": "achieved"}).json()
    assert [g["goal"] for g in body["items"]] == ["独立完成腹腔镜手术"]
    assert login(fuqing_admin).get(f"/api/v1/career-goals/{done.pk}").status_code == 404


def test_the_evaluation_form_is_published_with_its_weights(login: Any, weihai_admin: User) -> None:
    body = login(weihai_admin).get("/api/v1/evaluation-criteria", {"active": True}).json()
    assert body["count"] >= 1
    first = body["items"][0]
    assert login(weihai_admin).get(f"/api/v1/evaluation-criteria/{first['id']}").json()["weight"] == first["weight"]
