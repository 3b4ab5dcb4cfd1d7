"""Our Chinese code sets, published as FHIR CodeSystem resources.

Every code set has one canonical URL under ``CANONICAL``; codings in the other
resources use the same URLs, so a client can look a code up at
``/fhir/R4/CodeSystem/<id>``. The canonical base is a name, not an address that
is fetched: it stays the same whichever server publishes it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import TextChoices

from medbridge.clinics.models import SessionKind
from medbridge.directory.models import HospitalGrade, InstitutionCategory, ProfessionalTitle, Specialty
from medbridge.postings.models import PostingKind
from medbridge.programmes.models import EngagementRole, PartyRole, ProgrammeKind
from medbridge.referrals.models import Direction

CANONICAL = "https://medbridge.cn/fhir"


def system(name: str) -> str:
    return f"{CANONICAL}/CodeSystem/{name}"


def identifier_system(name: str) -> str:
    return f"{CANONICAL}/sid/{name}"


@dataclass(frozen=True)
class CodeSet:
    id: str
    title: str
    description: str
    concepts: Callable[[], Iterable[tuple[str, str]]]

    @property
    def url(self) -> str:
        return system(self.id)


def _choices(choices: type[TextChoices]) -> Callable[[], list[tuple[str, str]]]:
    return lambda: [(str(value), str(label)) for value, label in choices.choices]


def _table(model: Any) -> Callable[[], list[tuple[str, str]]]:
    return lambda: [(code, name) for code, name in model.objects.order_by("code").values_list("code", "name")]


CODE_SETS: dict[str, CodeSet] = {
    cs.id: cs
    for cs in (
        CodeSet(
            "institution-category", "医疗卫生机构类别", "WS 218 卫生机构（组织）分类代码", _table(InstitutionCategory)
        ),
        CodeSet("hospital-grade", "医院等级", "三级甲等 … 一级：医院评审等级", _table(HospitalGrade)),
        CodeSet("professional-title", "卫生专业技术职称", "卫生专业技术资格（职称）", _table(ProfessionalTitle)),
        CodeSet("specialty", "诊疗科目", "《医疗机构诊疗科目名录》", _table(Specialty)),
        CodeSet("posting-kind", "派驻类型", "驻点帮扶、挂职、进修、柔性坐诊", _choices(PostingKind)),
        CodeSet("programme-kind", "帮扶与合作项目类型", "对口帮扶 … 柔性引才", _choices(ProgrammeKind)),
        CodeSet("party-role", "项目参与单位角色", "牵头、支援、受援 … 托管", _choices(PartyRole)),
        CodeSet("engagement-role", "聘任角色", "首席专家、成员专家", _choices(EngagementRole)),
        CodeSet("clinic-kind", "坐诊类型", "门诊、义诊、教学查房、手术示教、远程", _choices(SessionKind)),
        CodeSet("referral-direction", "转诊方向", "上转、下转、平转", _choices(Direction)),
    )
}


def display(code_set: str, code: str) -> str:
    return dict(CODE_SETS[code_set].concepts()).get(code, code)


def coding(code_set: str, code: str, label: str) -> dict[str, Any]:
    return {"system": system(code_set), "code": code, "display": label}
