"""The programme rules, called the way pages, the API and the importer call them."""

from __future__ import annotations

from datetime import date

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError

from medbridge.accounts.models import User
from medbridge.directory.models import Institution, Professional
from medbridge.programmes import services
from medbridge.programmes.models import PartyRole, Programme, ProgrammeKind, ProgrammeStatus, Station, StationKind
from tests.factories import InstitutionFactory, ProfessionalFactory, region


def refused(excinfo: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    return set(excinfo.value.message_dict)


def station(actor: User, programme: Programme, host: Institution, opened: date, closed: date | None = None) -> Station:
    data = services.StationData(
        programme=programme,
        kind=StationKind.EXPERT_WORKSTATION,
        name="刚察县专家工作站",
        host=host,
        opened_on=opened,
        closed_on=closed,
    )
    return services.station_create(actor=actor, data=data)


def engage(actor: User, station: Station, who: Professional, start: date, end: date | None = None) -> None:
    data = services.EngagementData(
        professional=who, programme=station.programme, station=station, start_date=start, end_date=end
    )
    services.engagement_create(actor=actor, data=data)


@pytest.fixture
def workstation(weihai_admin: User, paired_programme: Programme, gangcha_hospital: Institution) -> Station:
    return station(weihai_admin, paired_programme, gangcha_hospital, date(2020, 7, 1), date(2024, 6, 30))


@pytest.fixture
def expert(weihai_hospital: Institution) -> Professional:
    return ProfessionalFactory(name="张伟", institution=weihai_hospital)


# --- Programmes --------------------------------------------------------------------------


def test_a_programme_ending_before_it_starts_is_refused(weihai_admin: User, weihai_hospital: Institution) -> None:
    data = services.ProgrammeData(
        kind=ProgrammeKind.PAIRED_ASSISTANCE, name="倒置", start_date=date(2025, 1, 1), end_date=date(2024, 1, 1)
    )
    with pytest.raises(ValidationError) as excinfo:
        services.programme_create(
            actor=weihai_admin, data=data, first_party=services.PartyData(weihai_hospital, PartyRole.LEAD)
        )
    assert refused(excinfo) == {"end_date"}
    assert not Programme.objects.exists()


def test_an_ended_programme_needs_its_end_date(weihai_admin: User, paired_programme: Programme) -> None:
    data = services.ProgrammeData(
        kind=paired_programme.kind,
        name=paired_programme.name,
        start_date=paired_programme.start_date,
        status=ProgrammeStatus.ENDED,
    )
    with pytest.raises(ValidationError) as excinfo:
        services.programme_update(actor=weihai_admin, programme=paired_programme, data=data)
    assert refused(excinfo) == {"end_date"}


def test_the_creator_must_take_a_managing_role_in_scope(
    weihai_admin: User, weihai_hospital: Institution, gangcha_hospital: Institution
) -> None:
    data = services.ProgrammeData(kind=ProgrammeKind.OTHER, name="试点", start_date=date(2025, 1, 1))
    with pytest.raises(ValidationError):
        services.programme_create(
            actor=weihai_admin, data=data, first_party=services.PartyData(weihai_hospital, PartyRole.RECIPIENT)
        )
    with pytest.raises(PermissionDenied):
        services.programme_create(
            actor=weihai_admin, data=data, first_party=services.PartyData(gangcha_hospital, PartyRole.LEAD)
        )


def test_a_programme_cannot_become_its_own_childs_child(
    weihai_admin: User, weihai_hospital: Institution, paired_programme: Programme
) -> None:
    child = services.programme_create(
        actor=weihai_admin,
        data=services.ProgrammeData(
            kind=ProgrammeKind.PAIRED_ASSISTANCE,
            name="院对院协议",
            start_date=date(2025, 6, 1),
            parent=paired_programme,
        ),
        first_party=services.PartyData(weihai_hospital, PartyRole.LEAD),
    )
    data = services.ProgrammeData(
        kind=paired_programme.kind, name=paired_programme.name, start_date=paired_programme.start_date, parent=child
    )
    with pytest.raises(ValidationError) as excinfo:
        services.programme_update(actor=weihai_admin, programme=paired_programme, data=data)
    assert refused(excinfo) == {"parent"}


def test_the_start_cannot_move_past_a_stations_opening(
    weihai_admin: User, paired_programme: Programme, workstation: Station
) -> None:
    data = services.ProgrammeData(kind=paired_programme.kind, name=paired_programme.name, start_date=date(2021, 1, 1))
    with pytest.raises(ValidationError) as excinfo:
        services.programme_update(actor=weihai_admin, programme=paired_programme, data=data)
    assert refused(excinfo) == {"start_date"}


# --- Parties ----------------------------------------------------------------------------------


def test_the_same_party_twice_in_the_same_role_is_refused_but_another_role_is_not(
    weihai_admin: User, paired_programme: Programme, gangcha_hospital: Institution
) -> None:
    twin = services.PartyData(gangcha_hospital, PartyRole.RECIPIENT)
    with pytest.raises(ValidationError) as excinfo:
        services.party_add(actor=weihai_admin, programme=paired_programme, data=twin)
    assert refused(excinfo) == {"institution"}
    trusteed = services.PartyData(gangcha_hospital, PartyRole.TRUSTEED)
    services.party_add(actor=weihai_admin, programme=paired_programme, data=trusteed)
    assert paired_programme.parties.filter(institution=gangcha_hospital).count() == 2


def test_a_party_running_the_programme_must_be_in_the_actors_scope(
    weihai_admin: User, paired_programme: Programme
) -> None:
    xining = InstitutionFactory(name="青海省人民医院", region=region("630103"))
    for role in (PartyRole.LEAD, PartyRole.ORGANISING, PartyRole.HOSTING, PartyRole.TRUSTEE, PartyRole.GUIDING):
        with pytest.raises(PermissionDenied):
            services.party_add(actor=weihai_admin, programme=paired_programme, data=services.PartyData(xining, role))
    services.party_add(
        actor=weihai_admin, programme=paired_programme, data=services.PartyData(xining, PartyRole.RECIPIENT)
    )
    assert list(paired_programme.parties.filter(institution=xining).values_list("role", flat=True)) == ["recipient"]


def test_a_recipient_cannot_add_parties(gangcha_admin: User, paired_programme: Programme) -> None:
    other = InstitutionFactory(name="刚察县藏医院", region=region("632224"))
    with pytest.raises(PermissionDenied):
        services.party_add(
            actor=gangcha_admin, programme=paired_programme, data=services.PartyData(other, PartyRole.RECIPIENT)
        )


def test_removing_the_last_managing_party_is_refused(weihai_admin: User, paired_programme: Programme) -> None:
    lead = paired_programme.parties.get(role=PartyRole.LEAD)
    with pytest.raises(ValidationError) as excinfo:
        services.party_remove(actor=weihai_admin, party=lead)
    assert refused(excinfo) == {"role"}
    recipient = paired_programme.parties.get(role=PartyRole.RECIPIENT)
    services.party_remove(actor=weihai_admin, party=recipient)
    assert list(paired_programme.parties.all()) == [lead]


def test_a_party_is_corrected_in_place_under_the_same_rules_as_adding_one(
    weihai_admin: User, paired_programme: Programme, gangcha_hospital: Institution
) -> None:
    recipient = paired_programme.parties.get(role=PartyRole.RECIPIENT)
    data = services.PartyData(gangcha_hospital, PartyRole.RECIPIENT, joined_on=date(2013, 9, 1), note="第一批起")
    services.party_update(actor=weihai_admin, party=recipient, data=data)
    recipient.refresh_from_db()
    assert (recipient.joined_on, recipient.note) == (date(2013, 9, 1), "第一批起")
    xining = InstitutionFactory(name="青海省人民医院", region=region("630103"))
    with pytest.raises(PermissionDenied):
        services.party_update(actor=weihai_admin, party=recipient, data=services.PartyData(xining, PartyRole.LEAD))


def test_turning_the_only_managing_party_into_a_member_is_refused(
    weihai_admin: User, paired_programme: Programme
) -> None:
    lead = paired_programme.parties.get(role=PartyRole.LEAD)
    with pytest.raises(ValidationError) as excinfo:
        services.party_update(
            actor=weihai_admin, party=lead, data=services.PartyData(lead.institution, PartyRole.RECIPIENT)
        )
    assert refused(excinfo) == {"role"}
    lead.refresh_from_db()
    assert lead.role == PartyRole.LEAD


# --- Targets ---------------------------------------------------------------------------------------


def test_a_target_year_outside_the_programme_period_is_refused(weihai_admin: User, paired_programme: Programme) -> None:
    paired_programme.end_date = date(2025, 12, 31)
    paired_programme.save()
    for year in (2012, 2026):
        with pytest.raises(ValidationError) as excinfo:
            services.target_set(actor=weihai_admin, programme=paired_programme, year=year, metric="lectures", value=4)
        assert refused(excinfo) == {"year"}
    assert not paired_programme.targets.exists()


def test_setting_a_target_again_changes_it_in_place(weihai_admin: User, paired_programme: Programme) -> None:
    for value in (10, 12):
        services.target_set(
            actor=weihai_admin, programme=paired_programme, year=2025, metric="people_dispatched", value=value
        )
    assert list(paired_programme.targets.values_list("value", flat=True)) == [12]


# --- Stations and engagements ----------------------------------------------------------------------


def test_a_station_host_must_be_a_party(
    weihai_admin: User, paired_programme: Programme, fuqing_hospital: Institution
) -> None:
    with pytest.raises(ValidationError) as excinfo:
        station(weihai_admin, paired_programme, fuqing_hospital, date(2020, 7, 1))
    assert refused(excinfo) == {"host"}


def test_a_station_cannot_open_before_its_programme(
    weihai_admin: User, paired_programme: Programme, gangcha_hospital: Institution
) -> None:
    with pytest.raises(ValidationError) as excinfo:
        station(weihai_admin, paired_programme, gangcha_hospital, date(2012, 7, 1))
    assert refused(excinfo) == {"opened_on"}


def test_an_engagement_before_the_station_opens_or_after_it_closes_is_refused(
    weihai_admin: User, workstation: Station, expert: Professional
) -> None:
    with pytest.raises(ValidationError) as early:
        engage(weihai_admin, workstation, expert, date(2020, 6, 30), date(2021, 6, 30))
    assert refused(early) == {"start_date"}
    with pytest.raises(ValidationError) as late:
        engage(weihai_admin, workstation, expert, date(2023, 7, 1), date(2024, 7, 1))
    assert refused(late) == {"end_date"}
    with pytest.raises(ValidationError) as open_ended:
        engage(weihai_admin, workstation, expert, date(2023, 7, 1))
    assert refused(open_ended) == {"end_date"}
    assert not workstation.engagements.exists()


def test_an_overlapping_engagement_of_the_same_person_at_the_same_station_is_refused(
    weihai_admin: User, workstation: Station, expert: Professional
) -> None:
    engage(weihai_admin, workstation, expert, date(2020, 7, 1), date(2022, 6, 30))
    with pytest.raises(ValidationError) as excinfo:
        engage(weihai_admin, workstation, expert, date(2022, 6, 30), date(2024, 6, 30))
    assert refused(excinfo) == {"professional"}
    engage(weihai_admin, workstation, expert, date(2022, 7, 1), date(2024, 6, 30))
    assert workstation.engagements.count() == 2


def test_a_station_cannot_close_before_its_experts_terms_end(
    weihai_admin: User, workstation: Station, expert: Professional
) -> None:
    engage(weihai_admin, workstation, expert, date(2020, 7, 1), date(2024, 6, 30))
    data = services.StationData(
        programme=workstation.programme,
        kind=workstation.kind,
        name=workstation.name,
        host=workstation.host,
        opened_on=workstation.opened_on,
        closed_on=date(2023, 12, 31),
    )
    with pytest.raises(ValidationError) as excinfo:
        services.station_update(actor=weihai_admin, station=workstation, data=data)
    assert refused(excinfo) == {"closed_on"}


# --- Audit ----------------------------------------------------------------------------------------


def test_creating_a_programme_and_adding_a_party_are_audited_with_the_actor(
    weihai_admin: User, paired_programme: Programme, gangcha_hospital: Institution
) -> None:
    created = LogEntry.objects.get_for_object(paired_programme).get()
    assert (created.action, created.actor) == (LogEntry.Action.CREATE, weihai_admin)
    party = paired_programme.parties.get(institution=gangcha_hospital)
    added = LogEntry.objects.get_for_object(party).get()
    assert (added.action, added.actor) == (LogEntry.Action.CREATE, weihai_admin)
