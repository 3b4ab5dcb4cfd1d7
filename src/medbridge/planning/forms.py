"""Planning page forms: they parse what was typed into the services' data classes;
the rules live in the services, whose errors the views put back on these fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from medbridge.directory.models import Department, Institution, Professional, Specialty
from medbridge.interop.forms import ImportForm as WorkbookUploadForm
from medbridge.planning.models import MatchingRound, RankingRule, RoundDepartment, RoundKind
from medbridge.programmes.forms import DateInput, scope_specialties
from medbridge.programmes.models import Programme

# How many ranked choices the page offers; the Excel sheet takes as many as it has columns.
CHOICES_SHOWN = 5


class RoundForm(forms.Form):
    programme = forms.ModelChoiceField(Programme.objects.none(), label=_("项目"))
    kind = forms.ChoiceField(label=_("类型"), choices=RoundKind.choices)
    title = forms.CharField(label=_("名称"), max_length=120)
    placement_start = forms.DateField(label=_("派驻开始"), widget=DateInput())
    placement_end = forms.DateField(label=_("派驻结束"), widget=DateInput())

    def __init__(self, *args: Any, programmes: QuerySet[Programme], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["programme"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = programmes


def round_departments_choices(round_: MatchingRound) -> QuerySet[RoundDepartment]:
    return round_.departments.select_related("department__institution")


class DepartmentField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.institution.name}·{obj.name}"


class RoundDepartmentForm(forms.Form):
    department = DepartmentField(Department.objects.none(), label=_("接收科室"))
    quota = forms.IntegerField(label=_("名额"), min_value=1, max_value=999, initial=1)
    rule = forms.ChoiceField(label=_("排序规则"), choices=RankingRule.choices, initial=RankingRule.TITLE)

    def __init__(self, *args: Any, round_: MatchingRound, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parties = round_.programme.parties.values("institution_id")
        field = self.fields["department"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            Department.objects.filter(institution__in=parties)
            .exclude(pk__in=round_.departments.values("department_id"))
            .select_related("institution")
            .order_by("institution__name", "name")
        )


class ApplicationForm(forms.Form):
    name = forms.CharField(label=_("申请人姓名"), max_length=40)
    home_institution = forms.ModelChoiceField(Institution.objects.none(), label=_("派出单位"))
    years_of_service = forms.IntegerField(label=_("工作年限"), min_value=0, max_value=60, initial=0)

    def __init__(self, *args: Any, round_: MatchingRound, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        home = self.fields["home_institution"]
        assert isinstance(home, forms.ModelChoiceField)
        home.queryset = Institution.objects.filter(parties__programme=round_.programme).distinct().order_by("name")
        for n in range(1, CHOICES_SHOWN + 1):
            self.fields[f"choice_{n}"] = forms.ModelChoiceField(
                round_departments_choices(round_), label=_("第%(n)s志愿") % {"n": n}, required=n == 1
            )

    def professional(self) -> Professional | None:
        """The applicant named in the form, looked up among the home institution's staff."""
        home = self.cleaned_data.get("home_institution")
        name = (self.cleaned_data.get("name") or "").strip()
        people = list(Professional.objects.filter(institution=home, name=name)[:2]) if home else []
        if len(people) != 1:
            message = _("派出单位没有名为“%(n)s”的人员") if not people else _("派出单位有多名“%(n)s”，请联系管理员")
            self.add_error("name", message % {"n": name})
            return None
        return people[0]

    def choices(self) -> list[RoundDepartment]:
        picked = (self.cleaned_data.get(f"choice_{n}") for n in range(1, CHOICES_SHOWN + 1))
        return [d for d in picked if d is not None]


class ImportForm(WorkbookUploadForm):
    """The directory import's upload checks (kind and size) before the sheet is opened."""

    file = forms.FileField(label=_("申请表（Excel）"))


class DemandForm(forms.Form):
    department = DepartmentField(Department.objects.none(), label=_("接收科室"))
    specialty = forms.ModelChoiceField(Specialty.objects.none(), label=_("专科"))
    sessions_per_week = forms.IntegerField(label=_("每周需求（次）"), min_value=1, max_value=10, initial=1)
    weight = forms.IntegerField(
        label=_("优先权重"), min_value=1, max_value=10, initial=1, help_text=_("越困难的县权重越高（1–10）")
    )

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        department = self.fields["department"]
        specialty = self.fields["specialty"]
        assert isinstance(department, forms.ModelChoiceField) and isinstance(specialty, forms.ModelChoiceField)
        department.queryset = (
            Department.objects.filter(institution__parties__programme=programme)
            .distinct()
            .select_related("institution")
            .order_by("institution__name", "name")
        )
        specialty.queryset = scope_specialties()


class PlanForm(forms.Form):
    programme = forms.ModelChoiceField(Programme.objects.none(), label=_("项目"))
    start_date = forms.DateField(label=_("开始周（周一）"), widget=DateInput())
    weeks = forms.IntegerField(label=_("周数"), min_value=1, max_value=52, initial=8)

    def __init__(self, *args: Any, programmes: QuerySet[Programme], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["programme"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = programmes


class MoveForm(forms.Form):
    day = forms.DateField(label=_("改到"), widget=DateInput())
