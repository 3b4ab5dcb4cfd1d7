"""The lead hospital's medical-affairs officer accepts a referral from the board and
reads the figures chart, in Debian's chromium with every request outside the
server refused: the chart library must come from our own static files."""

from __future__ import annotations

from typing import Any

from medbridge.accounts.models import User
from medbridge.referrals.models import Referral, ReferralStatus
from tests.browser import BROWSER_MARKS

pytestmark = BROWSER_MARKS


def test_the_receiving_side_accepts_from_the_board_and_the_chart_draws_offline(
    page: Any, live_server: Any, referral: Referral, lead_admin: User, password: str
) -> None:
    outside: list[str] = []

    def only_local(route: Any) -> None:
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_local)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "lead_admin")
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.click("nav.main >> text=转诊会诊")
    page.click(f".board >> text={referral.number}")
    page.click("form >> button:has-text('接收')")
    assert "已接收" in page.locator("h1").inner_text()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    page.goto(f"{live_server.url}/referrals/figures/?year={referral.requested_at.year}")
    page.wait_for_selector("#by-month canvas")
    assert outside == []
