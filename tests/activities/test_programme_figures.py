"""Activities feed their programmes: figures add up into the programme's totals,
shown on the programme page, and each activity appears on the timeline."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from medbridge.accounts.models import User
from medbridge.activities import selectors, services
from medbridge.activities.models import ActivityKind, HostRole
from medbridge.directory.models import Institution
from medbridge.programmes import services as programme_services
from medbridge.programmes.models import PartyRole, Programme, ProgrammeKind
from medbridge.programmes.selectors import programme_timeline


@pytest.fixture
def alliance(admin_a: User, hospital_a: Institution) -> Programme:
    return programme_services.programme_create(
        actor=admin_a,
        data=programme_services.ProgrammeData(
            kind=ProgrammeKind.SPECIALTY_ALLIANCE, name="骨科专科联盟", start_date=date(2021, 9, 1)
        ),
        first_party=programme_services.PartyData(institution=hospital_a, role=PartyRole.LEAD),
    )


def _activity(
    actor: User, host: Institution, programmes: list[Programme], kind: str, title: str, **figures: Any
) -> None:
    services.activity_create(
        actor=actor,
        data=services.ActivityData(
            kind=kind,
            title=title,
            start_date=date(2025, 3, 28),
            programmes=programmes,
            hosts=[services.HostData(host, HostRole.HOST)],
            venue=host,
            **figures,
        ),
    )


def test_activity_figures_add_up_into_the_programme_totals(
    admin_a: User, hospital_a: Institution, alliance: Programme
) -> None:
    other = programme_services.programme_create(
        actor=admin_a,
        data=programme_services.ProgrammeData(kind=ProgrammeKind.OTHER, name="另一个项目", start_date=date(2021, 1, 1)),
        first_party=programme_services.PartyData(institution=hospital_a, role=PartyRole.LEAD),
    )
    _activity(admin_a, hospital_a, [alliance], ActivityKind.LECTURE, "脊柱微创讲座", attendance_count=300)
    _activity(admin_a, hospital_a, [alliance], ActivityKind.LECTURE, "关节置换讲座", attendance_count=220)
    _activity(
        admin_a,
        hospital_a,
        [alliance, other],
        ActivityKind.FREE_CLINIC,
        "义诊",
        patients_served=126,
        attendance_count=30,
    )
    _activity(admin_a, hospital_a, [other], ActivityKind.LECTURE, "别的讲座", attendance_count=1000)
    figures = selectors.activity_figures_by_programme([alliance.pk, other.pk])
    assert figures[alliance.pk] == selectors.ActivityFigures(
        activities=3, attendance=550, free_clinic_patients=126, lectures=2
    )
    assert figures[other.pk] == selectors.ActivityFigures(
        activities=2, attendance=1030, free_clinic_patients=126, lectures=1
    )


def test_the_programme_page_shows_the_totals_and_the_timeline_lists_the_activities(
    login: Any, admin_a: User, hospital_a: Institution, alliance: Programme
) -> None:
    _activity(admin_a, hospital_a, [alliance], ActivityKind.LECTURE, "学术讲座（高平站）", attendance_count=520)
    _activity(admin_a, hospital_a, [alliance], ActivityKind.FREE_CLINIC, "专家义诊", patients_served=126)
    events = {(e.day, e.kind, e.title) for e in programme_timeline(alliance) if e.url.startswith("/activities/")}
    assert events == {(date(2025, 3, 28), "讲座", "学术讲座（高平站）"), (date(2025, 3, 28), "义诊", "专家义诊")}
    html = login(admin_a).get(f"/programmes/{alliance.pk}/").content.decode()
    figures = html[html.index("programme-figures") :]
    assert "520" in figures and "126" in figures
    timeline = html[html.index('class="timeline"') :]
    assert "学术讲座（高平站）" in timeline and "专家义诊" in timeline


def test_a_programme_without_activities_invites_to_record_one(login: Any, admin_a: User, alliance: Programme) -> None:
    html = login(admin_a).get(f"/programmes/{alliance.pk}/").content.decode()
    assert "本项目尚未登记活动" in html
