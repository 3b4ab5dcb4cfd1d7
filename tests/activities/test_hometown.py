"""The hometown-talent pool: who an officer sees, what they see of them, the
search, and the network records (willingness, contacts, pledges → follow-ups)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from medbridge.accounts import access
from medbridge.accounts.models import User
from medbridge.activities import selectors, services
from medbridge.activities.models import Activity, FollowUp, FollowUpStatus
from medbridge.directory.models import Professional


def _names(qs: object) -> set[str]:
    return {p.name for p in qs}  # type: ignore[attr-defined]


def test_the_officer_sees_people_born_in_the_city_who_work_elsewhere(
    city_officer: User, hometown: dict[str, Professional]
) -> None:
    assert _names(access.hometown_talent_visible_to(city_officer)) == {
        "申晋华",
        "郜立新",
        "秦晓峰",
        "常海燕",
        "连振东",
    }


def test_an_officer_of_another_city_sees_none_of_them(taiyuan_officer: User, hometown: dict[str, Professional]) -> None:
    # 阎振宇 was born in 太原 but works in 北京: the 太原 officer's only native abroad.
    assert _names(access.hometown_talent_visible_to(taiyuan_officer)) == {"阎振宇"}
    with pytest.raises(Http404):
        access.access_hometown_talent(taiyuan_officer, hometown["match_chief"].pk)


def test_hospital_administrators_have_no_hometown_pool(admin_a: User, hometown: dict[str, Professional]) -> None:
    assert not access.hometown_talent_visible_to(admin_a).exists()
    assert not access.can_use_hometown_network(admin_a)


def test_the_cardiology_search_returns_exactly_the_senior_cardiologists_in_beijing(
    city_officer: User, hometown: dict[str, Professional]
) -> None:
    f = selectors.HometownFilter(specialty="03.04", work_region="110000", min_title_rank=3)
    assert _names(selectors.hometown_search(city_officer, f)) == {"申晋华", "郜立新"}
    # Loosening one condition at a time brings back exactly the near misses.
    loose_title = selectors.HometownFilter(specialty="03.04", work_region="110000")
    assert _names(selectors.hometown_search(city_officer, loose_title)) == {"申晋华", "郜立新", "秦晓峰"}
    anywhere = selectors.HometownFilter(specialty="03.04", min_title_rank=3)
    assert _names(selectors.hometown_search(city_officer, anywhere)) == {"申晋华", "郜立新", "连振东"}


def test_the_pool_page_shows_who_and_where_but_never_a_phone(
    login: object, city_officer: User, hometown: dict[str, Professional]
) -> None:
    client = login(city_officer)  # type: ignore[operator]
    page = client.get(
        "/activities/hometown/", {"specialty": "心血管内科专业", "work_region": "北京市", "min_title": "3"}
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "申晋华" in html and "郜立新" in html and "秦晓峰" not in html
    assert "首都医科大学附属京华医院" in html and "北京市" in html
    phone = hometown["match_chief"].phone
    assert phone and phone not in html and phone[-4:] not in html
    detail = client.get(f"/activities/hometown/{hometown['match_chief'].pk}/").content.decode()
    assert "申晋华" in detail and phone[-4:] not in detail


def test_the_pool_page_is_closed_to_another_citys_people_and_to_hospitals(
    login: object, taiyuan_officer: User, admin_a: User, hometown: dict[str, Professional]
) -> None:
    other = login(taiyuan_officer)  # type: ignore[operator]
    assert other.get(f"/activities/hometown/{hometown['match_chief'].pk}/").status_code == 404
    assert "申晋华" not in other.get("/activities/hometown/").content.decode()
    assert login(admin_a).get("/activities/hometown/").status_code == 403  # type: ignore[operator]


def test_tags_contacts_and_a_pledge_that_becomes_a_follow_up(
    city_officer: User, hometown: dict[str, Professional], symposium: Activity
) -> None:
    person = hometown["match_chief"]
    services.willingness_set(actor=city_officer, professional=person, tags=["teaching", "telemedicine"])
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
    follow_up = FollowUp.objects.get(pledge=pledge)
    assert (follow_up.owner, follow_up.status) == (city_officer, FollowUpStatus.OPEN)
    assert follow_up.due_date == date(2026, 2, 19) + timedelta(days=90)
    card = selectors.talent_cards(city_officer, [person])[0]
    assert card.tags == ("带教培训", "远程医疗")
    f = selectors.HometownFilter(tag="telemedicine")
    assert _names(selectors.hometown_search(city_officer, f)) == {"申晋华"}
    services.follow_up_update(actor=city_officer, follow_up=follow_up, status="done", note="已完成首次查房")
    assert list(selectors.follow_up_list(city_officer, status="done")) == [follow_up]


def test_another_city_cannot_record_against_someone_outside_its_pool(
    taiyuan_officer: User, hometown: dict[str, Professional]
) -> None:
    with pytest.raises(Http404):
        services.willingness_set(actor=taiyuan_officer, professional=hometown["match_chief"], tags=["teaching"])


def test_a_hospital_cannot_keep_a_hometown_network(admin_a: User, hometown: dict[str, Professional]) -> None:
    with pytest.raises(PermissionDenied):
        services.contact_record(
            actor=admin_a, professional=hometown["junior"], contacted_on=date(2026, 1, 1), channel="phone", summary="x"
        )


def test_a_pledge_without_content_is_refused_in_chinese(city_officer: User, hometown: dict[str, Professional]) -> None:
    with pytest.raises(ValidationError) as error:
        services.pledge_record(
            actor=city_officer,
            data=services.PledgeData(
                professional=hometown["junior"],
                area="clinics",
                content=" ",
                pledged_on=date(2026, 2, 19),
                due_date=date(2026, 1, 1),
            ),
        )
    assert error.value.message_dict == {"content": ["请填写承诺内容"], "due_date": ["完成期限不能早于承诺日期"]}
