"""A round's departments, applications and rankings, a programme's clinic demands
and a plan's sessions, read across rounds and plans through /api/v1/; each is as
visible as its programme."""

from __future__ import annotations

from datetime import date
from typing import Any

from medbridge.accounts.models import User
from medbridge.directory.models import Institution
from medbridge.planning.models import (
    Application,
    DepartmentRanking,
    HostDemand,
    MatchingRound,
    PlannedSession,
    RoundDepartment,
    SchedulePlan,
)
from medbridge.programmes.models import Programme
from tests.factories import DepartmentFactory, ProfessionalFactory, specialty


def test_a_rounds_parts_are_filtered_by_round_and_hidden_from_outsiders(
    login: Any,
    weihai_admin: User,
    fuqing_admin: User,
    paired_programme: Programme,
    weihai_hospital: Institution,
    gangcha_hospital: Institution,
) -> None:
    round_ = MatchingRound.objects.create(
        programme=paired_programme,
        kind="training",
        title="2026 年进修",
        placement_start=date(2026, 3, 1),
        placement_end=date(2026, 8, 31),
    )
    department = RoundDepartment.objects.create(
        round=round_, department=DepartmentFactory(institution=weihai_hospital, name="超声科"), quota=2, rule="manual"
    )
    applicant = ProfessionalFactory(name="马成", institution=gangcha_hospital)
    application = Application.objects.create(round=round_, professional=applicant, home_institution=gangcha_hospital)
    ranking = DepartmentRanking.objects.create(department=department, application=application, rank=1)
    client = login(weihai_admin)
    [row] = client.get("/api/v1/round-departments", {"round": round_.pk}).json()["items"]
    assert (row["name"], row["quota"]) == ("威海市立医院·超声科", 2)
    assert client.get("/api/v1/applications", {"round": round_.pk, "placed": False}).json()["count"] == 1
    assert client.get("/api/v1/applications", {"round": round_.pk, "placed": True}).json()["count"] == 0
    assert client.get(f"/api/v1/department-rankings/{ranking.pk}").json()["round_id"] == round_.pk
    hidden = [
        ("round-departments", department.pk),
        ("applications", application.pk),
        ("department-rankings", ranking.pk),
    ]
    for path, pk in hidden:
        assert login(fuqing_admin).get(f"/api/v1/{path}/{pk}").status_code == 404


def test_demands_and_planned_sessions_are_filtered_by_programme_and_day(
    login: Any, weihai_admin: User, fuqing_admin: User, paired_programme: Programme, gangcha_hospital: Institution
) -> None:
    ward = DepartmentFactory(institution=gangcha_hospital, name="心内科")
    cardiology = specialty("03.04")
    demand = HostDemand.objects.create(
        programme=paired_programme, department=ward, specialty=cardiology, sessions_per_week=2, weight=3
    )
    plan = SchedulePlan.objects.create(programme=paired_programme, start_date=date(2026, 3, 2), weeks=2, status="ready")
    expert = ProfessionalFactory(name="周主任")
    for day in (date(2026, 3, 3), date(2026, 3, 10)):
        PlannedSession.objects.create(plan=plan, expert=expert, department=ward, specialty=cardiology, day=day)
    client = login(weihai_admin)
    [row] = client.get("/api/v1/host-demands", {"programme": paired_programme.pk, "specialty": "03.04"}).json()["items"]
    assert (row["id"], row["sessions_per_week"], row["department_name"]) == (demand.pk, 2, "心内科")
    week_two = client.get("/api/v1/planned-sessions", {"plan": plan.pk, "date_from": "2026-03-09"}).json()
    assert [s["day"] for s in week_two["items"]] == ["2026-03-10"]
    assert login(fuqing_admin).get(f"/api/v1/host-demands/{demand.pk}").status_code == 404
    assert login(fuqing_admin).get("/api/v1/planned-sessions").json()["count"] == 0
