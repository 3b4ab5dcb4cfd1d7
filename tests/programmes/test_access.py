"""Who sees and edits which programme."""

from __future__ import annotations

from medbridge.accounts import access
from medbridge.accounts.models import User
from medbridge.programmes.models import Programme


def test_the_county_officer_sees_the_programme_assisting_the_county_and_not_others(
    gangcha_officer: User, paired_programme: Programme, training_programme: Programme
) -> None:
    visible = list(access.programmes_visible_to(gangcha_officer))
    assert visible == [paired_programme]


def test_the_recipient_sees_but_cannot_edit_while_the_lead_can(
    gangcha_admin: User, weihai_admin: User, weihai_officer: User, paired_programme: Programme
) -> None:
    assert access.programmes_visible_to(gangcha_admin).filter(pk=paired_programme.pk).exists()
    assert not access.can_edit_programme(gangcha_admin, paired_programme)
    assert access.can_edit_programme(weihai_admin, paired_programme)
    assert access.can_edit_programme(weihai_officer, paired_programme)
