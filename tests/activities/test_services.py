"""Activity rules as a user meets them: who may run an activity, the invitation
from RSVP to attendance, courses with places, attendance and certificates,
study-tour itineraries."""

from __future__ import annotations

import re
import threading
import zlib
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from medbridge.accounts import access
from medbridge.accounts.models import Role, User
from medbridge.activities import certificates, selectors, services
from medbridge.activities.models import Activity, ActivityKind, Enrolment, HostRole, Rsvp
from medbridge.directory.models import Institution, Professional
from tests.factories import InstitutionFactory, ProfessionalFactory, UserFactory, region


def _data(host: Institution, **overrides: Any) -> services.ActivityData:
    values: dict[str, Any] = {
        "kind": ActivityKind.FREE_CLINIC,
        "title": "专家义诊",
        "start_date": date(2025, 4, 18),
        "hosts": [services.HostData(host, HostRole.HOST)],
        "venue": host,
    }
    return services.ActivityData(**(values | overrides))


def test_an_officer_runs_an_activity_in_their_city_and_others_see_it_only_in_scope(
    city_officer: User, hospital_a: Institution, outsider: User, admin_a: User
) -> None:
    activity = services.activity_create(actor=city_officer, data=_data(hospital_a))
    assert activity.end_date == activity.start_date
    assert access.activities_visible_to(admin_a).filter(pk=activity.pk).exists()
    assert not access.activities_visible_to(outsider).filter(pk=activity.pk).exists()


def test_no_one_may_make_another_citys_hospital_run_their_activity(
    outsider: User, hospital_a: Institution, hospital_b: Institution
) -> None:
    with pytest.raises(PermissionDenied):
        services.activity_create(actor=outsider, data=_data(hospital_a))
    # As a co-organiser it may be named, when the actor's own side runs it.
    hosts = [services.HostData(hospital_b, HostRole.ORGANISER), services.HostData(hospital_a, HostRole.CO_ORGANISER)]
    assert services.activity_create(actor=outsider, data=_data(hospital_b, hosts=hosts)).hosts.count() == 2


def test_bad_input_gets_chinese_messages_on_every_field(city_officer: User, hospital_a: Institution) -> None:
    data = _data(hospital_a, title=" ", end_date=date(2025, 4, 1), hosts=[], venue=None, attendance_count=-1)
    with pytest.raises(ValidationError) as error:
        services.activity_create(actor=city_officer, data=data)
    assert error.value.message_dict == {
        "title": ["请填写活动名称"],
        "end_date": ["结束日期不能早于开始日期"],
        "venue": ["请填写举办机构，或填写举办地区和地址"],
        "hosts": ["请至少填写一个主办或承办单位"],
        "attendance_count": ["不能为负数"],
    }


def test_an_invitation_is_answered_by_the_invitee_and_attendance_marked_by_the_organiser(
    city_officer: User, symposium: Activity, beijing_hospital: Institution
) -> None:
    guest = ProfessionalFactory(name="申晋华", institution=beijing_hospital)
    invitee = UserFactory(username="shen", role=Role.PROFESSIONAL, professional=guest)
    stranger = UserFactory(username="other", role=Role.PROFESSIONAL, professional=ProfessionalFactory())
    participant = services.participant_invite(actor=city_officer, activity=symposium, professional=guest, role="expert")
    assert access.activities_visible_to(invitee).filter(pk=symposium.pk).exists()
    with pytest.raises(PermissionDenied):
        services.participant_respond(actor=stranger, participant=participant, rsvp=Rsvp.DECLINED)
    services.participant_respond(actor=invitee, participant=participant, rsvp=Rsvp.ACCEPTED)
    with pytest.raises(PermissionDenied):
        services.attendance_record(actor=invitee, participant=participant, attended=True)
    services.attendance_record(actor=city_officer, participant=participant, attended=True)
    assert selectors.rsvp_summary(symposium) == selectors.RsvpSummary(invited=1, accepted=1, declined=0, attended=1)


def test_one_invitation_per_person_and_no_attendance_before_the_day(
    city_officer: User, symposium: Activity, doctor_a: Professional
) -> None:
    participant = services.participant_invite(
        actor=city_officer, activity=symposium, professional=doctor_a, role="guest"
    )
    with pytest.raises(ValidationError) as error:
        services.participant_invite(actor=city_officer, activity=symposium, professional=doctor_a, role="guest")
    assert error.value.message_dict == {"professional": ["“李明”已在本活动的名单中"]}
    with pytest.raises(ValidationError) as error:
        services.attendance_record(actor=city_officer, participant=participant, attended=True, today=date(2026, 2, 1))
    assert error.value.message_dict == {"attended": ["活动尚未开始，不能登记出席"]}


@pytest.fixture
def course(city_officer: User, hospital_a: Institution) -> Activity:
    data = _data(
        hospital_a, kind=ActivityKind.COURSE, title="基层骨科骨干培训班", end_date=date(2025, 4, 20), capacity=2
    )
    return services.activity_create(actor=city_officer, data=data)


def test_a_full_course_refuses_one_more_trainee(city_officer: User, course: Activity) -> None:
    for _ in range(2):
        services.enrol(actor=city_officer, activity=course, professional=ProfessionalFactory())
    with pytest.raises(ValidationError) as error:
        services.enrol(actor=city_officer, activity=course, professional=ProfessionalFactory())
    assert error.value.message_dict == {"professional": ["名额已满（2 人）"]}


# SQLite's in-memory test database fails concurrent writers with shared-cache table
# locks instead of queueing them (a file database queues them: BEGIN IMMEDIATE), so
# the race is run where the row lock does the work.
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the row lock under PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_organisers_enrolling_the_last_place_at_once_never_overbook(hospital_a: Institution) -> None:
    officer = UserFactory(username="cz", role=Role.COMMISSION_OFFICER, region=region("140400"))
    course = services.activity_create(
        actor=officer, data=_data(hospital_a, kind=ActivityKind.COURSE, title="培训班", capacity=1)
    )
    people = [ProfessionalFactory(), ProfessionalFactory()]
    outcomes: list[str] = []

    def enrol(person: Professional) -> None:
        try:
            services.enrol(actor=officer, activity=course, professional=person)
            outcomes.append("ok")
        except ValidationError:
            outcomes.append("full")
        finally:
            connection.close()

    threads = [threading.Thread(target=enrol, args=(p,)) for p in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["full", "ok"]
    assert Enrolment.objects.filter(activity=course).count() == 1


def test_attendance_per_session_makes_the_certificate(city_officer: User, course: Activity) -> None:
    trainee = ProfessionalFactory(name="王磊")
    absent = ProfessionalFactory(name="赵敏")
    e1 = services.enrol(actor=city_officer, activity=course, professional=trainee)
    e2 = services.enrol(actor=city_officer, activity=course, professional=absent)
    s1 = services.session_add(
        actor=city_officer, activity=course, day=date(2025, 4, 18), topic="骨折处置", hours=Decimal(3)
    )
    services.session_add(actor=city_officer, activity=course, day=date(2025, 4, 19), topic="关节置换", hours=Decimal(4))
    services.session_attendance_set(actor=city_officer, session=s1, present=[e1])
    data = selectors.certificate_data(e1)
    assert data is not None
    assert (data.name, data.sessions_attended, data.sessions_total, data.hours) == ("王磊", 1, 2, Decimal(3))
    assert selectors.certificate_data(e2) is None
    assert "兹证明" in certificates.render_html(data) and "王磊" in certificates.render_html(data)
    pdf = certificates.render_pdf(data)
    # The Chinese is set in an embedded CJK font, not in boxes.
    assert pdf.startswith(b"%PDF") and b"/BaseFont /" in _inflated(pdf) and b"WenQuanYi-Micro-Hei" in _inflated(pdf)


def _inflated(pdf: bytes) -> bytes:
    """The PDF's compressed streams (fonts live in object streams), inflated."""
    streams = re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S)
    return b"".join(zlib.decompressobj().decompress(s) for s in streams)


def test_sessions_must_fall_inside_the_course(city_officer: User, course: Activity) -> None:
    with pytest.raises(ValidationError) as error:
        services.session_add(actor=city_officer, activity=course, day=date(2025, 5, 1), topic=" ", hours=Decimal(20))
    assert error.value.message_dict == {
        "day": ["日期须在课程起止日期之内"],
        "topic": ["请填写主题"],
        "hours": ["学时应在 0.5 到 12 之间"],
    }


def test_a_study_tour_has_one_itinerary_entry_per_day(weihai_officer: User, weihai_hospital: Institution) -> None:
    other = InstitutionFactory(name="威海市中心医院", region=region("371002"))
    tour = services.activity_create(
        actor=weihai_officer,
        data=_data(
            weihai_hospital,
            kind=ActivityKind.STUDY_TOUR,
            title="考察",
            start_date=date(2025, 6, 14),
            end_date=date(2025, 6, 18),
        ),
    )
    services.itinerary_day_set(
        actor=weihai_officer, activity=tour, day=date(2025, 6, 14), institutions=[weihai_hospital]
    )
    services.itinerary_day_set(actor=weihai_officer, activity=tour, day=date(2025, 6, 14), institutions=[other])
    assert [list(d.institutions.all()) for d in tour.itinerary.all()] == [[other]]
    with pytest.raises(ValidationError):
        services.itinerary_day_set(actor=weihai_officer, activity=tour, day=date(2025, 6, 19), institutions=[])
    with pytest.raises(ValidationError):
        data = _data(weihai_hospital, kind=ActivityKind.STUDY_TOUR, title="考察", start_date=date(2025, 6, 15))
        services.activity_update(actor=weihai_officer, activity=tour, data=data)


def test_writes_are_audited_in_the_actors_name_including_the_programmes_an_activity_joins(
    admin_a: User, hospital_a: Institution, doctor_a: Professional
) -> None:
    from auditlog.models import LogEntry

    from medbridge.programmes import services as programme_services
    from medbridge.programmes.models import PartyRole, ProgrammeKind

    programme = programme_services.programme_create(
        actor=admin_a,
        data=programme_services.ProgrammeData(kind=ProgrammeKind.OTHER, name="项目", start_date=date(2021, 1, 1)),
        first_party=programme_services.PartyData(institution=hospital_a, role=PartyRole.LEAD),
    )
    activity = services.activity_create(actor=admin_a, data=_data(hospital_a, programmes=[programme]))
    participant = services.participant_invite(actor=admin_a, activity=activity, professional=doctor_a, role="guest")
    entries = list(LogEntry.objects.get_for_object(activity))
    assert {e.actor for e in entries} == {admin_a}
    assert LogEntry.Action.CREATE in {e.action for e in entries}
    assert any("programmes" in (e.changes_dict or {}) for e in entries)
    assert LogEntry.objects.get_for_object(participant).get().actor == admin_a
