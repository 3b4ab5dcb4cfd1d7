"""The signed-in home page: what someone sees first."""

from __future__ import annotations

from medbridge.accounts.models import User
from tests.conftest import signed_in


def test_a_hospital_with_nothing_recorded_sees_no_figures_but_its_reminders_box(admin_a: User) -> None:
    page = signed_in(admin_a).get("/").content.decode()
    assert "待办提醒" in page
    assert "累计成效" not in page
