"""Visiting-schedule plans on the database: demand, solve, explain, adjust."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from medbridge.accounts.models import User
from medbridge.directory.models import Department
from medbridge.planning import services
from medbridge.planning.models import PlanStatus, SchedulePlan
from medbridge.programmes.models import Programme
from tests.planning_ui.conftest import with_demand

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 3, 2)


def solved_plan(admin_a: User, programme: Programme, weeks: int = 4) -> SchedulePlan:
    return services.plan_start(
        actor=admin_a, data=services.PlanData(programme=programme, start_date=MONDAY, weeks=weeks)
    )


@pytest.fixture
def plan(admin_a: User, alliance: Programme, county_cardiology: Department, settings: object) -> SchedulePlan:
    settings.IMPORTS_INLINE = True  # type: ignore[attr-defined]
    with_demand(admin_a, alliance, county_cardiology)
    return solved_plan(admin_a, alliance)


def test_a_plan_covers_cardiology_and_explains_the_missing_surgeon(plan: SchedulePlan) -> None:
    assert plan.status == PlanStatus.READY
    sessions = list(plan.sessions.all())
    # Two experts, a visit at most every two weeks each, one session asked a week: all four weeks.
    assert len(sessions) == 4
    assert all(s.specialty.code == "03.04" and s.day.weekday() < 5 for s in sessions)
    (outcome,) = plan.outcomes
    assert outcome["demand"] == 8 and outcome["covered"] == 4
    assert outcome["no_expert"] == 4 and outcome["missing"] == ["普通外科专业"]


def test_moving_a_session_refuses_a_weekend_and_a_day_outside_the_plan(admin_a: User, plan: SchedulePlan) -> None:
    session = plan.sessions.first()
    assert session is not None
    with pytest.raises(ValidationError) as error:
        services.plan_session_move(actor=admin_a, session=session, day=MONDAY + timedelta(days=5))
    assert "工作日" in str(error.value)
    with pytest.raises(ValidationError):
        services.plan_session_move(actor=admin_a, session=session, day=MONDAY + timedelta(weeks=9))
    services.plan_session_move(actor=admin_a, session=session, day=MONDAY + timedelta(days=3))
    session.refresh_from_db()
    assert session.day == MONDAY + timedelta(days=3)


def test_a_plan_needs_demand_and_a_monday(admin_a: User, alliance: Programme) -> None:
    with pytest.raises(ValidationError) as error:
        services.plan_start(
            actor=admin_a, data=services.PlanData(programme=alliance, start_date=MONDAY + timedelta(days=1), weeks=4)
        )
    assert set(error.value.message_dict) == {"start_date", "programme"}


def test_the_plan_page_shows_the_heatmap_and_the_unmet_demand(login: object, admin_a: User, plan: SchedulePlan) -> None:
    client: Client = login(admin_a)  # type: ignore[operator]
    page = client.get(f"/planning/plans/{plan.pk}/").content.decode()
    assert 'id="heatmap"' in page and "echarts.min.js" in page
    assert "没有可派的该专科专家" in page and "普通外科专业" in page
    assert page.count("赵心") + page.count("钱诚") == 4


def test_an_outsider_cannot_see_the_plan(login: object, outsider: User, plan: SchedulePlan) -> None:
    client: Client = login(outsider)  # type: ignore[operator]
    assert client.get(f"/planning/plans/{plan.pk}/").status_code == 404


def test_a_plan_started_from_the_page_is_solved(
    login: object, admin_a: User, alliance: Programme, county_cardiology: Department, settings: object
) -> None:
    settings.IMPORTS_INLINE = True  # type: ignore[attr-defined]
    with_demand(admin_a, alliance, county_cardiology)
    client: Client = login(admin_a)  # type: ignore[operator]
    response = client.post("/planning/plans/new/", {"programme": alliance.pk, "start_date": "2026-03-02", "weeks": 2})
    plan = SchedulePlan.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/planning/plans/{plan.pk}/"
    assert plan.status == PlanStatus.READY and plan.sessions.count() == 2


def test_accepting_creates_clinic_sessions_through_the_host_side(city_officer: User, plan: SchedulePlan) -> None:
    from medbridge.clinics.models import ClinicSession

    assert services.plan_accept(actor=city_officer, plan=plan) == 4
    clinics = ClinicSession.objects.filter(programme=plan.programme)
    assert clinics.count() == 4
    assert {c.department.name for c in clinics} == {"心内科"}
    assert all(c.engagement is not None for c in clinics)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACCEPTED


def test_a_lead_who_does_not_run_the_host_cannot_accept_and_nothing_is_written(
    admin_a: User, plan: SchedulePlan
) -> None:
    from medbridge.clinics.models import ClinicSession

    with pytest.raises(ValidationError) as error:
        services.plan_accept(actor=admin_a, plan=plan)
    assert "长子县人民医院" in str(error.value)
    assert not ClinicSession.objects.exists()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.READY
