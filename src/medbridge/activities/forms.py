"""Activity and hometown-network page forms: they parse what was typed into the
services' arguments. The rules live in the services, whose errors the views put
back on these fields."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from medbridge.accounts import access
from medbridge.activities import services
from medbridge.activities.models import (
    Activity,
    ActivityKind,
    ContactChannel,
    FollowUpStatus,
    HostRole,
    ParticipantRole,
    WillingnessTag,
)
from medbridge.directory.forms import RegionChoiceField
from medbridge.directory.models import Institution, Professional
from medbridge.directory.services import institution_find
from medbridge.programmes.forms import InstitutionNameField, _date
from medbridge.programmes.models import Programme

LIST_SEPARATORS = re.compile(r"[、,，;；\n]+")
# How many people the invitation form offers at once; the search box narrows them.
PEOPLE_SHOWN = 100
HOST_FIELDS = (
    ("organisers", HostRole.ORGANISER),
    ("hosting", HostRole.HOST),
    ("co_organisers", HostRole.CO_ORGANISER),
    ("guides", HostRole.GUIDE),
)


def _names(label: Any, help_text: Any = "", *, required: bool = False) -> forms.CharField:
    attrs = {"list": "institutions", "placeholder": _("机构全称，多个用“、”分隔")}
    return forms.CharField(
        label=label, required=required, help_text=help_text, widget=forms.TextInput(attrs=attrs), max_length=1000
    )


def institutions_named(form: forms.Form, field: str, text: str, user: Any) -> list[Institution]:
    """Institutions typed by full name, separated by 、; any institution may be
    named (partners cross provinces), whether it may take a role is the services' call."""
    found = []
    candidates = access.partner_candidates(user)
    for token in (t.strip() for t in LIST_SEPARATORS.split(text)):
        institution = institution_find(token) if token else None
        if token and (institution is None or not candidates.filter(pk=institution.pk).exists()):
            form.add_error(field, _("机构名录中没有“%(name)s”，请输入完整的机构名称") % {"name": token})
        elif institution is not None:
            found.append(institution)
    return found


def _count(label: Any) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=0, required=False, initial=0)


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(label=_("活动类型"), choices=ActivityKind.choices)
    title = forms.CharField(label=_("活动名称"), max_length=150)
    programmes = forms.ModelMultipleChoiceField(
        Programme.objects.none(),
        label=_("所属项目"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("按住 Ctrl（Mac 上为 ⌘）可多选"),
    )
    organisers = _names(_("主办单位"), required=True)
    hosting = _names(_("承办单位"))
    co_organisers = _names(_("协办单位"))
    guides = _names(_("指导单位"))
    start_date = _date(_("开始日期"))
    end_date = _date(_("结束日期"), required=False)
    venue = InstitutionNameField(Institution.objects.none(), label=_("举办机构"), required=False)
    region = RegionChoiceField(
        label=_("举办地区"), required=False, widget=forms.TextInput(attrs={"placeholder": _("区划代码或名称")})
    )
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    capacity = forms.IntegerField(label=_("名额"), min_value=1, required=False, help_text=_("培训班报名人数上限"))
    attendance_count = _count(_("参加人数"))
    patients_served = _count(_("服务患者人次"))
    agreements_signed = _count(_("签约协议数"))
    banners_presented = _count(_("授牌/锦旗数"))
    outcomes = forms.CharField(label=_("成果"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    description = forms.CharField(label=_("活动说明"), widget=forms.Textarea(attrs={"rows": 4}), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programmes"].queryset = access.programmes_visible_to(user).order_by("name")  # type: ignore[attr-defined]
        self.fields["venue"].queryset = access.partner_candidates(user)  # type: ignore[attr-defined]
        self.user = user

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name, _role in HOST_FIELDS:
            cleaned[f"{name}_rows"] = institutions_named(self, name, cleaned.get(name) or "", self.user)
        return cleaned

    def to_data(self) -> services.ActivityData:
        c = self.cleaned_data
        hosts = [services.HostData(i, role) for name, role in HOST_FIELDS for i in c[f"{name}_rows"]]
        return services.ActivityData(
            kind=c["kind"],
            title=c["title"],
            start_date=c["start_date"],
            end_date=c["end_date"],
            programmes=list(c["programmes"]),
            hosts=hosts,
            venue=c["venue"],
            region=c["region"],
            address=c["address"],
            capacity=c["capacity"],
            attendance_count=c["attendance_count"] or 0,
            patients_served=c["patients_served"] or 0,
            agreements_signed=c["agreements_signed"] or 0,
            banners_presented=c["banners_presented"] or 0,
            outcomes=c["outcomes"],
            description=c["description"],
        )

    @staticmethod
    def initial_from(activity: Activity) -> dict[str, Any]:
        hosts = list(activity.hosts.select_related("institution"))
        initial: dict[str, Any] = {
            name: "、".join(h.institution.name for h in hosts if h.role == role) for name, role in HOST_FIELDS
        }
        for name in services.SCALARS:
            initial[name] = getattr(activity, name)
        initial["venue"] = activity.venue.name if activity.venue else ""
        initial["region"] = activity.region.code if activity.region else ""
        initial["programmes"] = [p.pk for p in activity.programmes.all()]
        return initial


class InviteForm(forms.Form):
    professional = forms.ModelChoiceField(Professional.objects.none(), label=_("人员"))
    role = forms.ChoiceField(label=_("身份"), choices=ParticipantRole.choices, initial=ParticipantRole.EXPERT)

    def __init__(self, *args: Any, people: QuerySet[Professional], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["professional"]
        field.queryset = people  # type: ignore[attr-defined]
        field.label_from_instance = _person_label  # type: ignore[attr-defined]


def _person_label(p: Professional) -> str:
    parts = [p.name, p.title.name if p.title else "", p.institution.name if p.institution else ""]
    return " · ".join(part for part in parts if part)


class InviteToActivityForm(forms.Form):
    """From a hometown professional's card: which activity to invite them to."""

    activity = forms.ModelChoiceField(Activity.objects.none(), label=_("活动"))
    role = forms.ChoiceField(label=_("身份"), choices=ParticipantRole.choices, initial=ParticipantRole.EXPERT)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["activity"].queryset = access.activities_editable_by(user).order_by("-start_date")  # type: ignore[attr-defined]


class AttachmentForm(forms.Form):
    title = forms.CharField(label=_("附件名称"), max_length=150)
    file = forms.FileField(label=_("文件"), help_text=_("PDF、图片、Word、Excel 或 PPT，不超过 20 MB"))


class ItineraryDayForm(forms.Form):
    day = _date(_("日期"))
    summary = forms.CharField(label=_("行程安排"), max_length=300, required=False)
    institutions = _names(_("考察机构"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_institutions(self) -> list[Institution]:
        return institutions_named(self, "institutions", self.cleaned_data.get("institutions") or "", self.user)


class SessionForm(forms.Form):
    day = _date(_("日期"))
    topic = forms.CharField(label=_("主题"), max_length=150)
    hours = forms.DecimalField(label=_("学时"), max_digits=4, decimal_places=1, initial=2)


class EnrolForm(forms.Form):
    professional = forms.ModelChoiceField(Professional.objects.none(), label=_("学员"))

    def __init__(self, *args: Any, people: QuerySet[Professional], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["professional"]
        field.queryset = people  # type: ignore[attr-defined]
        field.label_from_instance = _person_label  # type: ignore[attr-defined]


class WillingnessForm(forms.Form):
    tags = forms.MultipleChoiceField(
        label=_("帮扶意向"), choices=WillingnessTag.choices, required=False, widget=forms.CheckboxSelectMultiple
    )


class ContactForm(forms.Form):
    contacted_on = _date(_("联系日期"))
    channel = forms.ChoiceField(label=_("方式"), choices=ContactChannel.choices)
    summary = forms.CharField(label=_("联系内容"), widget=forms.Textarea(attrs={"rows": 3}))


class PledgeForm(forms.Form):
    area = forms.ChoiceField(label=_("帮扶方向"), choices=WillingnessTag.choices)
    content = forms.CharField(label=_("承诺内容"), max_length=300)
    pledged_on = _date(_("承诺日期"))
    activity = forms.ModelChoiceField(Activity.objects.none(), label=_("在哪次活动中"), required=False)
    due_date = _date(_("完成期限"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["activity"].queryset = access.activities_visible_to(user).order_by("-start_date")  # type: ignore[attr-defined]


class FollowUpForm(forms.Form):
    status = forms.ChoiceField(label=_("状态"), choices=FollowUpStatus.choices)
    due_date = _date(_("完成期限"), required=False)
    note = forms.CharField(label=_("进展说明"), max_length=300, required=False)


class HometownSearchForm(forms.Form):
    """The pool's search: who, in which specialty, working where, from which title up."""

    q = forms.CharField(label=_("姓名或单位"), required=False)
    specialty = forms.CharField(label=_("专业"), required=False)
    work_region = forms.CharField(label=_("工作地"), required=False)
    min_title = forms.ChoiceField(
        label=_("职称不低于"),
        required=False,
        choices=[("", _("不限")), ("4", _("正高级")), ("3", _("副高级")), ("2", _("中级")), ("1", _("初级"))],
    )
    tag = forms.ChoiceField(label=_("意向"), required=False, choices=[("", _("不限")), *WillingnessTag.choices])
