"""Writes for programmes. Pages, the API, the importer and the demo all call these;
each rule (dates in order, one party per role, engagements inside a station's
life, scope) lives here once."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import PurePath
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from medbridge.accounts import access
from medbridge.accounts.audit import acting_as
from medbridge.directory.models import Department, Institution, Professional, Specialty
from medbridge.directory.services import Errors, assign, data_values
from medbridge.programmes.models import (
    MANAGING_ROLES,
    RECEIVING_ROLES,
    Agreement,
    Engagement,
    EngagementRole,
    Party,
    PartyRole,
    Programme,
    ProgrammeKind,
    ProgrammeStatus,
    Station,
    StationKind,
    Target,
    TargetMetric,
)

AGREEMENT_EXTENSIONS = {".pdf", ".jpg", ".jpeg", ".png", ".doc", ".docx", ".ofd"}
AGREEMENT_MAX_BYTES = 20 * 1024 * 1024


def _check_period(errors: Errors, start: date | None, end: date | None, *, end_field: str = "end_date") -> None:
    if start and end and end < start:
        errors.add(end_field, _("结束日期不能早于开始日期"))


# --- Programmes ----------------------------------------------------------------


@dataclass
class ProgrammeData:
    kind: str
    name: str
    start_date: date
    end_date: date | None = None
    status: str = ProgrammeStatus.ACTIVE
    parent: Programme | None = None
    description: str = ""
    specialties: list[Specialty] = field(default_factory=list)


@dataclass
class PartyData:
    institution: Institution
    role: str
    department: Department | None = None
    joined_on: date | None = None
    note: str = ""


def programme_validate(data: ProgrammeData, *, instance: Programme | None = None) -> None:
    errors = Errors()
    data.name = data.name.strip()
    if not data.name:
        errors.add("name", _("请填写项目名称"))
    if data.kind not in ProgrammeKind.values:
        errors.add("kind", _("未知的项目类型"))
    if data.status not in ProgrammeStatus.values:
        errors.add("status", _("未知的项目状态"))
    _check_period(errors, data.start_date, data.end_date)
    if data.status == ProgrammeStatus.ENDED and data.end_date is None:
        errors.add("end_date", _("已结束的项目须填写结束日期"))
    if data.parent is not None and instance is not None and _descends_from(data.parent, instance):
        errors.add("parent", _("上级项目不能是本项目或其下级项目"))
    elif data.parent is not None:
        _check_inside_parent(errors, data, data.parent)
    errors.raise_if_any()


def _check_inside_parent(errors: Errors, data: ProgrammeData, parent: Programme) -> None:
    if data.start_date < parent.start_date:
        errors.add("start_date", _("子项目不能早于上级项目开始（%(d)s）") % {"d": parent.start_date})
    if parent.end_date and (data.end_date is None or data.end_date > parent.end_date):
        errors.add("end_date", _("子项目不能晚于上级项目结束（%(d)s）") % {"d": parent.end_date})


def _descends_from(candidate: Programme, programme: Programme) -> bool:
    node: Programme | None = candidate
    for _depth in range(20):
        if node is None:
            return False
        if node.pk == programme.pk:
            return True
        node = node.parent
    return True


def programme_create(*, actor: Any, data: ProgrammeData, first_party: PartyData) -> Programme:
    """A programme starts with the actor's own side as a managing party, so that
    whoever creates it can go on editing it."""
    if first_party.role not in MANAGING_ROLES:
        raise ValidationError({"role": [_("新建项目时，本单位须为牵头、主办、承办或托管方")]})
    access.require_can_manage_institution(actor, first_party.institution)
    if data.parent is not None:
        access.require_can_edit_programme(actor, data.parent)
    programme_validate(data)
    with transaction.atomic(), acting_as(actor):
        programme = Programme(**data_values(data, exclude={"specialties"}))
        programme.save()
        programme.specialties.set(data.specialties)
        party_validate(programme, first_party)
        _party_save(programme, first_party)
    return programme


def programme_update(*, actor: Any, programme: Programme, data: ProgrammeData) -> Programme:
    access.require_can_edit_programme(actor, programme)
    if data.parent is not None and data.parent != programme.parent:
        access.require_can_edit_programme(actor, data.parent)
    programme_validate(data, instance=programme)
    _check_children_fit(programme, data)
    with transaction.atomic(), acting_as(actor):
        assign(programme, data, exclude={"specialties"})
        programme.save()
        programme.specialties.set(data.specialties)
    return programme


def _check_children_fit(programme: Programme, data: ProgrammeData) -> None:
    """A new period must still hold the stations, appointments and targets recorded."""
    errors = Errors()
    starts = [s.opened_on for s in programme.stations.all()] + [e.start_date for e in programme.engagements.all()]
    if starts and min(starts) < data.start_date:
        errors.add("start_date", _("已有工作站或聘任始于 %(d)s，开始日期不能晚于此日") % {"d": min(starts)})
    if data.end_date is not None:
        ends = starts + [e.end_date or date.max for e in programme.engagements.all()]
        if ends and max(ends) > data.end_date:
            errors.add("end_date", _("仍有工作站或聘任在结束日期之后，请先调整"))
        if programme.targets.filter(year__gt=data.end_date.year).exists():
            errors.add("end_date", _("结束日期之后的年度仍有目标，请先删除"))
    errors.raise_if_any()


# --- Parties -------------------------------------------------------------------------


def party_validate(programme: Programme, data: PartyData, *, instance: Party | None = None) -> None:
    errors = Errors()
    if data.role not in PartyRole.values:
        errors.add("role", _("未知的参与角色"))
    if data.department is not None and data.department.institution_id != data.institution.pk:
        errors.add("department", _("科室不属于所选机构"))
    twin = Party.objects.filter(
        programme=programme, institution=data.institution, department=data.department, role=data.role
    )
    if instance is not None:
        twin = twin.exclude(pk=instance.pk)
    if twin.exists():
        errors.add(
            "institution",
            _("“%(name)s”已是本项目的%(role)s")
            % {
                "name": data.institution.name,
                "role": PartyRole(data.role).label if data.role in PartyRole.values else data.role,
            },
        )
    if data.joined_on and data.joined_on < programme.start_date:
        errors.add("joined_on", _("加入日期不能早于项目开始日期"))
    errors.raise_if_any()


def _require_party_in_scope(actor: Any, data: PartyData) -> None:
    # Receiving parties may lie anywhere (assistance crosses provinces); every
    # other role commits an institution, which only someone over it may do.
    if data.role in RECEIVING_ROLES:
        return
    if not access.can_manage_institution(actor, data.institution):
        raise PermissionDenied(
            _("“%(name)s”不在您的管辖范围内，只能作为受援/成员单位加入") % {"name": data.institution.name}
        )


def party_add(*, actor: Any, programme: Programme, data: PartyData) -> Party:
    access.require_can_edit_programme(actor, programme)
    _require_party_in_scope(actor, data)
    party_validate(programme, data)
    with transaction.atomic(), acting_as(actor):
        return _party_save(programme, data)


def _party_save(programme: Programme, data: PartyData) -> Party:
    party = Party(programme=programme, **data_values(data))
    party.save()
    return party


def party_update(*, actor: Any, party: Party, data: PartyData) -> Party:
    """Correct a party's institution, department, role, joining date or note. The
    same rules as adding one apply to the new values, and the programme keeps at
    least one managing party, as it does when one is removed."""
    programme = party.programme
    access.require_can_edit_programme(actor, programme)
    _require_party_in_scope(actor, data)
    if party.role not in RECEIVING_ROLES and not access.can_manage_institution(actor, party.institution):
        raise PermissionDenied(_("您无权修改“%(name)s”") % {"name": party.institution.name})
    party_validate(programme, data, instance=party)
    if data.role not in MANAGING_ROLES:
        _require_another_managing_party(party)
    if data.institution.pk != party.institution_id and _station_host_would_leave(party):
        raise ValidationError({"institution": [_("原机构依托有本项目的工作站，不能更换")]})
    with transaction.atomic(), acting_as(actor):
        assign(party, data)
        party.save()
        return party


def party_remove(*, actor: Any, party: Party) -> None:
    access.require_can_edit_programme(actor, party.programme)
    if party.role in MANAGING_ROLES:
        _require_another_managing_party(party)
    if party.role not in RECEIVING_ROLES and not access.can_manage_institution(actor, party.institution):
        raise PermissionDenied(_("您无权移除“%(name)s”") % {"name": party.institution.name})
    if _station_host_would_leave(party):
        raise ValidationError({"institution": [_("该机构依托有本项目的工作站，不能移除")]})
    with transaction.atomic(), acting_as(actor):
        party.delete()


def _require_another_managing_party(party: Party) -> None:
    """A programme keeps at least one party running it when ``party`` stops doing so."""
    others = party.programme.parties.exclude(pk=party.pk)
    if not others.filter(role__in=MANAGING_ROLES).exists():
        raise ValidationError({"role": [_("项目至少要保留一个牵头、主办、承办或托管单位")]})


def _station_host_would_leave(party: Party) -> bool:
    """Whether taking ``party`` away leaves a station of the programme at an
    institution that is no longer a party to it."""
    programme = party.programme
    others = programme.parties.exclude(pk=party.pk).filter(institution=party.institution_id)
    return programme.stations.filter(host=party.institution_id).exists() and not others.exists()


# --- Agreements ----------------------------------------------------------------------


@dataclass
class AgreementData:
    title: str
    signed_on: date
    signatories: str = ""
    file: UploadedFile | None = None


def agreement_validate(data: AgreementData) -> None:
    errors = Errors()
    data.title = data.title.strip()
    if not data.title:
        errors.add("title", _("请填写文件名称"))
    if data.file is not None:
        suffix = PurePath(data.file.name or "").suffix.lower()
        if suffix not in AGREEMENT_EXTENSIONS:
            errors.add("file", _("只接受 PDF、OFD、Word 或图片文件"))
        if (data.file.size or 0) > AGREEMENT_MAX_BYTES:
            errors.add("file", _("文件不能超过 20 MB"))
    errors.raise_if_any()


def agreement_add(*, actor: Any, programme: Programme, data: AgreementData) -> Agreement:
    access.require_can_edit_programme(actor, programme)
    agreement_validate(data)
    with transaction.atomic(), acting_as(actor):
        agreement = Agreement(
            programme=programme, uploaded_by=actor if actor and actor.pk else None, **data_values(data)
        )
        agreement.save()
    return agreement


def agreement_delete(*, actor: Any, agreement: Agreement) -> None:
    access.require_can_edit_programme(actor, agreement.programme)
    with transaction.atomic(), acting_as(actor):
        agreement.file.delete(save=False)
        agreement.delete()


# --- Targets -------------------------------------------------------------------------


def target_set(*, actor: Any, programme: Programme, year: int, metric: str, value: int) -> Target:
    """Create or change the target for one year and metric."""
    access.require_can_edit_programme(actor, programme)
    errors = Errors()
    if metric not in TargetMetric.values:
        errors.add("metric", _("未知的指标"))
    if value < 0:
        errors.add("value", _("目标值不能为负数"))
    last_year = programme.end_date.year if programme.end_date else programme.start_date.year + 20
    if not programme.start_date.year <= year <= last_year:
        errors.add("year", _("年度应在项目期限内（%(a)d–%(b)d）") % {"a": programme.start_date.year, "b": last_year})
    errors.raise_if_any()
    with transaction.atomic(), acting_as(actor):
        target, created = Target.objects.get_or_create(
            programme=programme, year=year, metric=metric, defaults={"value": value}
        )
        if not created and target.value != value:
            target.value = value
            target.save()
    return target


def target_delete(*, actor: Any, target: Target) -> None:
    access.require_can_edit_programme(actor, target.programme)
    with transaction.atomic(), acting_as(actor):
        target.delete()


# --- Stations ------------------------------------------------------------------------


@dataclass
class StationData:
    programme: Programme
    kind: str
    name: str
    host: Institution
    opened_on: date
    host_department: Department | None = None
    closed_on: date | None = None
    plaque_text: str = ""


def station_validate(data: StationData, *, instance: Station | None = None) -> None:
    errors = Errors()
    data.name = data.name.strip()
    if not data.name:
        errors.add("name", _("请填写名称"))
    if data.kind not in StationKind.values:
        errors.add("kind", _("未知的工作站类型"))
    if not data.programme.parties.filter(institution=data.host).exists():
        errors.add("host", _("依托机构须为该项目的参与单位"))
    if data.host_department is not None and data.host_department.institution_id != data.host.pk:
        errors.add("host_department", _("科室不属于依托机构"))
    if data.opened_on < data.programme.start_date:
        errors.add("opened_on", _("揭牌日期不能早于项目开始日期（%(d)s）") % {"d": data.programme.start_date})
    if data.programme.end_date and data.opened_on > data.programme.end_date:
        errors.add("opened_on", _("揭牌日期不能晚于项目结束日期（%(d)s）") % {"d": data.programme.end_date})
    _check_period(errors, data.opened_on, data.closed_on, end_field="closed_on")
    if instance is not None:
        _check_engagements_fit(errors, instance, data)
        if data.programme != instance.programme and instance.engagements.exists():
            errors.add("programme", _("工作站已有聘任专家，不能改属其他项目"))
    errors.raise_if_any()


def _check_engagements_fit(errors: Errors, station: Station, data: StationData) -> None:
    engagements = station.engagements.all()
    if engagements.filter(start_date__lt=data.opened_on).exists():
        errors.add("opened_on", _("已有专家在此日期前受聘，揭牌日期不能推后"))
    if data.closed_on and any(_ends_after(e, data.closed_on) for e in engagements):
        errors.add("closed_on", _("仍有专家的聘期超出撤销日期，请先调整聘期"))


def _ends_after(engagement: Engagement, day: date) -> bool:
    return engagement.end_date is None or engagement.end_date > day


def station_create(*, actor: Any, data: StationData) -> Station:
    access.require_can_edit_programme(actor, data.programme)
    station_validate(data)
    with transaction.atomic(), acting_as(actor):
        station = Station(**data_values(data))
        station.save()
    return station


def station_update(*, actor: Any, station: Station, data: StationData) -> Station:
    access.require_can_edit_programme(actor, station.programme)
    if data.programme != station.programme:
        access.require_can_edit_programme(actor, data.programme)
    station_validate(data, instance=station)
    with transaction.atomic(), acting_as(actor):
        assign(station, data)
        station.save()
    return station


# --- Engagements ----------------------------------------------------------------------


@dataclass
class EngagementData:
    professional: Professional
    programme: Programme
    start_date: date
    station: Station | None = None
    role: str = EngagementRole.MEMBER
    letter_no: str = ""
    end_date: date | None = None


def engagement_validate(data: EngagementData, *, instance: Engagement | None = None) -> None:
    errors = Errors()
    if data.role not in EngagementRole.values:
        errors.add("role", _("未知的聘任角色"))
    _check_period(errors, data.start_date, data.end_date)
    if data.station is not None:
        _check_inside_station(errors, data, data.station)
    elif data.start_date < data.programme.start_date:
        errors.add("start_date", _("聘期不能早于项目开始日期（%(d)s）") % {"d": data.programme.start_date})
    programme_end = data.programme.end_date
    if programme_end and (data.end_date is None or data.end_date > programme_end):
        errors.add("end_date", _("聘期不能晚于项目结束日期（%(d)s）") % {"d": programme_end})
    if _overlapping(data, instance).exists():
        errors.add("professional", _("该专家在此期间已受聘于同一工作站/项目"))
    errors.raise_if_any()


def _check_inside_station(errors: Errors, data: EngagementData, station: Station) -> None:
    if station.programme_id != data.programme.pk:
        errors.add("station", _("工作站不属于所选项目"))
    if data.start_date < station.opened_on:
        errors.add("start_date", _("聘期不能早于工作站揭牌日期（%(d)s）") % {"d": station.opened_on})
    if station.closed_on and (data.end_date is None or data.end_date > station.closed_on):
        errors.add("end_date", _("聘期不能晚于工作站撤销日期（%(d)s）") % {"d": station.closed_on})


def _overlapping(data: EngagementData, instance: Engagement | None) -> Any:
    qs = Engagement.objects.filter(professional=data.professional, programme=data.programme, station=data.station)
    if instance is not None:
        qs = qs.exclude(pk=instance.pk)
    qs = qs.exclude(end_date__lt=data.start_date)
    return qs.exclude(start_date__gt=data.end_date) if data.end_date else qs


def engagement_create(*, actor: Any, data: EngagementData) -> Engagement:
    access.require_can_edit_programme(actor, data.programme)
    engagement_validate(data)
    with transaction.atomic(), acting_as(actor):
        engagement = Engagement(**data_values(data))
        engagement.save()
    return engagement


def engagement_update(*, actor: Any, engagement: Engagement, data: EngagementData) -> Engagement:
    access.require_can_edit_programme(actor, engagement.programme)
    if data.programme != engagement.programme:
        access.require_can_edit_programme(actor, data.programme)
    engagement_validate(data, instance=engagement)
    with transaction.atomic(), acting_as(actor):
        assign(engagement, data)
        engagement.save()
    return engagement
