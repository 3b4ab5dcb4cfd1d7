"""Page forms: they parse what was typed into typed values and hand the result to
a service, which owns the rules. Service errors are shown on the same fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from medbridge.accounts import access
from medbridge.directory import selectors, services
from medbridge.directory.models import (
    Department,
    HospitalGrade,
    Institution,
    InstitutionCategory,
    Profession,
    ProfessionalTitle,
    Region,
    Sex,
    Specialty,
)


class RegionChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """Picks a region by its GB/T 2260 code, shown with its full name."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(queryset=Region.objects.select_related("parent__parent"), to_field_name="code", **kwargs)

    default_error_messages = {"invalid_choice": _("找不到该地区，请输入 6 位区划代码或准确的地区名称")}

    def label_from_instance(self, obj: Region) -> str:
        return f"{obj.code} {obj.full_name}"

    def to_python(self, value: Any) -> Region | None:
        # People type "长治市" as often as "140400"; accept either when unambiguous.
        text = str(value or "").strip()
        if text and not text.isdigit():
            matches = list(Region.objects.filter(name=text)[:2])
            if len(matches) == 1:
                return matches[0]
        return super().to_python(text)  # type: ignore[no-any-return]


def apply_service_errors(form: forms.Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class InstitutionForm(forms.Form):
    name = forms.CharField(label=_("机构名称"), max_length=100)
    short_name = forms.CharField(label=_("简称"), max_length=40, required=False)
    category = forms.ModelChoiceField(InstitutionCategory.objects.all(), label=_("机构类别"), to_field_name="code")
    grade = forms.ModelChoiceField(
        HospitalGrade.objects.all(), label=_("医院等级"), required=False, to_field_name="code"
    )
    region = RegionChoiceField(
        label=_("所在地区"), widget=forms.TextInput, help_text=_("区划代码或名称，如 140400 或 长治市")
    )
    parent = forms.ModelChoiceField(Institution.objects.none(), label=_("上级/所属集团"), required=False)
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    longitude = forms.FloatField(label=_("经度"), required=False)
    latitude = forms.FloatField(label=_("纬度"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = access.institutions_visible_to(user)  # type: ignore[attr-defined]

    def to_data(self) -> services.InstitutionData:
        return services.InstitutionData(**self.cleaned_data)

    @staticmethod
    def initial_from(institution: Institution) -> dict[str, Any]:
        values = selectors.institution_as_codes(institution)
        values["parent"] = values.pop("parent_id")
        return values


class DepartmentForm(forms.Form):
    name = forms.CharField(label=_("科室名称"), max_length=64)
    specialty = forms.ModelChoiceField(
        Specialty.objects.all(), label=_("诊疗科目"), required=False, to_field_name="code"
    )


class ProfessionalForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=40)
    sex = forms.ChoiceField(label=_("性别"), choices=Sex.choices, initial=Sex.UNSTATED)
    profession = forms.ChoiceField(label=_("专业类别"), choices=Profession.choices)
    title = forms.ModelChoiceField(
        ProfessionalTitle.objects.all(), label=_("职称"), required=False, to_field_name="code"
    )
    specialty = forms.ModelChoiceField(Specialty.objects.all(), label=_("专业"), required=False, to_field_name="code")
    institution = forms.ModelChoiceField(Institution.objects.none(), label=_("工作单位"), required=False)
    department = forms.ModelChoiceField(Department.objects.none(), label=_("科室"), required=False)
    home_region = RegionChoiceField(
        label=_("籍贯"), required=False, widget=forms.TextInput, help_text=_("区划代码或名称")
    )
    license_no = forms.CharField(label=_("执业证书编码"), max_length=32, required=False)
    phone = forms.CharField(label=_("手机号码"), max_length=20, required=False)
    id_number = forms.CharField(
        label=_("身份证号码"),
        max_length=18,
        required=False,
        help_text=_("只保存校验摘要和后四位；留空表示不修改"),
    )
    introduction = forms.CharField(label=_("简介"), widget=forms.Textarea(attrs={"rows": 4}), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = access.institutions_visible_to(user)  # type: ignore[attr-defined]
        self.fields["department"].queryset = access.departments_visible_to(user)  # type: ignore[attr-defined]

    def to_data(self) -> services.ProfessionalData:
        values = dict(self.cleaned_data)
        values["id_number"] = values["id_number"] or None
        return services.ProfessionalData(**values)

    @staticmethod
    def initial_from(p: Any) -> dict[str, Any]:
        values = selectors.professional_as_codes(p)
        values["institution"] = values.pop("institution_id")
        values["department"] = values.pop("department_id")
        return values
