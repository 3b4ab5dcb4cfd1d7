"""Programme page forms: they parse what was typed into the services' data classes.
The rules (dates in order, one party per role, scope) live in the services, whose
errors the views put back on these fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from medbridge.accounts import access
from medbridge.directory.models import Department, Institution, Professional, Specialty
from medbridge.programmes import services
from medbridge.programmes.models import (
    MANAGING_ROLES,
    EngagementRole,
    PartyRole,
    Programme,
    ProgrammeKind,
    ProgrammeStatus,
    Station,
    StationKind,
    TargetMetric,
)

# How many experts the appointment form offers at once; the search box narrows them.
EXPERT_CHOICES_SHOWN = 100


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def _date(label: Any, *, required: bool = True) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DateInput())


def scope_specialties() -> QuerySet[Specialty]:
    """The top two levels of the catalogue (内科, 呼吸内科专业 …); the third level
    lists single procedures, too fine for a programme's scope."""
    return Specialty.objects.filter(Q(parent__isnull=True) | Q(parent__parent__isnull=True)).order_by("code")


def department_named(form: forms.Form, institution: Institution | None, field: str) -> Department | None:
    """The department typed by name in ``field``, looked up in ``institution``."""
    name = (form.cleaned_data.get(field) or "").strip()
    if not name or institution is None:
        return None
    department = institution.departments.filter(name=name).first()
    if department is None:
        form.add_error(field, _("“%(i)s”没有名为“%(d)s”的科室") % {"i": institution.name, "d": name})
    return department


class InstitutionNameField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """Picks an institution by its exact registered name (names are unique)."""

    default_error_messages = {"invalid_choice": _("机构名录中没有这个名称，请输入完整的机构名称")}

    def __init__(self, queryset: QuerySet[Institution], **kwargs: Any) -> None:
        super().__init__(
            queryset, to_field_name="name", widget=forms.TextInput(attrs={"list": "institutions"}), **kwargs
        )

    def to_python(self, value: Any) -> Institution | None:
        return super().to_python(str(value or "").strip())  # type: ignore[no-any-return]


# --- Programmes ----------------------------------------------------------------


class ProgrammeForm(forms.Form):
    kind = forms.ChoiceField(label=_("项目类型"), choices=ProgrammeKind.choices)
    name = forms.CharField(label=_("项目名称"), max_length=120)
    start_date = _date(_("开始日期"))
    end_date = _date(_("结束日期"), required=False)
    status = forms.ChoiceField(label=_("状态"), choices=ProgrammeStatus.choices, initial=ProgrammeStatus.ACTIVE)
    parent = forms.ModelChoiceField(
        Programme.objects.none(), label=_("上级项目"), required=False, help_text=_("如市对县帮扶下的院际协议")
    )
    specialties = forms.ModelMultipleChoiceField(
        scope_specialties(),
        label=_("涉及专科"),
        required=False,
        to_field_name="code",
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text=_("按住 Ctrl（Mac 上为 ⌘）可多选"),
    )
    description = forms.CharField(label=_("项目说明"), widget=forms.Textarea(attrs={"rows": 4}), required=False)

    def __init__(self, *args: Any, parents: QuerySet[Programme], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = parents  # type: ignore[attr-defined]

    def to_data(self) -> services.ProgrammeData:
        fields = ("kind", "name", "start_date", "end_date", "status", "parent", "description")
        values = {name: self.cleaned_data[name] for name in fields}
        return services.ProgrammeData(**values, specialties=list(self.cleaned_data["specialties"]))

    @staticmethod
    def initial_from(programme: Programme) -> dict[str, Any]:
        return {
            "kind": programme.kind,
            "name": programme.name,
            "start_date": programme.start_date,
            "end_date": programme.end_date,
            "status": programme.status,
            "parent": programme.parent_id,
            "specialties": [s.code for s in programme.specialties.all()],
            "description": programme.description,
        }


class ProgrammeCreateForm(ProgrammeForm):
    """A new programme with the creator's own side as its first, managing party."""

    institution = forms.ModelChoiceField(Institution.objects.none(), label=_("本方单位"))
    department = forms.CharField(
        label=_("本方科室"), max_length=64, required=False, help_text=_("由科室牵头时填写，如专科联盟的牵头科室")
    )
    role = forms.ChoiceField(
        label=_("本方角色"), choices=[(r.value, r.label) for r in MANAGING_ROLES], initial=PartyRole.LEAD
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = access.institutions_visible_to(user)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        cleaned["department"] = department_named(self, cleaned.get("institution"), "department")
        return cleaned

    def first_party(self) -> services.PartyData:
        c = self.cleaned_data
        return services.PartyData(institution=c["institution"], department=c["department"], role=c["role"])


# --- Parties, agreements, targets ------------------------------------------------


class PartyForm(forms.Form):
    institution = InstitutionNameField(
        Institution.objects.none(), label=_("机构"), help_text=_("输入机构名录中的完整名称")
    )
    department = forms.CharField(
        label=_("科室"), max_length=64, required=False, help_text=_("可选，填写已登记的科室名称")
    )
    role = forms.ChoiceField(label=_("角色"), choices=PartyRole.choices, initial=PartyRole.RECIPIENT)
    joined_on = _date(_("加入日期"), required=False)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = access.partner_candidates(user)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        cleaned["department"] = department_named(self, cleaned.get("institution"), "department")
        return cleaned

    def to_data(self) -> services.PartyData:
        return services.PartyData(**self.cleaned_data)


class AgreementForm(forms.Form):
    title = forms.CharField(label=_("文件名称"), max_length=150)
    signed_on = _date(_("签署日期"))
    signatories = forms.CharField(label=_("签署方"), max_length=300, required=False)
    file = forms.FileField(label=_("文件"), required=False, help_text=_("PDF、OFD、Word 或图片，不超过 20 MB"))

    def to_data(self) -> services.AgreementData:
        return services.AgreementData(**self.cleaned_data)


class TargetForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=1949, max_value=2100)
    metric = forms.ChoiceField(label=_("指标"), choices=TargetMetric.choices)
    value = forms.IntegerField(label=_("目标值"), min_value=0)


# --- Stations and engagements ------------------------------------------------------


class StationForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=StationKind.choices)
    name = forms.CharField(label=_("名称"), max_length=120)
    host = forms.ModelChoiceField(Institution.objects.none(), label=_("依托机构"))
    host_department = forms.CharField(
        label=_("依托科室"), max_length=64, required=False, help_text=_("可选，填写依托机构已登记的科室名称")
    )
    opened_on = _date(_("揭牌日期"))
    closed_on = _date(_("撤销日期"), required=False)
    plaque_text = forms.CharField(label=_("牌匾文字"), max_length=200, required=False)

    def __init__(self, *args: Any, user: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.programme = programme
        hosts = access.partner_candidates(user).filter(parties__programme=programme).distinct()
        self.fields["host"].queryset = hosts  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        cleaned["host_department"] = department_named(self, cleaned.get("host"), "host_department")
        return cleaned

    def to_data(self) -> services.StationData:
        return services.StationData(programme=self.programme, **self.cleaned_data)

    @staticmethod
    def initial_from(station: Station) -> dict[str, Any]:
        return {
            "kind": station.kind,
            "name": station.name,
            "host": station.host_id,
            "host_department": station.host_department.name if station.host_department else "",
            "opened_on": station.opened_on,
            "closed_on": station.closed_on,
            "plaque_text": station.plaque_text,
        }


def expert_label(p: Professional) -> str:
    parts = [p.name, p.title.name if p.title else "", p.institution.name if p.institution else ""]
    return " · ".join(part for part in parts if part)


class EngagementForm(forms.Form):
    professional = forms.ModelChoiceField(
        Professional.objects.none(),
        label=_("专家"),
        help_text=_("名单较长时只列出前 100 位，请先用上方的查找框按姓名查找"),
    )
    station = forms.ModelChoiceField(
        Station.objects.none(), label=_("工作站"), required=False, empty_label=_("（直接聘任于项目）")
    )
    role = forms.ChoiceField(label=_("聘任角色"), choices=EngagementRole.choices, initial=EngagementRole.MEMBER)
    letter_no = forms.CharField(label=_("聘书编号"), max_length=40, required=False)
    start_date = _date(_("聘期开始"))
    end_date = _date(_("聘期结束"), required=False)

    def __init__(self, *args: Any, user: Any, programme: Programme, search: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.programme = programme
        candidates = access.expert_candidates(user)
        self.fields["professional"].queryset = candidates  # type: ignore[attr-defined]
        self.fields["station"].queryset = programme.stations.all()  # type: ignore[attr-defined]
        self._offer_experts(candidates, search)

    def _offer_experts(self, candidates: QuerySet[Professional], search: str) -> None:
        # Validation accepts any candidate; the page lists only those matching the
        # search (plus the one already chosen), since the directory is national.
        chosen = self["professional"].value()
        shown = candidates.filter(name__icontains=search) if search else candidates
        if chosen and str(chosen).isdigit():
            shown = shown | candidates.filter(pk=chosen)
        options = [(p.pk, expert_label(p)) for p in shown.order_by("name")[:EXPERT_CHOICES_SHOWN]]
        self.fields["professional"].widget.choices = [("", "---------"), *options]  # type: ignore[attr-defined]

    def to_data(self) -> services.EngagementData:
        return services.EngagementData(programme=self.programme, **self.cleaned_data)

    @staticmethod
    def initial_from(engagement: Any) -> dict[str, Any]:
        return {
            "professional": engagement.professional_id,
            "station": engagement.station_id,
            "role": engagement.role,
            "letter_no": engagement.letter_no,
            "start_date": engagement.start_date,
            "end_date": engagement.end_date,
        }
