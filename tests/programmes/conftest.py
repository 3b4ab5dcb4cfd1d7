"""Actors and programmes for the programme tests.

A Shandong city hospital (威海市立医院) assists a Qinghai county hospital
(刚察县人民医院); a Fujian county-level city hospital (福清市医院) runs its own
training programme. The 刚察县 officer must see the first and not the second.
"""

from __future__ import annotations

from datetime import date

import pytest

from medbridge.accounts.models import User
from medbridge.directory.models import Institution
from medbridge.programmes import services
from medbridge.programmes.models import PartyRole, Programme, ProgrammeKind


@pytest.fixture
def training_programme(fuqing_admin: User, fuqing_hospital: Institution) -> Programme:
    return services.programme_create(
        actor=fuqing_admin,
        data=services.ProgrammeData(
            kind=ProgrammeKind.OTHER, name="福清市医院骨干进修计划", start_date=date(2021, 1, 1)
        ),
        first_party=services.PartyData(institution=fuqing_hospital, role=PartyRole.LEAD),
    )
