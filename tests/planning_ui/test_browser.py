"""Through the pages in a browser: a matching round is run, reviewed and published,
and a schedule plan is built, seen as a heatmap, adjusted and accepted."""

from __future__ import annotations

from typing import Any

from medbridge.accounts.models import User
from medbridge.clinics.models import ClinicSession
from medbridge.directory.models import Department
from medbridge.postings.models import Posting
from medbridge.programmes.models import Programme
from tests.browser import BROWSER_MARKS
from tests.planning_ui.conftest import Round, with_demand

pytestmark = BROWSER_MARKS


def sign_in(page: Any, url: str, user: User, password: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{url}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")


def test_a_round_and_a_plan_are_run_reviewed_and_published_through_the_pages(
    page: Any,
    live_server: Any,
    settings: Any,
    password: str,
    weihai_admin: User,
    training_round: Round,
    city_officer: User,
    alliance: Programme,
    county_cardiology: Department,
) -> None:
    settings.IMPORTS_INLINE = True
    sign_in(page, live_server.url, weihai_admin, password)
    page.goto(f"{live_server.url}/planning/")
    page.click("text=2026年度进修")
    page.click("button:has-text('运行匹配')")
    review = page.locator("#review").inner_text()
    assert "本人排第3位，录取线为第1位" in review
    page.click("button:has-text('发布为计划派驻')")
    assert "已发布：生成2条计划派驻" in page.locator("ul.messages").inner_text()
    assert Posting.objects.count() == 2

    with_demand(city_officer, alliance, county_cardiology)
    sign_in(page, live_server.url, city_officer, password)
    page.goto(f"{live_server.url}/planning/plans/")
    page.select_option("select[name=programme]", str(alliance.pk))
    page.fill("input[name=start_date]", "2026-03-02")
    page.fill("input[name=weeks]", "4")
    page.click("button:has-text('开始编排')")
    page.wait_for_function("() => document.querySelector('#heatmap canvas') !== null")
    assert "普通外科专业" in page.locator("#outcomes").inner_text()
    page.locator("#sessions button:has-text('删除')").first.click()
    assert page.locator("#sessions tbody tr").count() == 3
    page.click("button:has-text('确认方案并生成坐诊')")
    assert "方案已确认：生成3次坐诊" in page.locator("ul.messages").inner_text()
    assert ClinicSession.objects.count() == 3
