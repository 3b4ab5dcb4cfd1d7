"""The activity pages as a commission officer and a hospital use them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from medbridge.accounts.models import User
from medbridge.activities import services
from medbridge.activities.models import Activity, ActivityKind, Participant, Rsvp
from medbridge.directory.models import Institution, Professional
from tests.factories import ProfessionalFactory


def test_an_officer_records_an_activity_through_the_form(
    login: Any, city_officer: User, hospital_a: Institution
) -> None:
    client = login(city_officer)
    response = client.post(
        "/activities/new/",
        {
            "kind": "free_clinic",
            "title": "专家义诊",
            "organisers": "长治市人民医院",
            "start_date": "2025-04-18",
            "venue": "长治市人民医院",
            "patients_served": "126",
        },
    )
    activity = Activity.objects.get(title="专家义诊")
    assert response.status_code == 302 and response["Location"] == f"/activities/{activity.pk}/"
    assert (activity.patients_served, list(activity.hosts.values_list("role", flat=True))) == (126, ["organiser"])
    listing = client.get("/activities/", {"q": "义诊"}).content.decode()
    assert "专家义诊" in listing


def test_the_form_keeps_what_was_typed_and_says_what_is_wrong(login: Any, city_officer: User) -> None:
    response = login(city_officer).post(
        "/activities/new/",
        {
            "kind": "lecture",
            "title": "学术讲座",
            "organisers": "不存在医院",
            "start_date": "2025-04-18",
            "end_date": "2025-04-01",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "机构名录中没有“不存在医院”" in html and 'value="学术讲座"' in html


def test_an_invitation_is_answered_and_attendance_marked_on_the_page(
    login: Any, city_officer: User, symposium: Activity, doctor_a: Professional
) -> None:
    client = login(city_officer)
    client.post(f"/activities/{symposium.pk}/invite/", {"professional": doctor_a.pk, "role": "expert"})
    participant = Participant.objects.get(activity=symposium, professional=doctor_a)
    client.post(f"/activities/{symposium.pk}/participants/{participant.pk}/rsvp/", {"rsvp": "accepted"})
    client.post(f"/activities/{symposium.pk}/participants/{participant.pk}/attendance/", {"attended": "yes"})
    participant.refresh_from_db()
    assert (participant.rsvp, participant.attended) == (Rsvp.ACCEPTED, True)
    html = client.get(f"/activities/{symposium.pk}/").content.decode()
    assert "已邀请 1 人，接受 1 人，婉拒 0 人，出席 1 人" in html


def test_an_outsider_finds_nothing_and_cannot_edit(login: Any, outsider: User, symposium: Activity) -> None:
    client = login(outsider)
    assert client.get(f"/activities/{symposium.pk}/").status_code == 404
    assert client.post(f"/activities/{symposium.pk}/edit/", {}).status_code == 404
    assert "春节" not in client.get("/activities/").content.decode()


def test_a_trainee_downloads_the_certificate_and_a_stranger_cannot(
    login: Any, city_officer: User, hospital_a: Institution, admin_a: User, outsider: User
) -> None:
    course = services.activity_create(
        actor=city_officer,
        data=services.ActivityData(
            kind=ActivityKind.COURSE,
            title="培训班",
            start_date=date(2025, 5, 12),
            end_date=date(2025, 5, 13),
            hosts=[services.HostData(hospital_a, "organiser")],
            venue=hospital_a,
        ),
    )
    enrolment = services.enrol(actor=city_officer, activity=course, professional=ProfessionalFactory(name="王磊"))
    session = services.session_add(
        actor=city_officer, activity=course, day=date(2025, 5, 12), topic="骨折", hours=Decimal(2)
    )
    client = login(city_officer)
    url = f"/activities/{course.pk}/enrolments/{enrolment.pk}/certificate.pdf"
    assert client.get(url).status_code == 404  # nothing attended yet
    client.post(f"/activities/{course.pk}/sessions/{session.pk}/attendance/", {"present": [enrolment.pk]})
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    # The organising hospital's administrator may issue it; another city's may not even see it.
    assert login(admin_a).get(url).status_code == 200
    assert login(outsider).get(url).status_code == 404
    html = client.get(f"/activities/{course.pk}/").content.decode()
    assert "✓" in html and "certificate.pdf" in html
