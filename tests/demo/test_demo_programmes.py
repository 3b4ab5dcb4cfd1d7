"""The demo holds the five programmes of the brief in the shapes the brief gives
them, written through the services, and seeding again creates nothing."""

from __future__ import annotations

from collections import Counter
from typing import Any

from medbridge.demo import directory
from medbridge.demo import programmes as demo
from medbridge.demo.seed import DemoResult, seed_demo
from medbridge.programmes.models import (
    Agreement,
    Engagement,
    EngagementRole,
    Party,
    PartyRole,
    Programme,
    ProgrammeKind,
    Station,
    StationKind,
    Target,
)

MODELS: tuple[Any, ...] = (Programme, Party, Agreement, Station, Engagement, Target)


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def test_five_programmes_of_the_brief(seeded: DemoResult) -> None:
    top = Programme.objects.filter(parent=None)
    kinds = set(top.values_list("kind", flat=True))
    assert {
        ProgrammeKind.FLEXIBLE_INTRODUCTION,
        ProgrammeKind.CO_CONSTRUCTION,
        ProgrammeKind.HOSPITAL_ASSOCIATION,
        ProgrammeKind.SPECIALTY_ALLIANCE,
        ProgrammeKind.TRUSTEESHIP,
        ProgrammeKind.PAIRED_ASSISTANCE,
    } <= kinds
    fujian = top.get(name=demo.FUQING)
    assert fujian.parties.get(role=PartyRole.RECIPIENT).institution.name == "福清市医院"
    assert fujian.parties.filter(role__in=[PartyRole.LEAD, PartyRole.SUPPORTING]).count() == 3
    for programme in Programme.objects.all():
        assert programme.parties.filter(role__in=[PartyRole.LEAD, PartyRole.ORGANISING, PartyRole.TRUSTEE]).exists()
        assert {t.year for t in programme.targets.all()} >= {2025, 2026}, programme.name


def test_flexible_introduction_engages_the_233_visiting_experts(seeded: DemoResult) -> None:
    flexible = Programme.objects.get(name=demo.FLEXIBLE, kind=ProgrammeKind.FLEXIBLE_INTRODUCTION)
    engagements = flexible.engagements.select_related("professional__institution", "professional__title")
    assert engagements.count() == 233 == seeded.directory.groups["visiting_experts"]
    assert not engagements.exclude(station=None).exists()
    assert all(e.start_date.year == 2023 for e in engagements)
    titles = engagements.values_list("professional__title__code", flat=True)
    assert set(titles) <= set(directory.SENIOR)
    sources = Counter(engagements.values_list("professional__institution__name", flat=True))
    assert sources == dict(directory.EXPERT_SOURCES)
    assert len({e.letter_no for e in engagements}) == 233
    assert flexible.parties.filter(role=PartyRole.SUPPORTING).count() == len(directory.EXPERT_SOURCES)
    assert flexible.parties.get(role=PartyRole.ORGANISING).institution.name == "长治市卫生健康委员会"


def test_co_built_cardiovascular_training_centre(seeded: DemoResult) -> None:
    centre = Station.objects.get(name=demo.CARDIO_CENTRE, kind=StationKind.TRAINING_CENTRE)
    assert centre.host.name == "长治市人民医院"
    assert centre.programme.kind == ProgrammeKind.CO_CONSTRUCTION
    assert "国家心血管病中心" in centre.plaque_text
    assert centre.programme.parties.filter(institution__name="国家心血管病中心医院", role=PartyRole.LEAD).exists()


def test_expert_workstation_with_eight_appointed_experts(seeded: DemoResult) -> None:
    base = Programme.objects.get(name=demo.ASSOCIATION, kind=ProgrammeKind.HOSPITAL_ASSOCIATION)
    roles = {(p.institution.name, p.role) for p in base.parties.select_related("institution")}
    assert ("山西省科学技术协会", PartyRole.GUIDING) in roles
    assert ("山西省医学会", PartyRole.ORGANISING) in roles
    assert ("晋中市中医院", PartyRole.HOSTING) in roles
    station = base.stations.get(kind=StationKind.EXPERT_WORKSTATION)
    assert station.host.name == "晋中市中医院"
    assert base.stations.filter(kind=StationKind.DEMONSTRATION_BASE, host__name="晋中市中医院").exists()
    engagements = station.engagements.select_related("professional__institution").order_by("letter_no")
    assert engagements.count() == 8
    assert [e.role for e in engagements].count(EngagementRole.CHIEF) == 1
    assert engagements[0].role == EngagementRole.CHIEF
    assert [e.letter_no for e in engagements] == [f"晋医会聘〔2025〕{n:02d}号" for n in range(1, 9)]
    homes = set(engagements.values_list("professional__institution__name", flat=True))
    assert homes == {"山西医科大学第一医院", "山西省中医院"}

    county = base.children.get(kind=ProgrammeKind.COUNTY_ASSOCIATION)
    assert county.parties.filter(institution__name="榆社县中医院", role=PartyRole.RECIPIENT).exists()
    assert county.stations.get(kind=StationKind.DEMONSTRATION_BASE).host.name == "榆社县中医院"


def test_alliance_led_by_a_department_and_the_trusteeship(seeded: DemoResult) -> None:
    alliance = Programme.objects.get(name=demo.ALLIANCE, kind=ProgrammeKind.SPECIALTY_ALLIANCE)
    lead = alliance.parties.get(role=PartyRole.LEAD)
    assert (lead.institution.name, lead.department and lead.department.name) == ("山西医科大学第二医院", "骨科")
    members = set(alliance.parties.filter(role=PartyRole.RECIPIENT).values_list("institution__name", flat=True))
    assert members == {"高平市人民医院", "阳城县人民医院", "泽州县人民医院", "沁水县人民医院"}
    assert alliance.agreements.exists()

    trust = Programme.objects.get(kind=ProgrammeKind.TRUSTEESHIP)
    assert trust.parties.get(role=PartyRole.TRUSTEE).institution.name == "山西省人民医院"
    assert trust.parties.get(role=PartyRole.TRUSTEED).institution.name == "高平市人民医院"


def test_weihai_assists_gangcha(seeded: DemoResult) -> None:
    weihai = Programme.objects.get(name=demo.WEIHAI, kind=ProgrammeKind.PAIRED_ASSISTANCE, parent=None)
    assert weihai.start_date.isoformat() == "2013-03-01"
    recipients = set(weihai.parties.filter(role=PartyRole.RECIPIENT).values_list("institution__name", flat=True))
    assert "刚察县人民医院" in recipients and len(recipients) == 4
    assert weihai.parties.filter(role=PartyRole.LEAD).count() == 6
    years = set(weihai.targets.values_list("year", "metric"))
    for year in (2024, 2025, 2026):
        for metric in ("people_dispatched", "stationed_person_days", "people_trained"):
            assert (year, metric) in years

    pair = weihai.children.get()
    assert pair.start_date.year == 2025
    assert {p.institution.name for p in pair.parties.all()} == {"威海卫人民医院", "刚察县人民医院"}
    assert pair.agreements.get().signed_on.year == 2025


def test_three_famous_doctor_workstations_at_fuqing(seeded: DemoResult) -> None:
    stations = Station.objects.filter(kind=StationKind.FAMOUS_DOCTOR_WORKSTATION, host__name="福清市医院")
    assert sorted(s.opened_on.year for s in stations) == [2021, 2022, 2023]
    assert {s.host_department.name for s in stations if s.host_department} == {"超声医学科", "肝胆外科", "产科"}
    mentors = {p.pk for people in demo.group_members("shanghai_mentors").values() for p in people}
    for station in stations:
        engaged = list(station.engagements.all())
        assert 1 <= len(engaged) <= 3
        assert {e.professional_id for e in engaged} <= mentors
        assert all(e.start_date >= station.opened_on for e in engaged)


def test_the_records_are_audited_as_the_demo_administrator(seeded: DemoResult) -> None:
    from auditlog.models import LogEntry

    entries = LogEntry.objects.get_for_model(Engagement)
    assert entries.count() == Engagement.objects.count()
    assert set(entries.values_list("actor__username", flat=True)) == {"admin"}


def test_seeding_again_creates_nothing(seeded: DemoResult) -> None:
    before = _counts()
    assert seeded.programmes.engagements == before["Engagement"]
    again = seed_demo()
    assert _counts() == before
    assert again.programmes == demo.ProgrammeReport()


def test_demo_accounts_see_their_programmes(seeded: DemoResult) -> None:
    from medbridge.accounts.access import programmes_visible_to
    from medbridge.accounts.models import User

    gangcha = set(programmes_visible_to(User.objects.get(username="gangcha")).values_list("name", flat=True))
    assert {demo.WEIHAI, demo.WEIHAI_HOSPITALS} <= gangcha
    assert demo.FUQING not in gangcha
    gaoping = set(programmes_visible_to(User.objects.get(username="gaoping")).values_list("name", flat=True))
    assert gaoping == {demo.ALLIANCE, demo.TRUSTEESHIP}


def test_the_233_experts_weekly_clinics_add_up_to_over_40000_visits(seeded: DemoResult) -> None:
    from medbridge.clinics.models import ClinicSession
    from medbridge.clinics.selectors import visit_totals

    flexible = ClinicSession.objects.filter(programme__name=demo.FLEXIBLE)
    totals = visit_totals(flexible.filter(status="held"))
    assert flexible.values("expert").distinct().count() == 233
    assert totals.visits > 40_000 and totals.visits == seeded.clinics.visits
    assert flexible.filter(status="scheduled", booked__gt=0).exists()
    assert flexible.filter(status="scheduled", waitlisted__gt=0).exists()
    assert seed_demo().clinics.sessions_upcoming == 0
