"""Shared set-up for browser tests: Playwright driving Debian's chromium."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")

BROWSER_MARKS = [
    pytest.mark.browser,
    # Transactional, so pytest-django runs these after the rolled-back tests: the
    # live server's closing flush empties the reference tables those rely on.
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed (.ci/run installs it)"),
]


@pytest.fixture
def page(live_server: Any) -> Iterator[Any]:
    """A chromium page; the test fails if the page raised any JavaScript error or
    the browser refused something under the Content-Security-Policy."""
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
        page.on("console", lambda msg: _csp_violation(msg.text, errors))
        yield page
        browser.close()
        assert errors == [], f"JavaScript errors: {errors}"


def _csp_violation(text: str, errors: list[str]) -> None:
    # Chromium reports a refused inline script, style or source on the console only.
    if "Content Security Policy" in text:
        errors.append(text)
