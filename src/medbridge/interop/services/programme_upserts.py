"""One workbook row → one programme record, through the programme services.

As for the directory, each ``upsert_*`` finds the record by its natural key,
builds the data object the pages build and calls a service only when something
differs, so re-importing a file writes nothing and leaves no audit entries. The
services enforce scope and the rules (dates in order, one party per role,
engagements inside a station's life); their errors pass through to the importer,
which places them in the row's columns.

Natural keys: a programme by its exact name among the programmes the importer can
see; a party by (programme, institution, department, role); a target by
(programme, year, metric); a station by (programme, name); an engagement by
(programme, station, expert, start of term).

A new programme must start with a managing party of the importer's own side
(``services.programme_create``'s ``first_party``): the 项目 row takes it from a
参与方 row of the same file, which then finds its party already there and counts
it as created.
"""

from __future__ import annotations

import re
from dataclasses import fields
from typing import Any

from django.utils.translation import gettext as _

from medbridge.accounts import access
from medbridge.directory import selectors
from medbridge.directory import services as directory_services
from medbridge.directory.models import Department, Institution, Professional, Specialty
from medbridge.interop.services.reader import SheetRow
from medbridge.interop.services.upserts import Batch, Outcome, RowProblems, RowReader
from medbridge.interop.services.workbook import (
    PARTIES,
    engagement_role_labels,
    party_role_labels,
    programme_kind_labels,
    programme_status_labels,
    station_kind_labels,
    target_metric_labels,
)
from medbridge.programmes import services
from medbridge.programmes.models import (
    MANAGING_ROLES,
    Engagement,
    EngagementRole,
    Party,
    PartyRole,
    Programme,
    ProgrammeStatus,
    Station,
    Target,
)

# The short forms people write for the roles (the labels themselves and the codes
# are accepted too, and win over these).
PARTY_ROLE_ALIASES = {
    "牵头": PartyRole.LEAD.value,
    # The label lead and supporting shared before they were told apart; files
    # exported then say it of their lead parties.
    "牵头/支援单位": PartyRole.LEAD.value,
    "支援": PartyRole.SUPPORTING.value,
    "受援": PartyRole.RECIPIENT.value,
    "受援单位": PartyRole.RECIPIENT.value,
    "成员": PartyRole.RECIPIENT.value,
    "成员单位": PartyRole.RECIPIENT.value,
    "指导": PartyRole.GUIDING.value,
    "主办": PartyRole.ORGANISING.value,
    "承办": PartyRole.HOSTING.value,
    "托管": PartyRole.TRUSTEE.value,
    "托管单位": PartyRole.TRUSTEE.value,
    "被托管": PartyRole.TRUSTEED.value,
    "被托管单位": PartyRole.TRUSTEED.value,
}
ENGAGEMENT_ROLE_ALIASES = {"首席": EngagementRole.CHIEF.value, "成员": EngagementRole.MEMBER.value}
LIST_SEPARATORS = re.compile(r"[、,，;；\n]+")


# --- Looking things up --------------------------------------------------------


def _programme_named(
    reader: RowReader, header: str, *, required: bool = True, also: Programme | None = None
) -> Programme | None:
    """A programme the importer can see, by its exact name (``also``, the value
    already stored, is let through regardless, as for institutions)."""
    text = reader.required(header) if required else reader.text(header)
    if not text:
        return None
    if also is not None and also.name == text:
        return also
    matches = list(access.programmes_visible_to(reader.actor).filter(name=text)[:2])
    if len(matches) > 1:
        reader.add(header, _("您可见的项目中有多个名为“%(name)s”的项目，请先在项目页面改名以区分") % {"name": text})
        return None
    if not matches:
        reader.add(
            header,
            _("找不到项目“%(name)s”，或您无权访问该项目；新项目请写在“项目”表中") % {"name": text},
        )
        return None
    return matches[0]


def _existing_programme(reader: RowReader, name: str) -> Programme | None:
    matches = list(access.programmes_visible_to(reader.actor).filter(name=name)[:2])
    if len(matches) > 1:
        reader.add(
            "项目名称",
            _("您可见的项目中有多个名为“%(name)s”的项目，无法确定要更新哪一个，请先在项目页面改名以区分")
            % {"name": name},
        )
    return matches[0] if len(matches) == 1 else None


def _partner(reader: RowReader, header: str, *, required: bool = False) -> Institution | None:
    """Any institution the importer may name as a partner (assistance crosses provinces);
    whether it may take a given role is the services' decision."""
    text = reader.required(header) if required else reader.text(header)
    found = directory_services.institution_find(text) if text else None
    if found is not None and not access.partner_candidates(reader.actor).filter(pk=found.pk).exists():
        found = None
    if text and found is None:
        reader.add(header, _("找不到机构“%(value)s”，请填写名录中的机构全称") % {"value": text})
    return found


def _department_of(reader: RowReader, header: str, institution: Institution | None) -> Department | None:
    name = reader.text(header)
    if not name or institution is None:
        return None
    found = Department.objects.filter(institution=institution, name=name).first()
    if found is None:
        reader.add(
            header,
            _("“%(institution)s”没有名为“%(name)s”的科室") % {"institution": institution.name, "name": name},
        )
    return found


def _specialties(reader: RowReader, header: str) -> list[Specialty]:
    found: list[Specialty] = []
    for token in (t.strip() for t in LIST_SEPARATORS.split(reader.text(header))):
        if not token:
            continue
        specialty = selectors.code_or_name_lookup(Specialty, token)
        if specialty is None:
            reader.add(header, _("找不到诊疗科目“%(value)s”，请填写代码或准确名称") % {"value": token})
        elif specialty not in found:
            found.append(specialty)
    return found


def _coded(
    reader: RowReader, header: str, labels: dict[str, str], current: str, aliases: dict[str, str] | None = None
) -> str:
    """A required coded value (kind, role, metric) given as its word or its code."""
    if not reader.required(header):
        return current
    return reader.choice(header, labels, current, aliases)


def _kept(stored: str | None, text: str) -> str:
    """The stored text when the cell differs from it only by surrounding spaces,
    which reading a cell strips: an export read back must not count as a change."""
    return stored if stored is not None and stored.strip() == text else text


def _differs(instance: Any, data: Any, *, skip: tuple[str, ...] = ()) -> bool:
    return any(getattr(instance, f.name) != getattr(data, f.name) for f in fields(data) if f.name not in skip)


# --- 项目 ---------------------------------------------------------------------


def upsert_programme(batch: Batch, row: SheetRow) -> Outcome:
    reader = RowReader(batch.actor, row)
    name = reader.required("项目名称")
    existing = _existing_programme(reader, name) if name else None
    data = _programme_data(reader, name, existing)
    if existing is not None:
        if data is None:
            raise reader.fail()
        if not _programme_differs(existing, data):
            return Outcome.UNCHANGED
        services.programme_update(actor=batch.actor, programme=existing, data=data)
        return Outcome.UPDATED
    first = _first_party(batch, name) if name and not reader.problems else None
    if name and not reader.problems and first is None:
        reader.add(
            "项目名称",
            _("新建项目“%(name)s”须在“参与方”表中有一行该项目的牵头、主办、承办或托管单位，且该机构在您的管辖范围内")
            % {"name": name},
        )
    if data is None or first is None or reader.problems:
        raise reader.fail()
    party, party_row = first
    programme = services.programme_create(actor=batch.actor, data=data, first_party=party)
    created = programme.parties.get()
    batch.first_parties[created.pk] = party_row.number
    return Outcome.CREATED


def _programme_data(reader: RowReader, name: str, existing: Programme | None) -> services.ProgrammeData | None:
    kind = _coded(reader, "项目类型", programme_kind_labels(), existing.kind if existing else "")
    parent = _programme_named(reader, "上级项目", required=False, also=existing.parent if existing else None)
    start_date = reader.date("开始日期", required=True)
    end_date = reader.date("结束日期")
    status = reader.choice(
        "状态", programme_status_labels(), existing.status if existing else ProgrammeStatus.ACTIVE.value
    )
    specialties = _specialties(reader, "涉及专科")
    description = _kept(existing.description if existing else None, reader.text("项目说明"))
    if reader.problems or start_date is None:
        return None
    return services.ProgrammeData(
        kind=kind,
        name=name,
        start_date=start_date,
        end_date=end_date,
        status=status,
        parent=parent,
        description=description,
        specialties=specialties,
    )


def _programme_differs(programme: Programme, data: services.ProgrammeData) -> bool:
    if _differs(programme, data, skip=("specialties",)):
        return True
    return {s.pk for s in programme.specialties.all()} != {s.pk for s in data.specialties}


def _first_party(batch: Batch, name: str) -> tuple[services.PartyData, SheetRow] | None:
    """The first 参与方 row of this programme that can start it: a managing role at
    an institution the importer manages. Rows with mistakes are passed over here;
    their own turn reports them."""
    for row in batch.rows_of(PARTIES):
        if row.text("项目名称") != name:
            continue
        reader = RowReader(batch.actor, row)
        data = _party_data(reader)
        if data is None or reader.problems:
            continue
        if data.role in MANAGING_ROLES and access.can_manage_institution(batch.actor, data.institution):
            return data, row
    return None


# --- 参与方 -------------------------------------------------------------------


def upsert_party(batch: Batch, row: SheetRow) -> Outcome:
    reader = RowReader(batch.actor, row)
    programme = _programme_named(reader, "项目名称")
    data = _party_data(reader)
    if reader.problems or programme is None or data is None:
        raise reader.fail()
    existing = _find_party(programme, data)
    if existing is None:
        services.party_add(actor=batch.actor, programme=programme, data=data)
        return Outcome.CREATED
    if batch.first_parties.get(existing.pk) == row.number:
        # Created from this very row by its 项目 row, which did not check it.
        services.party_validate(programme, data, instance=existing)
        return Outcome.CREATED
    if not _differs(existing, data):
        return Outcome.UNCHANGED
    # The programme services have no way yet to change a party in place.
    changed = [("加入日期", existing.joined_on != data.joined_on), ("备注", existing.note != data.note)]
    raise RowProblems(
        [
            (header, _("暂不支持通过导入修改已登记参与方的“%(header)s”") % {"header": header})
            for header, c in changed
            if c
        ]
    )


def _party_data(reader: RowReader) -> services.PartyData | None:
    institution = _partner(reader, "机构名称", required=True)
    department = _department_of(reader, "科室", institution)
    role = _coded(reader, "角色", party_role_labels(), "", PARTY_ROLE_ALIASES)
    joined_on = reader.date("加入日期")
    note = reader.text("备注")
    if institution is None or not role:
        return None
    return services.PartyData(institution=institution, role=role, department=department, joined_on=joined_on, note=note)


def _find_party(programme: Programme, data: services.PartyData) -> Party | None:
    party = Party.objects.filter(
        programme=programme, institution=data.institution, department=data.department, role=data.role
    ).first()
    if party is not None:
        data.note = _kept(party.note, data.note)
    return party


# --- 年度目标 -----------------------------------------------------------------


def upsert_target(batch: Batch, row: SheetRow) -> Outcome:
    reader = RowReader(batch.actor, row)
    programme = _programme_named(reader, "项目名称")
    year = reader.integer("年度", required=True)
    metric = _coded(reader, "指标", target_metric_labels(), "")
    value = reader.integer("目标值", required=True)
    if reader.problems or programme is None or year is None or value is None or not metric:
        raise reader.fail()
    existing = Target.objects.filter(programme=programme, year=year, metric=metric).first()
    if existing is not None and existing.value == value:
        return Outcome.UNCHANGED
    services.target_set(actor=batch.actor, programme=programme, year=year, metric=metric, value=value)
    return Outcome.CREATED if existing is None else Outcome.UPDATED


# --- 工作站 -------------------------------------------------------------------


def upsert_station(batch: Batch, row: SheetRow) -> Outcome:
    reader = RowReader(batch.actor, row)
    name = reader.required("名称")
    programme = _programme_named(reader, "项目名称")
    existing = Station.objects.filter(programme=programme, name=name).first() if programme and name else None
    kind = _coded(reader, "类型", station_kind_labels(), existing.kind if existing else "")
    host = _partner(reader, "依托机构", required=True)
    host_department = _department_of(reader, "依托科室", host)
    opened_on = reader.date("揭牌日期", required=True)
    closed_on = reader.date("撤销日期")
    plaque_text = _kept(existing.plaque_text if existing else None, reader.text("牌匾文字"))
    if reader.problems or programme is None or host is None or opened_on is None:
        raise reader.fail()
    data = services.StationData(
        programme=programme,
        kind=kind,
        name=name,
        host=host,
        opened_on=opened_on,
        host_department=host_department,
        closed_on=closed_on,
        plaque_text=plaque_text,
    )
    if existing is None:
        services.station_create(actor=batch.actor, data=data)
        return Outcome.CREATED
    if not _differs(existing, data):
        return Outcome.UNCHANGED
    services.station_update(actor=batch.actor, station=existing, data=data)
    return Outcome.UPDATED


# --- 聘任 ---------------------------------------------------------------------


def upsert_engagement(batch: Batch, row: SheetRow) -> Outcome:
    reader = RowReader(batch.actor, row)
    programme = _programme_named(reader, "项目名称")
    station = _station_of(reader, programme)
    professional = _expert(reader)
    start_date = reader.date("聘期开始", required=True)
    end_date = reader.date("聘期结束")
    if reader.problems or programme is None or professional is None or start_date is None:
        raise reader.fail()
    existing = Engagement.objects.filter(
        programme=programme, station=station, professional=professional, start_date=start_date
    ).first()
    role = reader.choice(
        "聘任角色",
        engagement_role_labels(),
        existing.role if existing else EngagementRole.MEMBER.value,
        ENGAGEMENT_ROLE_ALIASES,
    )
    letter_no = _kept(existing.letter_no if existing else None, reader.text("聘书编号"))
    if reader.problems:
        raise reader.fail()
    data = services.EngagementData(
        professional=professional,
        programme=programme,
        start_date=start_date,
        station=station,
        role=role,
        letter_no=letter_no,
        end_date=end_date,
    )
    if existing is None:
        services.engagement_create(actor=batch.actor, data=data)
        return Outcome.CREATED
    if not _differs(existing, data):
        return Outcome.UNCHANGED
    services.engagement_update(actor=batch.actor, engagement=existing, data=data)
    return Outcome.UPDATED


def _station_of(reader: RowReader, programme: Programme | None) -> Station | None:
    name = reader.text("工作站")
    if not name or programme is None:
        return None
    found = Station.objects.filter(programme=programme, name=name).first()
    if found is None:
        reader.add(
            "工作站",
            _("项目“%(programme)s”没有名为“%(name)s”的工作站，可先在“工作站”表中添加")
            % {"programme": programme.name, "name": name},
        )
    return found


def _expert(reader: RowReader) -> Professional | None:
    """The appointed expert, among everyone in the directory: by licence number when
    given, else by name (and employer, when given)."""
    name = reader.required("专家姓名")
    license_no = reader.text("专家执业证书编码")
    candidates = access.expert_candidates(reader.actor)
    if license_no:
        found = candidates.filter(license_no=license_no).first()
        if found is None:
            reader.add("专家执业证书编码", _("名录中没有执业证书编码为“%(value)s”的人员") % {"value": license_no})
        elif name and found.name != name:
            reader.add(
                "专家姓名",
                _("执业证书编码“%(license)s”登记的人员是“%(found)s”，与“%(name)s”不符")
                % {"license": license_no, "found": found.name, "name": name},
            )
            return None
        return found
    if not name:
        return None
    matches = candidates.filter(name=name)
    employer_text = reader.text("专家工作单位")
    if employer_text:
        employer = _partner(reader, "专家工作单位")
        if employer is None:
            return None
        matches = matches.filter(institution=employer)
    found_list = list(matches[:2])
    if len(found_list) > 1:
        reader.add(
            "专家执业证书编码",
            _("名录中有多名叫“%(name)s”的人员，请填写专家执业证书编码以区分") % {"name": name},
        )
        return None
    if not found_list:
        where = _("（%(employer)s）") % {"employer": employer_text} if employer_text else ""
        reader.add("专家姓名", _("名录中找不到人员“%(name)s”%(where)s") % {"name": name, "where": where})
        return None
    return found_list[0]
