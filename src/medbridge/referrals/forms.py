"""Referral and consultation page forms: they parse what was typed into the services'
data classes. The rules (partners, ICD-10 format, sides, workflow) live in the
services, whose errors the views put back on these fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from medbridge.accounts import access
from medbridge.directory.models import Institution, Professional, Sex
from medbridge.programmes.forms import InstitutionNameField, department_named, scope_specialties
from medbridge.referrals import services
from medbridge.referrals.models import AgeBand, ConsultationKind, Urgency

PATIENT_FIELDS = ("patient_initials", "patient_sex", "patient_age_band", "patient_record_no")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def person_named(form: forms.Form, institution: Institution | None, field: str) -> Professional | None:
    """The professional typed by name in ``field``, looked up among ``institution``'s staff."""
    name = (form.cleaned_data.get(field) or "").strip()
    if not name or institution is None:
        return None
    people = list(Professional.objects.filter(institution=institution, name=name)[:2])
    if not people:
        form.add_error(field, _("“%(i)s”没有名为“%(p)s”的人员") % {"i": institution.name, "p": name})
    elif len(people) > 1:
        form.add_error(field, _("“%(i)s”有多名“%(p)s”，请通过 API 按编号指定") % {"i": institution.name, "p": name})
    return people[0] if len(people) == 1 else None


class PatientFields(forms.Form):
    patient_initials = forms.CharField(
        label=_("患者姓名缩写"), max_length=8, help_text=_("拼音首字母，如 ZSF；不填全名")
    )
    patient_sex = forms.ChoiceField(label=_("性别"), choices=Sex.choices, initial=Sex.UNSTATED)
    patient_age_band = forms.ChoiceField(label=_("年龄段"), choices=[("", "—"), *AgeBand.choices])
    patient_record_no = forms.CharField(
        label=_("本院病案号/门诊号"), max_length=40, required=False, help_text=_("加密保存，仅双方机构人员可见")
    )


class ReferralForm(PatientFields):
    from_institution = forms.ModelChoiceField(Institution.objects.none(), label=_("转出机构"))
    from_department = forms.CharField(label=_("转出科室"), max_length=64, required=False)
    to_institution = InstitutionNameField(
        Institution.objects.none(), label=_("转入机构"), help_text=_("输入机构名录中的完整名称；列表中为合作单位")
    )
    to_department = forms.CharField(label=_("转入科室"), max_length=64, required=False)
    urgency = forms.ChoiceField(label=_("紧急程度"), choices=Urgency.choices, initial=Urgency.ROUTINE)
    diagnosis_code = forms.CharField(
        label=_("诊断编码（ICD-10）"), max_length=10, required=False, help_text=_("如 K80.2、S72.001")
    )
    reason = forms.CharField(label=_("转诊原因"), widget=forms.Textarea(attrs={"rows": 4}))
    outside_network = forms.BooleanField(
        label=_("网络外转诊"), required=False, help_text=_("两机构不在同一进行中的合作项目时勾选")
    )

    field_order = [
        "from_institution",
        "from_department",
        "to_institution",
        "to_department",
        "urgency",
        *PATIENT_FIELDS,
        "diagnosis_code",
        "reason",
        "outside_network",
    ]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["from_institution"].queryset = access.staff_institutions(user)  # type: ignore[attr-defined]
        self.fields["to_institution"].queryset = access.partner_candidates(user)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        cleaned["from_department"] = department_named(self, cleaned.get("from_institution"), "from_department")
        cleaned["to_department"] = department_named(self, cleaned.get("to_institution"), "to_department")
        return cleaned

    def to_data(self) -> services.ReferralData:
        return services.ReferralData(**self.cleaned_data)


class ConsultationForm(PatientFields):
    requesting_institution = forms.ModelChoiceField(Institution.objects.none(), label=_("申请机构"))
    requesting_doctor = forms.CharField(label=_("申请医生"), max_length=40, required=False)
    kind = forms.ChoiceField(label=_("会诊类型"), choices=ConsultationKind.choices)
    specialty = forms.ModelChoiceField(scope_specialties(), label=_("专科"), required=False)
    consulting_institution = InstitutionNameField(
        Institution.objects.none(), label=_("会诊机构"), help_text=_("输入机构名录中的完整名称；列表中为合作单位")
    )
    consulting_expert = forms.CharField(
        label=_("会诊专家"), max_length=40, required=False, help_text=_("可不填，由会诊方排期时指定")
    )
    question = forms.CharField(label=_("会诊目的与病情摘要"), widget=forms.Textarea(attrs={"rows": 4}))
    outside_network = forms.BooleanField(
        label=_("网络外会诊"), required=False, help_text=_("两机构不在同一进行中的合作项目时勾选")
    )

    field_order = [
        "requesting_institution",
        "requesting_doctor",
        "kind",
        "specialty",
        "consulting_institution",
        "consulting_expert",
        *PATIENT_FIELDS,
        "question",
        "outside_network",
    ]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["requesting_institution"].queryset = access.staff_institutions(user)  # type: ignore[attr-defined]
        self.fields["consulting_institution"].queryset = access.partner_candidates(user)  # type: ignore[attr-defined]
        # Teaching rounds may discuss no single patient.
        for name in ("patient_initials", "patient_age_band"):
            self.fields[name].required = False

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        cleaned["requesting_doctor"] = person_named(self, cleaned.get("requesting_institution"), "requesting_doctor")
        cleaned["consulting_expert"] = person_named(self, cleaned.get("consulting_institution"), "consulting_expert")
        return cleaned

    def to_data(self) -> services.ConsultationData:
        return services.ConsultationData(**self.cleaned_data)


class ScheduleForm(forms.Form):
    scheduled_for = forms.DateTimeField(label=_("会诊时间"), widget=DateTimeInput())
    consulting_expert = forms.CharField(label=_("会诊专家"), max_length=40, required=False)
    note = forms.CharField(label=_("说明"), max_length=300, required=False)

    def __init__(self, *args: Any, consultant: Institution, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.consultant = consultant

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        cleaned["consulting_expert"] = person_named(self, self.consultant, "consulting_expert")
        return cleaned


class OpinionForm(forms.Form):
    opinion = forms.CharField(label=_("会诊意见"), widget=forms.Textarea(attrs={"rows": 8}))
    consulting_expert = forms.CharField(label=_("出具意见的专家"), max_length=40, required=False)

    def __init__(self, *args: Any, consultant: Institution, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.consultant = consultant

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        cleaned["consulting_expert"] = person_named(self, self.consultant, "consulting_expert")
        return cleaned


class AttachmentForm(forms.Form):
    title = forms.CharField(label=_("附件名称"), max_length=150, required=False)
    file = forms.FileField(label=_("文件"), help_text=_("PDF、图片、DICOM、ZIP、Word、OFD 或 XML，不超过 50 MB"))


def partner_names(user: Any) -> QuerySet[Institution]:
    """Institutions sharing an active programme with the user's own: offered first in pickers."""
    own = access.staff_institutions(user)
    programmes = access.programmes_visible_to(user).filter(status="active", parties__institution__in=own)
    return (
        Institution.objects.filter(parties__programme__in=programmes)
        .exclude(pk__in=own.values("pk"))
        .distinct()
        .order_by("name")
    )
