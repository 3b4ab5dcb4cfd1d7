"""The smaller activity pages: attachments, itinerary, sessions and follow-ups."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from medbridge.accounts.models import User
from medbridge.activities import services
from medbridge.activities.models import Activity, ActivityKind, FollowUp, FollowUpStatus, HostRole
from medbridge.directory.models import Institution, Professional


def test_an_attachment_is_uploaded_and_served_only_to_those_who_see_the_activity(
    login: Any, city_officer: User, outsider: User, symposium: Activity
) -> None:
    client = login(city_officer)
    pdf = SimpleUploadedFile("议程.pdf", b"%PDF-1.4 agenda", content_type="application/pdf")
    client.post(f"/activities/{symposium.pk}/attachments/new/", {"title": "会议议程", "file": pdf})
    attachment = symposium.attachments.get()
    url = f"/activities/{symposium.pk}/attachments/{attachment.pk}/file/"
    assert b"".join(client.get(url).streaming_content) == b"%PDF-1.4 agenda"  # type: ignore[attr-defined]
    assert login(outsider).get(url).status_code == 404
    exe = SimpleUploadedFile("virus.exe", b"MZ", content_type="application/octet-stream")
    page = client.post(f"/activities/{symposium.pk}/attachments/new/", {"title": "程序", "file": exe})
    assert "只接受 PDF、图片、Word、Excel 或 PPT 文件" in page.content.decode()
    assert symposium.attachments.count() == 1


def test_a_study_tour_day_is_planned_on_its_page(
    login: Any, weihai_officer: User, weihai_hospital: Institution, gangcha_hospital: Institution
) -> None:
    tour = services.activity_create(
        actor=weihai_officer,
        data=services.ActivityData(
            kind=ActivityKind.STUDY_TOUR,
            title="刚察县代表团赴威海考察",
            start_date=date(2025, 6, 14),
            end_date=date(2025, 6, 18),
            hosts=[services.HostData(weihai_hospital, HostRole.ORGANISER)],
            venue=weihai_hospital,
        ),
    )
    client = login(weihai_officer)
    client.post(
        f"/activities/{tour.pk}/itinerary/",
        {"day": "2025-06-15", "summary": "考察威海市立医院", "institutions": "威海市立医院"},
    )
    html = client.get(f"/activities/{tour.pk}/").content.decode()
    assert "2025-06-15" in html and "考察威海市立医院" in html
    outside = client.post(f"/activities/{tour.pk}/itinerary/", {"day": "2025-07-01", "institutions": ""})
    assert "日期须在活动起止日期之内" in outside.content.decode()


def test_the_officer_moves_a_follow_up_along_and_another_city_cannot_see_it(
    login: Any, city_officer: User, taiyuan_officer: User, hometown: dict[str, Professional], symposium: Activity
) -> None:
    services.pledge_record(
        actor=city_officer,
        data=services.PledgeData(
            professional=hometown["match_chief"], area="clinics", content="每月回乡坐诊", pledged_on=date(2026, 2, 19)
        ),
    )
    follow_up = FollowUp.objects.get()
    client = login(city_officer)
    assert "每月回乡坐诊" in client.get("/activities/follow-ups/", {"mine": "1"}).content.decode()
    client.post(f"/activities/follow-ups/{follow_up.pk}/", {"status": "in_progress", "note": "已排班"})
    follow_up.refresh_from_db()
    assert (follow_up.status, follow_up.note) == (FollowUpStatus.IN_PROGRESS, "已排班")
    other = login(taiyuan_officer)
    assert other.get(f"/activities/follow-ups/{follow_up.pk}/").status_code == 404
    assert "每月回乡坐诊" not in other.get("/activities/follow-ups/").content.decode()


def test_the_officer_records_willingness_a_contact_and_a_pledge_on_the_card(
    login: Any, city_officer: User, hometown: dict[str, Professional], symposium: Activity
) -> None:
    person = hometown["match_deputy"]
    client = login(city_officer)
    base = f"/activities/hometown/{person.pk}"
    client.post(f"{base}/tags/", {"tags": ["research", "teaching"]})
    client.post(f"{base}/contacts/", {"contacted_on": "2026-01-20", "channel": "wechat", "summary": "春节返乡意向"})
    client.post(
        f"{base}/pledges/",
        {"area": "research", "content": "联合申报课题", "pledged_on": "2026-02-19", "activity": symposium.pk},
    )
    html = client.get(f"{base}/").content.decode()
    assert "科研合作" in html and "春节返乡意向" in html and "联合申报课题" in html
    assert FollowUp.objects.get().pledge.activity == symposium
