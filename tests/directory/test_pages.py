"""The directory pages as a hospital's medical-affairs office uses them."""

from __future__ import annotations

from typing import Any

from auditlog.models import LogEntry

from medbridge.accounts.models import User
from medbridge.directory.models import Department, Institution, Professional
from tests.factories import ProfessionalFactory


def test_the_institution_list_searches_by_name(
    login: Any, sysadmin: User, hospital_a: Institution, hospital_b: Institution
) -> None:
    page = login(sysadmin).get("/directory/institutions/", {"q": "长治"}).content.decode()
    assert hospital_a.name in page and hospital_b.name not in page


def test_the_institution_list_filters_by_region_subtree(
    login: Any, sysadmin: User, hospital_a: Institution, hospital_b: Institution
) -> None:
    page = login(sysadmin).get("/directory/institutions/", {"region": "140100"}).content.decode()
    assert hospital_b.name in page and hospital_a.name not in page


def test_an_empty_search_says_so(login: Any, sysadmin: User, hospital_a: Institution) -> None:
    page = login(sysadmin).get("/directory/institutions/", {"q": "不存在的医院"}).content.decode()
    assert "没有符合条件的机构" in page


def test_the_professional_list_paginates(login: Any, admin_a: User, hospital_a: Institution) -> None:
    ProfessionalFactory.create_batch(30, institution=hospital_a)
    client = login(admin_a)
    first = client.get("/directory/professionals/").content.decode()
    second = client.get("/directory/professionals/", {"page": 2}).content.decode()
    assert "第 1 / 2 页，共 30 条" in first
    assert "第 2 / 2 页" in second


def test_an_officer_registers_an_institution_through_the_form(login: Any, city_officer: User) -> None:
    response = login(city_officer).post(
        "/directory/institutions/new/",
        {"name": "长治市第二人民医院", "category": "A1", "grade": "3B", "region": "长治市"},
    )
    institution = Institution.objects.get(name="长治市第二人民医院")
    assert response.status_code == 302 and response["Location"].endswith(f"/{institution.pk}/")
    assert institution.region.code == "140400"


def test_the_form_shows_a_chinese_error_beside_the_field(
    login: Any, city_officer: User, hospital_a: Institution
) -> None:
    response = login(city_officer).post(
        "/directory/institutions/new/", {"name": hospital_a.name, "category": "A1", "region": "140400"}
    )
    assert response.status_code == 200
    assert "已存在同名机构" in response.content.decode()
    assert Institution.objects.filter(name=hospital_a.name).count() == 1


def test_an_officer_cannot_register_in_another_city_through_the_form(login: Any, city_officer: User) -> None:
    response = login(city_officer).post(
        "/directory/institutions/new/", {"name": "太原某医院", "category": "A1", "region": "140100"}
    )
    assert response.status_code == 403
    assert not Institution.objects.filter(name="太原某医院").exists()


def test_an_admin_adds_a_department_and_a_professional(login: Any, admin_a: User, hospital_a: Institution) -> None:
    client = login(admin_a)
    client.post(f"/directory/institutions/{hospital_a.pk}/departments/new/", {"name": "心内科", "specialty": "03.04"})
    department = Department.objects.get(institution=hospital_a, name="心内科")
    response = client.post(
        "/directory/professionals/new/",
        {
            "name": "陈六",
            "sex": "2",
            "profession": "physician",
            "title": "232",
            "institution": hospital_a.pk,
            "department": department.pk,
            "home_region": "140400",
            "phone": "13611112222",
        },
    )
    person = Professional.objects.get(name="陈六")
    assert response.status_code == 302
    assert person.department == department and person.title.name == "副主任医师"


def test_every_write_through_the_pages_is_in_the_audit_log(
    login: Any, admin_a: User, auditor: User, hospital_a: Institution
) -> None:
    login(admin_a).post(
        f"/directory/institutions/{hospital_a.pk}/edit/",
        {"name": hospital_a.name, "category": "A1", "grade": "3A", "region": "140400", "address": "英雄北路1号"},
    )
    entry = LogEntry.objects.get_for_object(hospital_a).latest("timestamp")
    assert entry.actor == admin_a
    assert entry.changes_dict["address"] == ["", "英雄北路1号"]
    assert "英雄北路1号" in login(auditor).get("/accounts/audit/").content.decode()


def test_the_audit_log_masks_phone_numbers(login: Any, admin_a: User, doctor_a: Professional) -> None:
    entry = LogEntry.objects.get_for_object(doctor_a).latest("timestamp")
    assert "13812345678" not in str(entry.changes)


def test_pages_render_in_english(login: Any, sysadmin: User, hospital_a: Institution) -> None:
    client = login(sysadmin)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/directory/institutions/").content.decode()
    assert 'lang="en"' in page
    assert "Institution directory" in page and "机构名录" not in page


def test_chinese_is_the_default_even_for_an_english_browser(login: Any, sysadmin: User) -> None:
    response = login(sysadmin).get("/directory/institutions/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert 'lang="zh-hans"' in response.content.decode()
    assert "机构名录" in response.content.decode()
