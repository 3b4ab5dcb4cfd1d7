"""``medbridge seed-demo``: the whole demo, in dependency order."""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.db import transaction

from medbridge.accounts.models import User
from medbridge.demo import accounts, activities, clinics, directory, planning, postings, programmes, referrals
from medbridge.demo.names import NameMaker
from medbridge.directory.models import (
    HospitalGrade,
    Institution,
    InstitutionCategory,
    Professional,
    ProfessionalTitle,
    Region,
)


@dataclass(frozen=True)
class DemoResult:
    directory: directory.SeedReport
    accounts: list[accounts.DemoAccount]
    synthetic_institutions: int
    synthetic_professionals: int
    programmes: programmes.ProgrammeReport
    postings: postings.PostingReport
    referrals: referrals.ReferralReport
    activities: activities.ActivityReport
    clinics: clinics.ClinicReport
    planning: planning.PlanningReport


def seed_demo(*, scale: int = 0) -> DemoResult:
    with transaction.atomic():
        # The system administrator comes first: every later write is done, and
        # audited, in their name.
        created = accounts.seed_accounts(actor=None, only=("admin",))
        system = User.objects.get(username="admin")
        report = directory.Seeder(actor=system).run()
        created += accounts.seed_accounts(actor=system)
        programme_report = programmes.seed_programmes(actor=system)
        posting_report = postings.seed_postings(actor=system)
        referral_report = referrals.seed_referrals(actor=system)
        activity_report = activities.seed_activities(actor=system)
        clinic_report = clinics.seed_clinics(actor=system)
        planning_report = planning.seed_planning(actor=system)
        inst, people = seed_synthetic(scale) if scale else (0, 0)
    return DemoResult(
        directory=report,
        accounts=created,
        synthetic_institutions=inst,
        synthetic_professionals=people,
        programmes=programme_report,
        postings=posting_report,
        referrals=referral_report,
        activities=activity_report,
        clinics=clinic_report,
        planning=planning_report,
    )


SYNTHETIC_INSTITUTIONS = 50
SYNTHETIC_PEOPLE = 1000


def seed_synthetic(scale: int) -> tuple[int, int]:
    """N× synthetic institutions and people for load and benchmark work.

    Bulk inserts on purpose: this is volume for benchmarks, not records anyone
    entered, so it skips per-row services and the audit trail.
    """
    rng = random.Random(scale)
    start = Institution.objects.filter(name__startswith="合成").count()
    counties = list(Region.objects.filter(level=Region.Level.COUNTY).values_list("pk", flat=True))
    hospital = InstitutionCategory.objects.get(code="A1")
    grades = list(HospitalGrade.objects.all())
    institutions = Institution.objects.bulk_create(
        [
            Institution(
                name=f"合成第{start + i + 1}医院",
                category=hospital,
                grade=rng.choice(grades),
                region_id=rng.choice(counties),
            )
            for i in range(SYNTHETIC_INSTITUTIONS * scale)
        ],
        batch_size=1000,
    )
    titles = list(ProfessionalTitle.objects.all())
    names = NameMaker(scale + 7)
    people = Professional.objects.bulk_create(
        [
            Professional(
                name=names(),
                sex=rng.choice("12"),
                title=rng.choice(titles),
                institution=rng.choice(institutions),
                home_region_id=rng.choice(counties),
            )
            for _ in range(SYNTHETIC_PEOPLE * scale)
        ],
        batch_size=1000,
    )
    return len(institutions), len(people)
