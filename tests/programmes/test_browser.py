"""A Shandong hospital's medical-affairs officer opens its paired-assistance programme,
reads the timeline and follows it to the expert workstation, in Debian's chromium
driven by Playwright."""

from __future__ import annotations

from datetime import date
from typing import Any

from medbridge.accounts.models import User
from medbridge.directory.models import Institution
from medbridge.programmes import services
from medbridge.programmes.models import Programme, StationKind
from tests.browser import BROWSER_MARKS
from tests.factories import ProfessionalFactory

pytestmark = BROWSER_MARKS


def _open_workstation(actor: User, programme: Programme, host: Institution) -> None:
    station = services.station_create(
        actor=actor,
        data=services.StationData(
            programme=programme,
            kind=StationKind.EXPERT_WORKSTATION,
            name="刚察县人民医院专家工作站",
            host=host,
            opened_on=date(2019, 7, 1),
            plaque_text="威海市立医院专家工作站",
        ),
    )
    expert = ProfessionalFactory(name="孙立", institution=programme.parties.get(role="lead").institution)
    services.engagement_create(
        actor=actor,
        data=services.EngagementData(
            professional=expert, programme=programme, station=station, start_date=date(2019, 7, 1)
        ),
    )


def test_an_officer_reads_the_timeline_and_opens_the_workstation(
    page: Any,
    live_server: Any,
    weihai_admin: User,
    gangcha_hospital: Institution,
    paired_programme: Programme,
    password: str,
) -> None:
    _open_workstation(weihai_admin, paired_programme, gangcha_hospital)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "weihai_admin")
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.click("nav.main >> text=项目")
    page.click("table.list >> text=威海—刚察对口帮扶")
    timeline = page.locator("ol.timeline").inner_text()
    assert "项目启动" in timeline and "聘任专家 1 名" in timeline
    page.click("ol.timeline >> text=刚察县人民医院专家工作站")
    assert page.locator("h1").inner_text().startswith("刚察县人民医院专家工作站")
    assert page.locator(".plaque").inner_text() == "威海市立医院专家工作站"
    assert "孙立" in page.locator("table.experts").first.inner_text()
