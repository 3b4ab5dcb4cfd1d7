"""A medical-affairs officer signs in, searches the directory and opens a person,
in Debian's chromium driven by Playwright."""

from __future__ import annotations

from typing import Any

from medbridge.accounts.models import User
from medbridge.directory.models import Professional
from tests.browser import BROWSER_MARKS

pytestmark = BROWSER_MARKS


def test_an_admin_signs_in_searches_and_opens_a_professional(
    page: Any, live_server: Any, admin_a: User, doctor_a: Professional, password: str
) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "admin_a")
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.click("nav.main >> text=人员")
    page.fill("input[name=q]", "李明")
    page.click("form.filters button[type=submit]")
    page.click("table.list >> text=李明")
    assert page.locator("h1").inner_text().startswith("李明")
    assert "13812345678" in page.locator("dl.facts").inner_text()
