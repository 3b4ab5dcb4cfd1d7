"""Forms for the public booking pages and the host's clinic pages. They parse input
into the services' dataclasses; every rule is checked by the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from medbridge.clinics.models import SessionKind
from medbridge.clinics.services import BookingData, SeriesData, SessionData
from medbridge.directory.models import Department, Institution, Professional
from medbridge.programmes.models import Engagement

WEEKDAYS = [
    (0, _("星期一")),
    (1, _("星期二")),
    (2, _("星期三")),
    (3, _("星期四")),
    (4, _("星期五")),
    (5, _("星期六")),
    (6, _("星期日")),
]
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class BookingForm(forms.Form):
    # Not required here: the service checks every field at once, with its own messages.
    patient_name = forms.CharField(label=_("就诊人姓名"), max_length=40, required=False)
    phone = forms.CharField(
        label=_("手机号码"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    id_tail = forms.CharField(
        label=_("身份证号后四位（选填）"),
        max_length=4,
        required=False,
        help_text=_("便于医院核对身份，不填也可预约"),
    )
    consent = forms.BooleanField(
        label=_("我已阅读并同意《个人信息处理说明》"),
        required=False,
        help_text=_("姓名和手机号仅用于本次预约、就诊核对和停诊通知；手机号加密保存，坐诊结束后按期匿名化。"),
    )

    def data_object(self) -> BookingData:
        c = self.cleaned_data
        return BookingData(
            patient_name=c["patient_name"], phone=c["phone"], id_tail=c["id_tail"] or "", consent=c["consent"]
        )


class CancelBookingForm(forms.Form):
    code = forms.CharField(label=_("预约码"), max_length=12)
    phone = forms.CharField(
        label=_("预约时填写的手机号码"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )


class ExpertChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        parts = [obj.name, obj.title.name if obj.title else "", obj.institution.name if obj.institution else ""]
        return " · ".join(p for p in parts if p)


class _PlanFields(forms.Form):
    """Fields shared by a single session and a series."""

    expert = ExpertChoiceField(Professional.objects.none(), label=_("专家"))
    host = forms.ModelChoiceField(Institution.objects.none(), label=_("坐诊医院"))
    department = forms.ModelChoiceField(Department.objects.none(), label=_("坐诊科室"), required=False)
    kind = forms.ChoiceField(label=_("类型"), choices=SessionKind.choices, initial=SessionKind.CLINIC)
    start_time = forms.TimeField(label=_("开始时间"), widget=TIME, initial="08:00")
    end_time = forms.TimeField(label=_("结束时间"), widget=TIME, initial="12:00")
    capacity = forms.IntegerField(label=_("号源数"), min_value=1, initial=20)
    engagement = forms.ModelChoiceField(
        Engagement.objects.none(), label=_("聘任"), required=False, help_text=_("所属项目随聘任自动关联")
    )

    def __init__(self, *args: Any, choices: dict[str, QuerySet[Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, queryset in choices.items():
            if name in self.fields:
                self.fields[name].queryset = queryset  # type: ignore[attr-defined]

    def _shared(self) -> dict[str, Any]:
        c = self.cleaned_data
        names = ("expert", "host", "department", "kind", "start_time", "end_time", "capacity", "engagement")
        return {name: c[name] for name in names}


class SeriesForm(_PlanFields):
    weekday = forms.TypedChoiceField(label=_("每周"), choices=WEEKDAYS, coerce=int)
    first_date = forms.DateField(label=_("开始日期"), widget=DATE)
    last_date = forms.DateField(label=_("结束日期"), widget=DATE)

    field_order = ["expert", "host", "department", "kind", "weekday", "start_time", "end_time", "capacity"]

    def data_object(self) -> SeriesData:
        c = self.cleaned_data
        return SeriesData(weekday=c["weekday"], first_date=c["first_date"], last_date=c["last_date"], **self._shared())


SCOPES = [("one", _("仅本场")), ("future", _("本场及之后同一计划的所有场次"))]


class SessionForm(_PlanFields):
    date = forms.DateField(label=_("日期"), widget=DATE)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)
    scope = forms.ChoiceField(label=_("修改范围"), choices=SCOPES, initial="one", widget=forms.RadioSelect)

    field_order = ["expert", "host", "department", "kind", "date", "start_time", "end_time", "capacity"]

    def data_object(self) -> SessionData:
        c = self.cleaned_data
        return SessionData(date=c["date"], note=c["note"] or "", **self._shared())


class CancelSessionForm(forms.Form):
    reason = forms.CharField(label=_("停诊原因"), max_length=200, required=False)
    scope = forms.ChoiceField(label=_("停诊范围"), choices=SCOPES, initial="one", widget=forms.RadioSelect)


class WalkInForm(forms.Form):
    walk_ins = forms.IntegerField(label=_("现场加号人数"), min_value=0, max_value=1000)
