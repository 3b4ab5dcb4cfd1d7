"""Invitation → reply → attendance through the pages, in Debian's chromium: the
长治 officer finds a hometown cardiologist working in 北京 and invites him to the
Spring Festival symposium; he accepts from his own account; the officer signs him in."""

from __future__ import annotations

from typing import Any

from medbridge.accounts.models import Role, User
from medbridge.activities.models import Activity, Participant, Rsvp
from medbridge.directory.models import Professional
from tests.browser import BROWSER_MARKS
from tests.factories import UserFactory

pytestmark = BROWSER_MARKS


def _sign_in(page: Any, url: str, username: str, password: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")


def test_an_invitation_is_accepted_and_attendance_recorded(
    page: Any,
    live_server: Any,
    city_officer: User,
    hometown: dict[str, Professional],
    symposium: Activity,
    password: str,
) -> None:
    expert = hometown["match_chief"]
    UserFactory(username="shen", role=Role.PROFESSIONAL, professional=expert)

    _sign_in(page, live_server.url, "changzhi_officer", password)
    page.click("nav.main >> text=活动")
    page.click("text=乡贤人才库")
    page.fill("input[name=specialty]", "03.04")
    page.fill("input[name=work_region]", "北京市")
    page.select_option("select[name=min_title]", "3")
    page.click("form.filters button[type=submit]")
    assert sorted(page.locator("table.talents tbody td:first-child").all_inner_texts()) == ["申晋华", "郜立新"]
    page.click("table.talents >> text=申晋华")
    page.select_option("select[name=activity]", str(symposium.pk))
    page.click("text=发出邀请")
    assert "已发出邀请" in page.locator("ul.messages").inner_text()

    _sign_in(page, live_server.url, "shen", password)
    page.goto(f"{live_server.url}/activities/")
    page.click(f"table.list >> text={symposium.title}")
    row = page.locator('tr[data-person="申晋华"]')
    assert "待回复" in row.inner_text()
    row.locator("button[value=accepted]").click()
    assert "接受" in page.locator('tr[data-person="申晋华"] .tag').inner_text()
    assert page.locator('tr[data-person="申晋华"] button[value=yes]').count() == 0  # only organisers sign people in

    _sign_in(page, live_server.url, "changzhi_officer", password)
    page.goto(f"{live_server.url}/activities/{symposium.pk}/")
    page.locator('tr[data-person="申晋华"] button[value=yes]').click()
    assert "已出席" in page.locator('tr[data-person="申晋华"]').inner_text()
    assert "出席 1 人" in page.locator("main").inner_text()
    participant = Participant.objects.get(activity=symposium, professional=expert)
    assert (participant.rsvp, participant.attended) == (Rsvp.ACCEPTED, True)
