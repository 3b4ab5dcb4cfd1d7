"""A small FHIR world: 威海市立医院 leads a paired-assistance programme with
刚察县人民医院 (recipient) and 福清市医院 (supporting); a Weihai surgeon is
stationed in Gangcha, two more visit it weekly, and a chief expert is appointed
at a Gangcha workstation. Gangcha hosts a clinic with two bookings and refers a
patient up to Weihai."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.core.cache import cache

from medbridge.accounts.models import User
from medbridge.clinics.models import Booking, ClinicSession
from medbridge.clinics.services import BookingData, booking_create
from medbridge.directory.models import Institution, Professional
from medbridge.postings import services as posting_services
from medbridge.postings.models import Posting, PostingKind
from medbridge.programmes import services as programme_services
from medbridge.programmes.models import Engagement, PartyRole, Programme, StationKind
from medbridge.referrals import services as referral_services
from medbridge.referrals.models import Referral
from tests.factories import ClinicSessionFactory, DepartmentFactory, ProfessionalFactory, specialty


@dataclass
class World:
    programme: Programme
    postings: list[Posting]
    engagement: Engagement
    session: ClinicSession
    bookings: list[Booking]
    referral: Referral
    surgeon: Professional


def _posting(actor: User, programme: Programme, person: Professional, host: Institution, kind: str) -> Posting:
    assert person.institution is not None
    data = posting_services.PostingData(
        professional=person,
        programme=programme,
        kind=kind,
        home_institution=person.institution,
        host_institution=host,
        planned_start=date(2024, 3, 1),
        planned_end=date(2024, 8, 31),
    )
    return posting_services.posting_create(actor=actor, data=data)


@pytest.fixture
def world(
    paired_programme: Programme,
    weihai_admin: User,
    gangcha_admin: User,
    weihai_hospital: Institution,
    gangcha_hospital: Institution,
    fuqing_hospital: Institution,
) -> World:
    cache.clear()
    programme_services.party_add(
        actor=weihai_admin,
        programme=paired_programme,
        data=programme_services.PartyData(institution=fuqing_hospital, role=PartyRole.SUPPORTING),
    )
    surgery = DepartmentFactory(institution=gangcha_hospital, name="普外科", specialty=specialty("04.01"))
    people = [
        ProfessionalFactory(name=name, institution=weihai_hospital, specialty=specialty("04"))
        for name in ("孙立", "周明", "陈静")
    ]
    postings = [_posting(weihai_admin, paired_programme, people[0], gangcha_hospital, PostingKind.STATIONED)]
    postings += [
        _posting(weihai_admin, paired_programme, p, gangcha_hospital, PostingKind.VISITING) for p in people[1:]
    ]
    station = programme_services.station_create(
        actor=weihai_admin,
        data=programme_services.StationData(
            programme=paired_programme,
            kind=StationKind.EXPERT_WORKSTATION,
            name="威海专家工作站",
            host=gangcha_hospital,
            opened_on=date(2023, 5, 1),
        ),
    )
    engagement = programme_services.engagement_create(
        actor=weihai_admin,
        data=programme_services.EngagementData(
            professional=people[1], programme=paired_programme, station=station, start_date=date(2023, 5, 1)
        ),
    )
    session = ClinicSessionFactory(expert=people[1], host=gangcha_hospital, department=surgery, capacity=2)
    bookings = [
        booking_create(
            session=session,
            data=BookingData(patient_name=f"患者{n}", phone=f"1390000{n:04d}", id_tail="123X", consent=True),
            client=f"10.0.0.{n}",
        )
        for n in (1, 2)
    ]
    referral = referral_services.referral_create(
        actor=gangcha_admin,
        data=referral_services.ReferralData(
            from_institution=gangcha_hospital,
            to_institution=weihai_hospital,
            patient_initials="ZS",
            patient_age_band="45-59",
            reason="胆总管结石，需 ERCP",
            patient_record_no="MZ2024001",
            diagnosis_code="K80.5",
        ),
    )
    return World(paired_programme, postings, engagement, session, bookings, referral, people[0])


def bearer(secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def fhir_get(client: Any, path: str, **extra: Any) -> Any:
    return client.get(f"/fhir/R4/{path}", **extra)
