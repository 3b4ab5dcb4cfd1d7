"""The public pages without an account, and the host's pages."""

from __future__ import annotations

from datetime import time, timedelta
from io import BytesIO
from typing import Any

from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from medbridge.accounts.models import User
from medbridge.clinics.models import Booking, ClinicSession
from medbridge.directory.models import Institution
from tests.clinics.conftest import book
from tests.factories import ClinicSessionFactory, InstitutionFactory, region


def test_the_public_calendar_lists_upcoming_sessions_with_remaining_places(session: ClinicSession) -> None:
    book(session, 1)
    ClinicSessionFactory(
        expert=session.expert, host=session.host, kind="teaching_rounds", start_time=time(13), end_time=time(15)
    )

    page = Client().get("/clinics/")

    text = page.content.decode()
    assert page.status_code == 200
    assert session.expert.name in text and "余 19 个号" in text
    assert "教学查房" not in text  # rounds are for the host's staff, not the public


def test_the_public_calendar_filters_by_place(session: ClinicSession) -> None:
    elsewhere = InstitutionFactory(name="太原市某医院", region=region("140100"))
    other = ClinicSessionFactory(host=elsewhere)

    text = Client().get("/clinics/", {"region": "140400"}).content.decode()

    assert session.expert.name in text and other.expert.name not in text


def test_a_patient_books_without_an_account_and_sees_the_code(session: ClinicSession) -> None:
    client = Client()
    form = {"patient_name": "张三", "phone": "13912345678", "consent": "on"}

    response = client.post(f"/clinics/sessions/{session.pk}/book/", form, follow=True)

    booking = Booking.objects.get()
    assert booking.code in response.content.decode() and "预约成功" in response.content.decode()
    assert Client().get(f"/clinics/booked/{booking.code}/").status_code == 302  # nobody else sees it


def test_a_booking_without_consent_is_refused_with_the_reason(session: ClinicSession) -> None:
    response = Client().post(f"/clinics/sessions/{session.pk}/book/", {"patient_name": "张三", "phone": "13912345678"})

    assert response.status_code == 200
    assert "请阅读并同意" in response.content.decode()
    assert not Booking.objects.exists()


def test_a_patient_cancels_with_code_and_phone(session: ClinicSession) -> None:
    booking = book(session, 1)

    response = Client().post("/clinics/cancel/", {"code": booking.code, "phone": "13900000001"})

    assert "已取消" in response.content.decode()
    booking.refresh_from_db()
    assert booking.status == "cancelled"


def test_the_expert_page_shows_title_home_hospital_and_sessions(session: ClinicSession) -> None:
    text = Client().get(f"/clinics/experts/{session.expert.pk}/").content.decode()

    assert session.expert.name in text and session.expert.institution.name in text
    assert Client().get(f"/clinics/experts/{session.host.pk + 999}/").status_code == 404


def test_the_desk_checks_patients_in_and_records_walk_ins(login: Any, admin_a: User, session: ClinicSession) -> None:
    booking = book(session, 1)
    ClinicSession.objects.filter(pk=session.pk).update(date=timezone.localdate())
    client = login(admin_a)

    client.post(f"/clinics/manage/{session.pk}/bookings/{booking.pk}/check-in/")
    client.post(f"/clinics/manage/{session.pk}/walk-ins/", {"walk_ins": "3"})
    page = client.get(f"/clinics/manage/{session.pk}/").content.decode()

    session.refresh_from_db()
    assert (session.checked_in, session.walk_ins, session.visits) == (1, 3, 4)
    assert "139****0001" in page and "13900000001" not in page


def test_the_roster_exports_to_excel_with_masked_phones(login: Any, admin_a: User, session: ClinicSession) -> None:
    book(session, 1)

    response = login(admin_a).get(f"/clinics/manage/{session.pk}/roster.xlsx")

    sheet = load_workbook(BytesIO(response.content)).active
    cells = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert "139****0001" in cells and "13900000001" not in cells
    assert "已预约" in cells
    assert login(admin_a).get(f"/clinics/manage/{session.pk}/print/").status_code == 200


def test_an_outsider_sees_nothing_of_another_hospitals_clinics(
    login: Any, outsider: User, session: ClinicSession
) -> None:
    client = login(outsider)

    assert client.get(f"/clinics/manage/{session.pk}/").status_code == 404
    assert session.expert.name not in client.get("/clinics/manage/").content.decode()


def test_the_host_plans_a_weekly_clinic_on_the_page(
    login: Any, admin_a: User, hospital_a: Institution, session: ClinicSession
) -> None:
    start = timezone.localdate() + timedelta(days=30)
    form = {
        "expert": session.expert.pk,
        "host": hospital_a.pk,
        "kind": "clinic",
        "weekday": str(start.weekday()),
        "start_time": "14:00",
        "end_time": "17:00",
        "capacity": "15",
        "first_date": start.isoformat(),
        "last_date": (start + timedelta(days=21)).isoformat(),
    }

    response = login(admin_a).post("/clinics/manage/new/", form, follow=True)

    assert "已排 4 场坐诊" in response.content.decode()
    assert ClinicSession.objects.filter(capacity=15).count() == 4


def test_cancelling_a_session_on_the_page_needs_a_reason(login: Any, admin_a: User, session: ClinicSession) -> None:
    client = login(admin_a)

    refused = client.post(f"/clinics/manage/{session.pk}/cancel/", {"reason": "", "scope": "one"}, follow=True)
    assert "请填写停诊原因" in refused.content.decode()
    client.post(f"/clinics/manage/{session.pk}/cancel/", {"reason": "专家出差", "scope": "one"})

    session.refresh_from_db()
    assert session.status == "cancelled" and session.cancel_reason == "专家出差"
