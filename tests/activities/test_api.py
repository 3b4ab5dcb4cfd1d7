"""The activity endpoints of the JSON API."""

from __future__ import annotations

from typing import Any

from medbridge.accounts.models import User
from medbridge.activities.models import Activity, FollowUp
from medbridge.directory.models import Institution, Professional


def test_an_officer_creates_an_activity_invites_and_records_attendance(
    login: Any, city_officer: User, hospital_a: Institution, doctor_a: Professional
) -> None:
    client = login(city_officer)
    created = client.post(
        "/api/v1/activities",
        {
            "kind": "lecture",
            "title": "学术讲座",
            "start_date": "2025-03-28",
            "hosts": [{"institution_id": hospital_a.pk, "role": "host"}],
            "venue_id": hospital_a.pk,
            "attendance_count": 520,
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["hosts"] == [
        {"institution_id": hospital_a.pk, "institution_name": "长治市人民医院", "role": "host"}
    ]
    invited = client.post(
        f"/api/v1/activities/{pk}/participants", {"professional_id": doctor_a.pk}, content_type="application/json"
    )
    assert invited.status_code == 201 and invited.json()["rsvp"] == "invited"
    part = invited.json()["id"]
    client.post(
        f"/api/v1/activities/{pk}/participants/{part}/rsvp", {"rsvp": "accepted"}, content_type="application/json"
    )
    done = client.post(
        f"/api/v1/activities/{pk}/participants/{part}/attendance", {"attended": True}, content_type="application/json"
    )
    assert (done.json()["rsvp"], done.json()["attended"]) == ("accepted", True)


def test_errors_come_back_keyed_by_field_in_chinese(login: Any, city_officer: User) -> None:
    response = login(city_officer).post(
        "/api/v1/activities",
        {"kind": "lecture", "title": "", "start_date": "2025-03-28", "hosts": []},
        content_type="application/json",
    )
    assert response.status_code == 422
    fields = response.json()["error"]["fields"]
    assert fields["title"] == ["请填写活动名称"] and fields["hosts"] == ["请至少填写一个主办或承办单位"]


def test_the_hometown_search_shows_no_phone_and_is_closed_to_hospitals(
    login: Any, city_officer: User, admin_a: User, hometown: dict[str, Professional]
) -> None:
    response = login(city_officer).get(
        "/api/v1/hometown/talents", {"specialty": "03.04", "work_region": "110000", "min_title_rank": 3}
    )
    items = response.json()["items"]
    assert sorted(i["name"] for i in items) == ["申晋华", "郜立新"]
    assert set(items[0]) == {"id", "name", "title", "specialty", "department", "institution", "city", "home", "tags"}
    assert items[0]["city"] == "北京市"
    assert login(admin_a).get("/api/v1/hometown/talents").status_code == 403


def test_a_pledge_through_the_api_becomes_a_follow_up(
    login: Any, city_officer: User, hometown: dict[str, Professional], symposium: Activity
) -> None:
    client = login(city_officer)
    person = hometown["match_deputy"]
    created = client.post(
        f"/api/v1/hometown/talents/{person.pk}/pledges",
        {"area": "telemedicine", "content": "每周远程会诊", "pledged_on": "2026-02-19", "activity_id": symposium.pk},
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["status"] == "open"
    follow_up = FollowUp.objects.get()
    updated = client.patch(
        f"/api/v1/follow-ups/{follow_up.pk}",
        {"status": "in_progress", "note": "已接入平台"},
        content_type="application/json",
    )
    assert updated.json()["status"] == "in_progress"


def test_programme_activity_figures(login: Any, admin_a: User) -> None:
    assert login(admin_a).get("/api/v1/programmes/999999/activity-figures").status_code == 404
