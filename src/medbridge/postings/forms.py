"""Posting page forms: they parse what was typed into the services' data classes.
People and departments are typed by name and looked up where they must be (the
person and liaison at home, the mentor at the host); the rules live in the
services, whose errors the views put back on these fields."""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from medbridge.accounts import access
from medbridge.directory.models import Institution, Professional
from medbridge.postings import services
from medbridge.postings.models import (
    CareerGoalStatus,
    EvaluationCriterion,
    EvaluationPeriod,
    EvaluationResult,
    EvaluatorRole,
    Posting,
    PostingBatch,
    PostingKind,
)
from medbridge.postings.selectors import find_person
from medbridge.programmes.forms import DateInput, InstitutionNameField, _date, department_named, scope_specialties
from medbridge.programmes.models import Programme


def person_named(form: forms.Form, institution: Institution | None, field: str) -> Professional | None:
    """The person typed in ``field``, looked up at ``institution``."""
    text = (form.cleaned_data.get(field) or "").strip()
    if not text or institution is None:
        return None
    found = find_person(institution, text)
    if isinstance(found, str):
        form.add_error(field, found)
        return None
    return found


def months_later(start: date, months: int) -> date:
    """The last day of a period of ``months`` months starting on ``start``."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day) - timedelta(days=1)


def _name_field(label: Any, help_text: Any = "", *, required: bool = False) -> forms.CharField:
    return forms.CharField(label=label, max_length=40, required=required, help_text=help_text)


class PostingForm(forms.Form):
    programme = forms.ModelChoiceField(label=_("项目"), queryset=Programme.objects.none())
    kind = forms.ChoiceField(label=_("派驻类型"), choices=PostingKind.choices)
    home_institution = InstitutionNameField(Institution.objects.none(), label=_("派出单位"))
    professional = _name_field(_("人员"), _("派出单位的人员姓名；同名时填执业证书编码"), required=True)
    home_department = forms.CharField(label=_("派出科室"), max_length=60, required=False)
    host_institution = InstitutionNameField(Institution.objects.none(), label=_("接收单位"))
    host_department = forms.CharField(label=_("接收科室"), max_length=60, required=False)
    planned_start = _date(_("计划开始"))
    planned_end = _date(_("计划结束"))
    batch = forms.ModelChoiceField(label=_("批次"), queryset=PostingBatch.objects.none(), required=False)
    mentor = _name_field(_("带教老师"), _("接收单位的人员姓名"))
    liaison = _name_field(_("挂钩领导"), _("派出单位的人员姓名"))
    goals = forms.CharField(label=_("目标任务"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    visit_pattern = forms.CharField(
        label=_("坐诊安排"), max_length=100, required=False, help_text=_("柔性坐诊填写，如：每周二上午")
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        programmes = access.programmes_visible_to(user).order_by("name")
        self.fields["programme"].queryset = programmes  # type: ignore[attr-defined]
        self.fields["batch"].queryset = access.batches_visible_to(user)  # type: ignore[attr-defined]
        for name in ("home_institution", "host_institution"):
            self.fields[name].queryset = access.partner_candidates(user)  # type: ignore[attr-defined]

    def to_data(self) -> services.PostingData | None:
        c = self.cleaned_data
        home, host = c["home_institution"], c["host_institution"]
        data = services.PostingData(
            professional=person_named(self, home, "professional"),  # type: ignore[arg-type]
            programme=c["programme"],
            kind=c["kind"],
            home_institution=home,
            home_department=department_named(self, home, "home_department"),
            host_institution=host,
            host_department=department_named(self, host, "host_department"),
            planned_start=c["planned_start"],
            planned_end=c["planned_end"],
            batch=c.get("batch"),
            mentor=person_named(self, host, "mentor"),
            liaison=person_named(self, home, "liaison"),
            goals=c.get("goals", ""),
            visit_pattern=c.get("visit_pattern", ""),
        )
        return None if self.errors else data

    @staticmethod
    def initial_from(p: Posting) -> dict[str, Any]:
        return {
            "programme": p.programme_id,
            "kind": p.kind,
            "home_institution": p.home_institution.name,
            "professional": p.professional.name,
            "home_department": p.home_department.name if p.home_department else "",
            "host_institution": p.host_institution.name,
            "host_department": p.host_department.name if p.host_department else "",
            "planned_start": p.planned_start,
            "planned_end": p.planned_end,
            "batch": p.batch_id,
            "mentor": p.mentor.name if p.mentor else "",
            "liaison": p.liaison.name if p.liaison else "",
            "goals": p.goals,
            "visit_pattern": p.visit_pattern,
        }


class TransitionForm(forms.Form):
    to = forms.CharField(widget=forms.HiddenInput)
    on = forms.DateField(label=_("日期"), required=False, widget=DateInput())
    reason = forms.CharField(label=_("原因"), max_length=200, required=False)


_COUNT = {"min_value": 0, "initial": 0}


class WorkLogForm(forms.Form):
    day = _date(_("日期"))
    patients_seen = forms.IntegerField(label=_("诊疗人次"), **_COUNT)  # type: ignore[arg-type]
    surgeries_performed = forms.IntegerField(label=_("主刀手术"), **_COUNT)  # type: ignore[arg-type]
    surgeries_assisted = forms.IntegerField(label=_("指导/助手手术"), **_COUNT)  # type: ignore[arg-type]
    lectures = forms.IntegerField(label=_("授课/讲座"), **_COUNT)  # type: ignore[arg-type]
    staff_trained = forms.IntegerField(label=_("培训人次"), **_COUNT)  # type: ignore[arg-type]
    teaching_rounds = forms.IntegerField(label=_("教学查房"), **_COUNT)  # type: ignore[arg-type]
    new_techniques = forms.CharField(
        label=_("新技术新项目"), max_length=300, required=False, help_text=_("首次开展的技术名称，多项用顿号或逗号分隔")
    )
    notes = forms.CharField(label=_("工作记录"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def to_data(self) -> services.WorkLogData:
        c = self.cleaned_data
        techniques = [t for t in re.split(r"[、,，;；\n]", c.get("new_techniques") or "") if t.strip()]
        counts = {
            name: c.get(name) or 0
            for name in services.WorkLogData.__dataclass_fields__
            if name not in ("day", "new_techniques", "notes")
        }
        return services.WorkLogData(day=c["day"], new_techniques=techniques, notes=c.get("notes", ""), **counts)


class EvaluationForm(forms.Form):
    period = forms.ChoiceField(label=_("考核类型"), choices=EvaluationPeriod.choices)
    period_end = _date(_("考核期截止"))
    evaluator_role = forms.ChoiceField(label=_("考核人身份"), choices=EvaluatorRole.choices)
    result = forms.ChoiceField(
        label=_("考核结果"), choices=[("", _("（结业考核填写）")), *EvaluationResult.choices], required=False
    )
    comments = forms.CharField(label=_("评语"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = list(EvaluationCriterion.objects.filter(active=True))
        for criterion in self.criteria:
            self.fields[f"score_{criterion.pk}"] = forms.IntegerField(
                label=_("%(name)s（权重 %(w)s）") % {"name": criterion.name, "w": criterion.weight},
                min_value=0,
                max_value=100,
            )

    def to_data(self) -> services.EvaluationData:
        c = self.cleaned_data
        return services.EvaluationData(
            period=c["period"],
            period_end=c["period_end"],
            evaluator_role=c["evaluator_role"],
            scores={k.pk: c[f"score_{k.pk}"] for k in self.criteria},
            comments=c.get("comments", ""),
            result=c.get("result", ""),
        )


class BatchForm(forms.Form):
    programme = forms.ModelChoiceField(label=_("项目"), queryset=Programme.objects.none())
    kind = forms.ChoiceField(label=_("派驻类型"), choices=PostingKind.choices)
    number = forms.IntegerField(label=_("批次"), min_value=1, help_text=_("第几批，如 12"))
    planned_start = _date(_("计划开始"))
    months = forms.IntegerField(label=_("期限（月）"), min_value=1, max_value=36, initial=6)
    home_institution = InstitutionNameField(Institution.objects.none(), label=_("派出单位"))
    host_institution = InstitutionNameField(Institution.objects.none(), label=_("接收单位"))
    specialties = forms.ModelMultipleChoiceField(
        label=_("专科"), queryset=scope_specialties(), required=False, widget=forms.SelectMultiple(attrs={"size": 6})
    )
    members = forms.CharField(
        label=_("人员名单"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("每行一人：姓名（同名时填执业证书编码），可在空格后写接收科室，如：张伟 肝胆外科"),
    )
    relieves = forms.ModelChoiceField(label=_("接替批次"), queryset=PostingBatch.objects.none(), required=False)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = access.programmes_editable_by(user).order_by("name")  # type: ignore[attr-defined]
        self.fields["relieves"].queryset = access.batches_visible_to(user)  # type: ignore[attr-defined]
        for name in ("home_institution", "host_institution"):
            self.fields[name].queryset = access.partner_candidates(user)  # type: ignore[attr-defined]

    def to_data(self) -> tuple[services.BatchData, list[services.BatchMember]] | None:
        c = self.cleaned_data
        start: date = c["planned_start"]
        data = services.BatchData(
            programme=c["programme"],
            kind=c["kind"],
            number=c["number"],
            planned_start=start,
            planned_end=months_later(start, c["months"]),
            specialties=list(c.get("specialties") or []),
            relieves=c.get("relieves"),
            note=c.get("note", ""),
        )
        members = [m for line in c["members"].splitlines() if (m := self._member(line.split(), c))]
        return None if self.errors else (data, members)

    def _member(self, words: list[str], c: dict[str, Any]) -> services.BatchMember | None:
        if not words:
            return None
        home, host = c["home_institution"], c["host_institution"]
        person = find_person(home, words[0])
        if isinstance(person, str):
            self.add_error("members", person)
            return None
        if words[1:]:
            host_department = host.departments.filter(name=" ".join(words[1:])).first()
            if host_department is None:
                self.add_error(
                    "members", _("“%(i)s”没有名为“%(d)s”的科室") % {"i": host.name, "d": " ".join(words[1:])}
                )
        else:
            host_department = _same_department(person, host)
        return services.BatchMember(person, home, host, person.department, host_department)


def _same_department(person: Professional, host: Institution) -> Any:
    if person.department is None:
        return None
    return host.departments.filter(name=person.department.name).first()


class HandoverForm(forms.Form):
    relieves = forms.ModelChoiceField(label=_("接替"), queryset=Posting.objects.none(), required=False)

    def __init__(self, *args: Any, candidates: QuerySet[Posting], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["relieves"]
        field.queryset = candidates  # type: ignore[attr-defined]
        field.label_from_instance = lambda p: f"{p.professional.name}（{p.end}）"  # type: ignore[attr-defined]


class CareerGoalForm(forms.Form):
    goal = forms.CharField(label=_("目标"), max_length=200)
    target_date = _date(_("目标日期"))
    status = forms.ChoiceField(label=_("状态"), choices=CareerGoalStatus.choices, initial=CareerGoalStatus.PLANNED)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def to_data(self) -> services.CareerGoalData:
        c = self.cleaned_data
        return services.CareerGoalData(c["goal"], c["target_date"], c["status"], c.get("note", ""))
