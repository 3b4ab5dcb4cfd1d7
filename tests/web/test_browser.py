"""A medical-affairs officer signs in, searches the directory and opens a person,
in Debian's chromium driven by Playwright."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from medbridge.accounts.models import User
from medbridge.directory.models import Professional

CHROMIUM = Path("/usr/bin/chromium")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed (.ci/run installs it)"),
]


@pytest.fixture
def page(live_server: Any) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django refuses ORM
    # calls under a running loop unless told the test thread may make them.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        page = browser.new_page(locale="zh-CN")
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        yield page
        browser.close()
        assert errors == [], f"JavaScript errors: {errors}"


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
