"""A posting, once recorded, counts in the figures on the home page."""

from __future__ import annotations

from medbridge.accounts.models import User
from medbridge.postings.models import Posting
from tests.conftest import signed_in


def test_a_recorded_posting_shows_in_the_home_pages_cumulative_figures(stationed: Posting, weihai_admin: User) -> None:
    page = signed_in(weihai_admin).get("/").content.decode()
    assert "累计成效" in page
    assert "累计选派1名专业技术人员驻点帮扶" in page
