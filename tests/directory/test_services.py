"""The directory's rules, which pages, API, importer and CLI all go through."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from medbridge.accounts.models import User
from medbridge.directory import services
from medbridge.directory.models import Institution, InstitutionCategory, Professional
from tests.factories import region


def _data(**overrides: object) -> services.InstitutionData:
    values: dict[str, object] = {
        "name": "潞州区人民医院",
        "category": InstitutionCategory.objects.get(code="A1"),
        "region": region("140400"),
    }
    return services.InstitutionData(**(values | overrides))  # type: ignore[arg-type]


def test_an_officer_registers_an_institution_inside_the_city(city_officer: User) -> None:
    institution = services.institution_create(actor=city_officer, data=_data())
    assert institution.region.code == "140400"


def test_an_officer_cannot_register_an_institution_in_another_city(city_officer: User) -> None:
    with pytest.raises(PermissionDenied):
        services.institution_create(actor=city_officer, data=_data(region=region("140100")))
    assert not Institution.objects.filter(name="潞州区人民医院").exists()


def test_institution_names_are_unique_regardless_of_case(city_officer: User, hospital_a: Institution) -> None:
    with pytest.raises(ValidationError) as error:
        services.institution_create(actor=city_officer, data=_data(name=" 长治市人民医院 "))
    assert "已存在同名机构" in error.value.message_dict["name"][0]


def test_only_hospitals_have_a_grade(sysadmin: User) -> None:
    from medbridge.directory.models import HospitalGrade

    cdc = InstitutionCategory.objects.get(code="J1")
    with pytest.raises(ValidationError) as error:
        services.institution_create(
            actor=sysadmin, data=_data(category=cdc, grade=HospitalGrade.objects.get(code="3A"))
        )
    assert "grade" in error.value.message_dict


def test_an_institution_cannot_be_its_own_group(sysadmin: User, hospital_a: Institution) -> None:
    with pytest.raises(ValidationError) as error:
        services.institution_update(
            actor=sysadmin, institution=hospital_a, data=_data(name=hospital_a.name, parent=hospital_a)
        )
    assert "parent" in error.value.message_dict


@pytest.mark.parametrize(
    ("phone", "ok"), [("13812345678", True), ("0355-2021234", True), ("1381234567", False), ("12812345678", False)]
)
def test_phone_numbers_are_checked(admin_a: User, hospital_a: Institution, phone: str, ok: bool) -> None:
    data = services.ProfessionalData(name="赵一", institution=hospital_a, phone=phone)
    if ok:
        assert services.professional_create(actor=admin_a, data=data).phone == phone
    else:
        with pytest.raises(ValidationError) as error:
            services.professional_create(actor=admin_a, data=data)
        assert "手机号码格式不正确" in error.value.message_dict["phone"][0]


def test_an_id_number_is_kept_only_as_a_hash_and_its_last_four(admin_a: User, hospital_a: Institution) -> None:
    data = services.ProfessionalData(name="钱二", institution=hospital_a, id_number="11010519491231002X")
    professional = services.professional_create(actor=admin_a, data=data)
    stored = Professional.objects.values().get(pk=professional.pk)
    assert "11010519491231002X" not in str(stored)
    assert professional.masked_id_number.endswith("002X")


def test_an_id_number_with_a_wrong_check_digit_is_refused(admin_a: User, hospital_a: Institution) -> None:
    data = services.ProfessionalData(name="孙三", institution=hospital_a, id_number="110105194912310021")
    with pytest.raises(ValidationError) as error:
        services.professional_create(actor=admin_a, data=data)
    assert "身份证号码无效" in error.value.message_dict["id_number"][0]


def test_the_same_id_number_cannot_belong_to_two_people(admin_a: User, hospital_a: Institution) -> None:
    number = "11010519491231002X"
    services.professional_create(
        actor=admin_a, data=services.ProfessionalData(name="甲", institution=hospital_a, id_number=number)
    )
    with pytest.raises(ValidationError):
        services.professional_create(
            actor=admin_a, data=services.ProfessionalData(name="乙", institution=hospital_a, id_number=number)
        )


def test_phones_are_encrypted_at_rest(admin_a: User, hospital_a: Institution) -> None:
    from django.db import connection

    p = services.professional_create(
        actor=admin_a, data=services.ProfessionalData(name="周四", institution=hospital_a, phone="13700001111")
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM directory_professional WHERE id = %s", [p.pk])
        raw = cursor.fetchone()[0]
    assert "13700001111" not in raw
    assert Professional.objects.get(pk=p.pk).phone == "13700001111"


def test_a_department_must_belong_to_the_persons_institution(
    admin_a: User, hospital_a: Institution, hospital_b: Institution
) -> None:
    from tests.factories import DepartmentFactory

    other = DepartmentFactory(institution=hospital_b)
    with pytest.raises(ValidationError) as error:
        services.professional_create(
            actor=admin_a, data=services.ProfessionalData(name="吴五", institution=hospital_a, department=other)
        )
    assert "department" in error.value.message_dict


def test_a_professional_may_change_their_phone_but_not_their_employer(
    doctor_a: Professional, hospital_b: Institution
) -> None:
    from medbridge.accounts.models import Role
    from tests.factories import UserFactory

    me = UserFactory(role=Role.PROFESSIONAL, professional=doctor_a)
    data = services.ProfessionalData(
        name=doctor_a.name,
        sex=doctor_a.sex,
        title=doctor_a.title,
        institution=doctor_a.institution,
        phone="13600000000",
    )
    assert services.professional_update(actor=me, professional=doctor_a, data=data).phone == "13600000000"
    data.institution = hospital_b
    with pytest.raises(ValidationError) as error:
        services.professional_update(actor=me, professional=doctor_a, data=data)
    assert "institution" in error.value.message_dict


def test_loading_the_reference_twice_changes_nothing(db: None) -> None:
    from medbridge.directory.models import Region

    before = Region.objects.count()
    counts = services.reference_load()
    assert Region.objects.count() == before == counts.regions
