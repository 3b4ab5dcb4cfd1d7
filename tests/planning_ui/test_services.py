"""Matching rounds on the database: open, collect, run, publish into postings."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from medbridge.accounts.models import User
from medbridge.directory.models import Institution
from medbridge.planning import services
from medbridge.planning.models import RoundStatus
from medbridge.postings.models import Posting, PostingKind, PostingStatus
from medbridge.postings.services import PostingData, posting_create
from medbridge.programmes.models import Programme
from tests.factories import DepartmentFactory
from tests.planning_ui.conftest import Round

pytestmark = pytest.mark.django_db


def test_a_run_places_by_title_and_explains_the_cutoffs(weihai_admin: User, training_round: Round) -> None:
    r = training_round
    services.round_run(actor=weihai_admin, round_=r.round)
    placed = {a.professional.name: a for a in r.round.applications.all()}
    assert placed["马主任"].placement == r.cardiology
    assert placed["韩医生"].placement == r.surgery
    assert placed["才让"].placement is None
    # 才让 wanted cardiology first: it took one, its last admitted ranks 1st, 才让 3rd.
    first = placed["才让"].explanation[0]
    assert first == {"department": r.cardiology.pk, "applicant_rank": 3, "cutoff_rank": 1}
    r.cardiology.refresh_from_db()
    assert (r.cardiology.admitted, r.cardiology.cutoff_rank) == (1, 1)


def test_publishing_creates_planned_postings_at_the_host_department(
    weihai_admin: User, training_round: Round, gangcha_hospital: Institution
) -> None:
    r = training_round
    services.round_run(actor=weihai_admin, round_=r.round)
    assert services.round_publish(actor=weihai_admin, round_=r.round) == 2
    posting = Posting.objects.get(professional=r.senior)
    assert posting.kind == PostingKind.TRAINING and posting.status == PostingStatus.PLANNED
    assert posting.home_institution == gangcha_hospital
    assert posting.host_department == r.cardiology.department
    assert (posting.planned_start, posting.planned_end) == (date(2026, 9, 1), date(2027, 2, 28))
    r.round.refresh_from_db()
    assert r.round.status == RoundStatus.PUBLISHED


def test_an_applicant_already_posted_then_is_named_and_nothing_is_written(
    weihai_admin: User, training_round: Round, paired_programme: Programme, weihai_hospital: Institution
) -> None:
    r = training_round
    posting_create(
        actor=weihai_admin,
        data=PostingData(
            professional=r.middle,
            programme=paired_programme,
            kind=PostingKind.ATTACHMENT,
            home_institution=r.middle.institution,
            host_institution=weihai_hospital,
            planned_start=date(2026, 10, 1),
            planned_end=date(2026, 12, 31),
        ),
    )
    services.round_run(actor=weihai_admin, round_=r.round)
    with pytest.raises(ValidationError) as error:
        services.round_publish(actor=weihai_admin, round_=r.round)
    assert "韩医生" in str(error.value) and "已有派驻" in str(error.value)
    assert Posting.objects.count() == 1
    r.round.refresh_from_db()
    assert r.round.status == RoundStatus.RUN


def test_a_department_ranking_by_hand_changes_who_gets_the_place(weihai_admin: User, training_round: Round) -> None:
    r = training_round
    junior = r.round.applications.get(professional=r.junior)
    middle = r.round.applications.get(professional=r.middle)
    services.department_ranking_set(actor=weihai_admin, department=r.cardiology, applications=[junior, middle])
    services.round_run(actor=weihai_admin, round_=r.round)
    junior.refresh_from_db()
    assert junior.placement == r.cardiology
    # 马主任 applied only there and was not ranked by hand: not acceptable, unplaced.
    assert r.round.applications.get(professional=r.senior).placement is None


def test_an_edit_after_a_run_clears_its_results(weihai_admin: User, training_round: Round) -> None:
    r = training_round
    services.round_run(actor=weihai_admin, round_=r.round)
    services.round_department_add(
        actor=weihai_admin,
        round_=r.round,
        department=DepartmentFactory(institution=r.cardiology.department.institution),
        quota=2,
        rule="service",
    )
    r.round.refresh_from_db()
    assert r.round.status == RoundStatus.OPEN
    assert not r.round.applications.filter(placement__isnull=False).exists()


def test_an_application_needs_a_home_party_and_a_choice(
    weihai_admin: User, training_round: Round, doctor_a: object
) -> None:
    data = services.ApplicationData(professional=doctor_a, home_institution=doctor_a.institution)  # type: ignore[attr-defined]
    with pytest.raises(ValidationError) as error:
        services.application_add(actor=weihai_admin, round_=training_round.round, data=data)
    assert set(error.value.message_dict) == {"home_institution", "choices"}


def test_only_the_programme_runners_open_or_run_a_round(gangcha_admin: User, training_round: Round) -> None:
    with pytest.raises(PermissionDenied):
        services.round_run(actor=gangcha_admin, round_=training_round.round)
