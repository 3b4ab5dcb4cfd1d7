"""The demo's activities are the events of the brief, and its hometown pool answers
the brief's search exactly — and only for 长治."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction

from medbridge.accounts import access
from medbridge.accounts.models import User
from medbridge.activities import selectors
from medbridge.activities.models import Activity, FollowUp
from medbridge.demo import activities as demo
from medbridge.demo import programmes as demo_programmes
from medbridge.demo.seed import DemoResult, seed_demo
from medbridge.directory.models import Professional
from medbridge.programmes.models import Programme

CARDIOLOGY_IN_BEIJING = selectors.HometownFilter(specialty="03.04", work_region="110000", min_title_rank=3)


@pytest.fixture(scope="module")
def _seeded_once(django_db_setup: None, django_db_blocker: Any) -> Iterator[DemoResult]:
    """Seed once for the module, in a transaction rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield seed_demo()
        transaction.set_rollback(True)


@pytest.fixture
def seeded(_seeded_once: DemoResult, db: None) -> DemoResult:
    return _seeded_once


def _expected_cardiologists() -> set[str]:
    """The brief's search worked out by hand over every person in the directory."""
    people = Professional.objects.select_related("home_region", "institution__region", "specialty", "title")
    return {
        p.name
        for p in people
        if p.home_region
        and p.home_region.code.startswith("1404")
        and p.institution
        and p.institution.region.code.startswith("11")
        and p.specialty
        and p.specialty.code.startswith("03.04")
        and p.title
        and p.title.name in ("主任医师", "副主任医师")
    }


def test_the_cardiology_search_returns_exactly_the_matching_demo_people(seeded: DemoResult) -> None:
    changzhi = User.objects.get(username="changzhi")
    found = {p.name for p in selectors.hometown_search(changzhi, CARDIOLOGY_IN_BEIJING)}
    assert found == _expected_cardiologists()
    assert {"申晋华", "郜立新"} <= found and not {"秦晓峰", "阎振宇", "牛建国"} & found


def test_an_officer_of_another_city_sees_none_of_changzhis_hometown_talent(seeded: DemoResult) -> None:
    for username in ("weihai", "gangcha"):
        officer = User.objects.get(username=username)
        pool = access.hometown_talent_visible_to(officer)
        assert not pool.filter(home_region__code__startswith="1404").exists()
        assert not selectors.hometown_search(officer, CARDIOLOGY_IN_BEIJING).exists()


def test_the_spring_festival_exchange_brings_experts_home_from_four_cities(seeded: DemoResult) -> None:
    exchange = Activity.objects.get(title=demo.SPRING_FESTIVAL)
    people = [p.professional for p in exchange.participants.select_related("professional__institution__region")]
    cities = {selectors.city_of(p.institution.region) for p in people if p.institution}
    assert {"北京市", "上海市", "广州市", "太原市"} <= cities
    assert all(p.home_region and p.home_region.code.startswith("1404") for p in people)
    assert FollowUp.objects.filter(pledge__activity=exchange, owner__username="changzhi").count() == 6


def test_the_tcm_launch_the_alliance_lectures_and_the_programme_totals(seeded: DemoResult) -> None:
    association = Programme.objects.get(name=demo_programmes.ASSOCIATION)
    tcm = selectors.programme_activity_figures(association)
    assert tcm.attendance >= 200 and tcm.free_clinic_patients >= 100
    assert Activity.objects.get(title=demo.TCM_FREE_CLINIC).patients_served >= 100
    alliance = selectors.programme_activity_figures(Programme.objects.get(name=demo_programmes.ALLIANCE))
    assert Activity.objects.get(title=demo.ALLIANCE_LECTURES).attendance_count >= 500
    assert alliance.lectures == 1 and alliance.attendance >= 500


def test_the_county_delegation_spends_five_days_visiting_five_hospitals(seeded: DemoResult) -> None:
    tour = Activity.objects.get(title=demo.STUDY_TOUR)
    days = list(tour.itinerary.prefetch_related("institutions"))
    assert (tour.end_date - tour.start_date).days + 1 == len(days) == 5
    assert {i.name for d in days for i in d.institutions.all()} == set(demo.WEIHAI_HOSPITALS)
    assert tour.participants.filter(professional__institution__name="刚察县人民医院", attended=True).count() == 8


def test_the_course_has_enrolments_attendance_and_certificates(seeded: DemoResult) -> None:
    course = Activity.objects.get(title=demo.ALLIANCE_COURSE)
    sessions, grid = selectors.course_grid(course)
    assert len(sessions) == 5 and len(grid) == 12
    assert all(selectors.certificate_data(e) is not None for e, _cells in grid)


def test_seeding_again_creates_no_activities(seeded: DemoResult) -> None:
    before = Activity.objects.count()
    again = seed_demo()
    assert again.activities is not None and again.activities.activities == 0
    assert Activity.objects.count() == before
