"""An activity's records read across activities through /api/v1/: participants,
course classes and enrolments with their certificate, and the hometown network's
willingness, contacts and pledges, which only the network's commission reads."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from medbridge.accounts.models import User
from medbridge.activities import services
from medbridge.activities.models import Activity, ActivityKind, HostRole
from medbridge.directory.models import Institution, Professional


def test_participants_are_filtered_across_activities_by_person_and_reply(
    login: Any, city_officer: User, outsider: User, symposium: Activity, doctor_a: Professional
) -> None:
    participant = services.participant_invite(
        actor=city_officer, activity=symposium, professional=doctor_a, role="expert"
    )
    client = login(city_officer)
    body = client.get("/api/v1/participants", {"professional": doctor_a.pk, "rsvp": "invited"}).json()
    assert [(p["activity_id"], p["professional_name"]) for p in body["items"]] == [(symposium.pk, "李明")]
    assert client.get("/api/v1/participants", {"rsvp": "accepted"}).json()["count"] == 0
    response = login(outsider).get(f"/api/v1/participants/{participant.pk}")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_an_enrolment_carries_its_attendance_and_certificate(
    login: Any, city_officer: User, hospital_a: Institution, doctor_a: Professional
) -> None:
    course = services.activity_create(
        actor=city_officer,
        data=services.ActivityData(
            kind=ActivityKind.COURSE,
            title="心血管介入培训班",
            start_date=date(2025, 4, 7),
            end_date=date(2025, 4, 9),
            hosts=[services.HostData(hospital_a, HostRole.ORGANISER)],
            venue=hospital_a,
        ),
    )
    first = services.session_add(
        actor=city_officer, activity=course, day=date(2025, 4, 7), topic="冠脉造影", hours=Decimal(3)
    )
    services.session_add(actor=city_officer, activity=course, day=date(2025, 4, 8), topic="支架植入", hours=Decimal(3))
    enrolment = services.enrol(actor=city_officer, activity=course, professional=doctor_a)
    services.session_attendance_set(actor=city_officer, session=first, present=[enrolment])
    client = login(city_officer)
    assert client.get("/api/v1/course-sessions", {"activity": course.pk}).json()["count"] == 2
    [row] = client.get("/api/v1/enrolments", {"professional": doctor_a.pk}).json()["items"]
    assert row["attended_session_ids"] == [first.pk]
    certificate = client.get(f"/api/v1/enrolments/{enrolment.pk}").json()["certificate"]
    assert (certificate["sessions_attended"], certificate["sessions_total"], certificate["hours"]) == (1, 2, 3.0)


def test_the_hometown_network_is_read_by_its_commission_and_refused_to_hospitals(
    login: Any, city_officer: User, admin_a: User, hometown: dict[str, Professional], symposium: Activity
) -> None:
    person = hometown["match_chief"]
    services.willingness_set(actor=city_officer, professional=person, tags=["teaching"])
    services.contact_record(
        actor=city_officer, professional=person, contacted_on=date(2026, 1, 30), channel="phone", summary="邀请返乡座谈"
    )
    pledge = services.pledge_record(
        actor=city_officer,
        data=services.PledgeData(
            professional=person,
            area="teaching",
            content="每季度回乡教学查房",
            pledged_on=date(2026, 2, 19),
            activity=symposium,
        ),
    )
    client = login(city_officer)
    [row] = client.get("/api/v1/hometown/pledges", {"activity": symposium.pk}).json()["items"]
    assert (row["content"], row["follow_up_id"]) == ("每季度回乡教学查房", pledge.follow_up.pk)
    assert client.get(f"/api/v1/follow-ups/{row['follow_up_id']}").json()["pledge_id"] == pledge.pk
    assert client.get("/api/v1/hometown/contacts", {"channel": "wechat"}).json()["count"] == 0
    assert (
        client.get("/api/v1/hometown/willingness", {"professional": person.pk}).json()["items"][0]["tag"] == "teaching"
    )
    assert client.get(f"/api/v1/hometown/talents/{person.pk}").json()["name"] == "申晋华"
    refused = login(admin_a).get(f"/api/v1/hometown/pledges/{pledge.pk}")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
