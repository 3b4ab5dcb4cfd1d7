"""Programme endpoints: programmes, their parties, targets, agreements and timeline,
stations and expert engagements. Same scoping as the pages: lookups go through the
access module, reads through selectors, writes through services; ids and codes in,
ids and codes out."""

from datetime import date
from pathlib import PurePath
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from medbridge.accounts import access
from medbridge.directory.api import Page, Year, filter_given
from medbridge.directory.api import Resolver as DirectoryResolver
from medbridge.directory.models import Department, Specialty
from medbridge.programmes import selectors, services
from medbridge.programmes.models import Agreement, Engagement, Party, Programme, Station, Target

router = Router(tags=["programmes"])


# --- Schemas ------------------------------------------------------------------------


class PartyOut(Schema):
    id: int
    programme_id: int
    institution_id: int
    institution_name: str = Field(alias="institution.name")
    department_id: int | None
    department_name: str | None = Field(None, alias="department.name")
    role: str
    joined_on: date | None
    note: str


class ProgrammeOut(Schema):
    id: int
    kind: str
    name: str
    parent_id: int | None
    start_date: date
    end_date: date | None
    status: str
    specialties: list[str]
    description: str
    parties: list[PartyOut]
    can_edit: bool

    @staticmethod
    def resolve_specialties(obj: Programme) -> list[str]:
        return [s.code for s in obj.specialties.all()]

    @staticmethod
    def resolve_parties(obj: Programme) -> Any:
        return obj.parties.all()

    @staticmethod
    def resolve_can_edit(obj: Programme, context: dict[str, Any]) -> bool:
        return access.can_edit_programme(context["request"].user, obj)


class FirstPartyIn(Schema):
    institution_id: int
    role: str
    department_id: int | None = None


class ProgrammeIn(Schema):
    kind: str
    name: str
    start_date: date
    first_party: FirstPartyIn
    end_date: date | None = None
    status: str = "active"
    parent_id: int | None = None
    description: str = ""
    specialties: list[str] = []


class ProgrammePatch(Schema):
    kind: str | None = None
    name: str | None = None
    start_date: date | None = None
    end_date: date | None = None
    status: str | None = None
    parent_id: int | None = None
    description: str | None = None
    specialties: list[str] | None = None


class PartyIn(Schema):
    institution_id: int
    role: str
    department_id: int | None = None
    joined_on: date | None = None
    note: str = ""


class TargetOut(Schema):
    id: int
    programme_id: int
    year: int
    metric: str
    metric_name: str
    value: int

    @staticmethod
    def resolve_metric_name(obj: Target) -> str:
        return str(obj.get_metric_display())


class TargetIn(Schema):
    year: int
    metric: str
    value: int


class AgreementOut(Schema):
    id: int
    programme_id: int
    title: str
    signed_on: date
    signatories: str
    file_url: str | None

    @staticmethod
    def resolve_file_url(obj: Agreement) -> str | None:
        # Through the API, which checks scope, never the bare media URL.
        kwargs = {"pk": obj.programme_id, "agreement_id": obj.pk}
        return reverse("api:programme_agreement_file", kwargs=kwargs) if obj.file else None


class AgreementIn(Schema):
    title: str
    signed_on: date
    signatories: str = ""


class TimelineEventOut(Schema):
    day: date
    kind: str
    title: str
    url: str


class EngagementOut(Schema):
    id: int
    professional_id: int
    professional_name: str = Field(alias="professional.name")
    professional_title: str | None = Field(None, alias="professional.title.name")
    professional_institution: str | None = Field(None, alias="professional.institution.name")
    programme_id: int
    station_id: int | None
    role: str
    letter_no: str
    start_date: date
    end_date: date | None


class EngagementIn(Schema):
    professional_id: int
    start_date: date
    programme_id: int | None = None
    station_id: int | None = None
    role: str = "member"
    letter_no: str = ""
    end_date: date | None = None


class EngagementPatch(Schema):
    professional_id: int | None = None
    start_date: date | None = None
    station_id: int | None = None
    role: str | None = None
    letter_no: str | None = None
    end_date: date | None = None


class StationOut(Schema):
    id: int
    programme_id: int
    kind: str
    name: str
    host_id: int
    host_name: str = Field(alias="host.name")
    host_department_id: int | None
    opened_on: date
    closed_on: date | None
    plaque_text: str


class StationDetailOut(StationOut):
    current_experts: list[EngagementOut]
    past_experts: list[EngagementOut]

    @staticmethod
    def resolve_current_experts(obj: Station) -> list[Engagement]:
        return selectors.engagements_split(obj.engagements.all())[0]

    @staticmethod
    def resolve_past_experts(obj: Station) -> list[Engagement]:
        return selectors.engagements_split(obj.engagements.all())[1]


class StationIn(Schema):
    programme_id: int
    kind: str
    name: str
    host_id: int
    opened_on: date
    host_department_id: int | None = None
    closed_on: date | None = None
    plaque_text: str = ""


class StationPatch(Schema):
    kind: str | None = None
    name: str | None = None
    host_id: int | None = None
    host_department_id: int | None = None
    opened_on: date | None = None
    closed_on: date | None = None
    plaque_text: str | None = None


# --- Resolving ids and codes to rows ---------------------------------------------------


class Resolver(DirectoryResolver):
    """The directory's resolver plus the programme-side lookups. Partners, hosts and
    experts may lie outside the user's scope (assistance crosses provinces), so they
    come from the access module's candidate lists; the services decide which roles
    an out-of-scope institution may take."""

    def codes(self, field: str, model: type[Any], values: list[str]) -> list[Any]:
        rows = list(model.objects.filter(code__in=values))
        unknown = sorted(set(values) - {row.code for row in rows})
        if unknown:
            self.errors[field] = [_("未知的代码“%(code)s”") % {"code": "、".join(unknown)}]
        return rows

    def _row(self, field: str, qs: QuerySet[Any], pk: int | None, message: str) -> Any:
        if pk is None:
            return None
        row = qs.filter(pk=pk).first()
        if row is None:
            self.errors[field] = [message]
        return row

    def programme(self, field: str, pk: int | None) -> Any:
        return self._row(field, access.programmes_visible_to(self.user), pk, _("项目不存在或无权访问"))

    def station(self, field: str, pk: int | None) -> Any:
        return self._row(field, access.stations_visible_to(self.user), pk, _("工作站不存在或无权访问"))

    def partner(self, field: str, pk: int | None) -> Any:
        return self._row(field, access.partner_candidates(self.user), pk, _("机构不存在"))

    def partner_department(self, field: str, pk: int | None) -> Any:
        qs = Department.objects.filter(institution__in=access.partner_candidates(self.user))
        return self._row(field, qs, pk, _("科室不存在"))

    def expert(self, field: str, pk: int | None) -> Any:
        return self._row(field, access.expert_candidates(self.user), pk, _("人员不存在"))


def _programme_data(request: HttpRequest, values: dict[str, Any]) -> services.ProgrammeData:
    r = Resolver(request)
    data = services.ProgrammeData(
        kind=values["kind"],
        name=values["name"],
        start_date=values["start_date"],
        end_date=values.get("end_date"),
        status=values.get("status") or "active",
        parent=r.programme("parent_id", values.get("parent_id")),
        description=values.get("description") or "",
        specialties=r.codes("specialties", Specialty, values.get("specialties") or []),
    )
    r.done()
    return data


def _programme_values(programme: Programme) -> dict[str, Any]:
    return {
        "kind": programme.kind,
        "name": programme.name,
        "start_date": programme.start_date,
        "end_date": programme.end_date,
        "status": programme.status,
        "parent_id": programme.parent_id,
        "description": programme.description,
        "specialties": [s.code for s in programme.specialties.all()],
    }


def _first_party(request: HttpRequest, payload: FirstPartyIn) -> services.PartyData:
    # The creator's own side: it must be in the user's scope, so it is looked up there.
    r = Resolver(request)
    institution = r.institution("first_party.institution_id", payload.institution_id)
    department = r.department("first_party.department_id", payload.department_id)
    r.done()
    return services.PartyData(institution=institution, role=payload.role, department=department)  # type: ignore[arg-type]


def _with_parties(qs: QuerySet[Programme]) -> QuerySet[Programme]:
    parties = Party.objects.select_related("institution", "department")
    return qs.prefetch_related("specialties", Prefetch("parties", queryset=parties))


# --- Programmes --------------------------------------------------------------------------


class ProgrammeQuery(Schema):
    q: str = ""
    kind: str = ""
    status: str = ""
    region: str = ""
    year: Year | None = None


@router.get("/programmes", response=list[ProgrammeOut], summary="项目列表（搜索、筛选、分页）")
@paginate(Page)
def list_programmes(request: HttpRequest, filters: Query[ProgrammeQuery]) -> Any:
    qs = selectors.programme_list(request.user, selectors.ProgrammeFilter(**filters.dict()))
    return _with_parties(qs)


@router.get("/programmes/{int:pk}", response=ProgrammeOut, summary="项目详情")
def get_programme(request: HttpRequest, pk: int) -> Any:
    return access.access_programme(request.user, pk)


@router.post("/programmes", response={201: ProgrammeOut}, summary="新建项目（含本单位为首个参与方）")
def create_programme(request: HttpRequest, payload: ProgrammeIn) -> Any:
    data = _programme_data(request, payload.dict(exclude={"first_party"}))
    first_party = _first_party(request, payload.first_party)
    return Status(201, services.programme_create(actor=request.user, data=data, first_party=first_party))


@router.patch("/programmes/{int:pk}", response=ProgrammeOut, summary="修改项目")
def update_programme(request: HttpRequest, pk: int, payload: ProgrammePatch) -> Any:
    programme = access.access_programme(request.user, pk, for_write=True)
    data = _programme_data(request, _programme_values(programme) | payload.dict(exclude_unset=True))
    return services.programme_update(actor=request.user, programme=programme, data=data)


@router.get("/programmes/{int:pk}/timeline", response=list[TimelineEventOut], summary="项目大事记")
def programme_timeline(request: HttpRequest, pk: int) -> Any:
    return selectors.programme_timeline(access.access_programme(request.user, pk), request.user)


# --- Parties ------------------------------------------------------------------------------


@router.get("/programmes/{int:pk}/parties", response=list[PartyOut], summary="参与方列表")
def list_parties(request: HttpRequest, pk: int) -> Any:
    return selectors.programme_parties(access.access_programme(request.user, pk))


@router.post("/programmes/{int:pk}/parties", response={201: PartyOut}, summary="添加参与方")
def add_party(request: HttpRequest, pk: int, payload: PartyIn) -> Any:
    programme = access.access_programme(request.user, pk, for_write=True)
    r = Resolver(request)
    institution = r.partner("institution_id", payload.institution_id)
    department = r.partner_department("department_id", payload.department_id)
    r.done()
    data = services.PartyData(
        institution=institution,
        role=payload.role,
        department=department,
        joined_on=payload.joined_on,
        note=payload.note,
    )
    return Status(201, services.party_add(actor=request.user, programme=programme, data=data))


@router.delete("/programmes/{int:pk}/parties/{int:party_id}", response={204: None}, summary="移除参与方")
def remove_party(request: HttpRequest, pk: int, party_id: int) -> Any:
    programme = access.access_programme(request.user, pk, for_write=True)
    party = get_object_or_404(programme.parties, pk=party_id)
    services.party_remove(actor=request.user, party=party)
    return Status(204, None)


# --- Targets ----------------------------------------------------------------------------------


@router.get("/programmes/{int:pk}/targets", response=list[TargetOut], summary="年度目标")
def list_targets(request: HttpRequest, pk: int) -> Any:
    return access.access_programme(request.user, pk).targets.all()


@router.put("/programmes/{int:pk}/targets", response=TargetOut, summary="设置某年度某指标的目标值")
def set_target(request: HttpRequest, pk: int, payload: TargetIn) -> Any:
    programme = access.access_programme(request.user, pk, for_write=True)
    return services.target_set(actor=request.user, programme=programme, **payload.dict())


@router.delete("/programmes/{int:pk}/targets/{int:target_id}", response={204: None}, summary="删除年度目标")
def delete_target(request: HttpRequest, pk: int, target_id: int) -> Any:
    programme = access.access_programme(request.user, pk, for_write=True)
    services.target_delete(actor=request.user, target=get_object_or_404(programme.targets, pk=target_id))
    return Status(204, None)


# --- Agreements ---------------------------------------------------------------------------------


@router.get("/programmes/{int:pk}/agreements", response=list[AgreementOut], summary="协议文件")
def list_agreements(request: HttpRequest, pk: int) -> Any:
    return access.access_programme(request.user, pk).agreements.all()


@router.post("/programmes/{int:pk}/agreements", response={201: AgreementOut}, summary="上传协议文件（multipart）")
def add_agreement(
    request: HttpRequest, pk: int, payload: Form[AgreementIn], file: File[UploadedFile | None] = None
) -> Any:
    programme = access.access_programme(request.user, pk, for_write=True)
    data = services.AgreementData(**payload.dict(), file=file)
    return Status(201, services.agreement_add(actor=request.user, programme=programme, data=data))


@router.get(
    "/programmes/{int:pk}/agreements/{int:agreement_id}/file",
    summary="下载协议文件",
    url_name="programme_agreement_file",
    response={200: None},
)
def download_agreement(request: HttpRequest, pk: int, agreement_id: int) -> Any:
    agreement = get_object_or_404(access.access_programme(request.user, pk).agreements, pk=agreement_id)
    if not agreement.file:
        raise Http404
    return FileResponse(agreement.file.open("rb"), as_attachment=True, filename=PurePath(agreement.file.name).name)


# --- Parties, targets and agreements across programmes -----------------------------------


class PartyQuery(Schema):
    programme: int | None = None
    institution: int | None = Field(None, description="参与机构 id（不论哪个项目）")
    role: str = ""


@router.get("/parties", response=list[PartyOut], summary="参与方列表（跨项目：按项目、机构、角色筛选）")
@paginate(Page)
def list_all_parties(request: HttpRequest, filters: Query[PartyQuery]) -> Any:
    """Which programmes an institution takes part in, and in which role."""
    qs = filter_given(
        access.parties_visible_to(request.user),
        programme_id=filters.programme,
        institution_id=filters.institution,
        role=filters.role,
    )
    return qs.order_by("programme_id", "role", "institution__name", "pk")


@router.get("/parties/{int:pk}", response=PartyOut, summary="参与方详情")
def get_party(request: HttpRequest, pk: int) -> Any:
    return access.access_party(request.user, pk)


class TargetQuery(Schema):
    programme: int | None = None
    year: int | None = Field(None, ge=1900, le=2100)
    metric: str = ""


@router.get("/targets", response=list[TargetOut], summary="年度目标列表（跨项目：按项目、年度、指标筛选）")
@paginate(Page)
def list_all_targets(request: HttpRequest, filters: Query[TargetQuery]) -> Any:
    qs = filter_given(
        access.targets_visible_to(request.user),
        programme_id=filters.programme,
        year=filters.year,
        metric=filters.metric,
    )
    return qs.order_by("programme_id", "year", "metric")


@router.get("/targets/{int:pk}", response=TargetOut, summary="年度目标详情")
def get_target(request: HttpRequest, pk: int) -> Any:
    return access.access_target(request.user, pk)


class AgreementQuery(Schema):
    programme: int | None = None
    year: int | None = Field(None, ge=1900, le=2100, description="签署年度")
    q: str = ""


@router.get("/agreements", response=list[AgreementOut], summary="协议文件列表（跨项目：按项目、签署年度、名称筛选）")
@paginate(Page)
def list_all_agreements(request: HttpRequest, filters: Query[AgreementQuery]) -> Any:
    qs = filter_given(
        access.agreements_visible_to(request.user), programme_id=filters.programme, signed_on__year=filters.year
    )
    if filters.q:
        qs = qs.filter(Q(title__icontains=filters.q) | Q(signatories__icontains=filters.q))
    return qs.order_by("-signed_on", "pk")


@router.get("/agreements/{int:pk}", response=AgreementOut, summary="协议文件详情（文件经 file_url 下载）")
def get_agreement(request: HttpRequest, pk: int) -> Any:
    return access.access_agreement(request.user, pk)


# --- Stations --------------------------------------------------------------------------------------


class StationQuery(Schema):
    q: str = ""
    kind: str = ""
    programme: int | None = None


def _station_data(request: HttpRequest, values: dict[str, Any]) -> services.StationData:
    r = Resolver(request)
    data = services.StationData(
        programme=r.programme("programme_id", values["programme_id"]),
        kind=values["kind"],
        name=values["name"],
        host=r.partner("host_id", values["host_id"]),
        host_department=r.partner_department("host_department_id", values.get("host_department_id")),
        opened_on=values["opened_on"],
        closed_on=values.get("closed_on"),
        plaque_text=values.get("plaque_text") or "",
    )
    r.done()
    return data


def _station_values(station: Station) -> dict[str, Any]:
    return {
        "programme_id": station.programme_id,
        "kind": station.kind,
        "name": station.name,
        "host_id": station.host_id,
        "host_department_id": station.host_department_id,
        "opened_on": station.opened_on,
        "closed_on": station.closed_on,
        "plaque_text": station.plaque_text,
    }


@router.get("/stations", response=list[StationOut], summary="工作站/基地列表")
@paginate(Page)
def list_stations(request: HttpRequest, filters: Query[StationQuery]) -> Any:
    programme = access.access_programme(request.user, filters.programme) if filters.programme else None
    return selectors.station_list(request.user, q=filters.q, kind=filters.kind, programme=programme)


@router.get("/stations/{int:pk}", response=StationDetailOut, summary="工作站详情（含现任与往届专家）")
def get_station(request: HttpRequest, pk: int) -> Any:
    return access.access_station(request.user, pk)


@router.post("/stations", response={201: StationDetailOut}, summary="设立工作站/基地")
def create_station(request: HttpRequest, payload: StationIn) -> Any:
    data = _station_data(request, payload.dict())
    return Status(201, services.station_create(actor=request.user, data=data))


@router.patch("/stations/{int:pk}", response=StationDetailOut, summary="修改工作站/基地")
def update_station(request: HttpRequest, pk: int, payload: StationPatch) -> Any:
    station = access.access_station(request.user, pk, for_write=True)
    data = _station_data(request, _station_values(station) | payload.dict(exclude_unset=True))
    return services.station_update(actor=request.user, station=station, data=data)


# --- Engagements --------------------------------------------------------------------------------------


class EngagementQuery(Schema):
    programme: int | None = None
    station: int | None = None


def _engagement_data(request: HttpRequest, values: dict[str, Any]) -> services.EngagementData:
    r = Resolver(request)
    station = r.station("station_id", values.get("station_id"))
    programme = r.programme("programme_id", values.get("programme_id"))
    if programme is None and station is not None:
        programme = station.programme
    if programme is None and "programme_id" not in r.errors and "station_id" not in r.errors:
        r.errors["programme_id"] = [_("请选择项目或工作站")]
    data = services.EngagementData(
        professional=r.expert("professional_id", values["professional_id"]),
        programme=programme,
        station=station,
        start_date=values["start_date"],
        role=values.get("role") or "member",
        letter_no=values.get("letter_no") or "",
        end_date=values.get("end_date"),
    )
    r.done()
    return data


def _engagement_values(engagement: Engagement) -> dict[str, Any]:
    return {
        "professional_id": engagement.professional_id,
        "programme_id": engagement.programme_id,
        "station_id": engagement.station_id,
        "role": engagement.role,
        "letter_no": engagement.letter_no,
        "start_date": engagement.start_date,
        "end_date": engagement.end_date,
    }


def _access_engagement(request: HttpRequest, pk: int, *, for_write: bool = False) -> Engagement:
    return access.access_engagement(request.user, pk, for_write=for_write)


@router.get("/engagements", response=list[EngagementOut], summary="聘任列表（按项目或工作站筛选）")
@paginate(Page)
def list_engagements(request: HttpRequest, filters: Query[EngagementQuery]) -> Any:
    qs = access.engagements_visible_to(request.user)
    if filters.programme:
        qs = qs.filter(programme=access.access_programme(request.user, filters.programme))
    if filters.station:
        qs = qs.filter(station=access.access_station(request.user, filters.station))
    return qs.order_by("-start_date", "professional__name")


@router.get("/engagements/{int:pk}", response=EngagementOut, summary="聘任详情")
def get_engagement(request: HttpRequest, pk: int) -> Any:
    return _access_engagement(request, pk)


@router.post("/engagements", response={201: EngagementOut}, summary="聘任专家")
def create_engagement(request: HttpRequest, payload: EngagementIn) -> Any:
    data = _engagement_data(request, payload.dict())
    return Status(201, services.engagement_create(actor=request.user, data=data))


@router.patch("/engagements/{int:pk}", response=EngagementOut, summary="修改聘任")
def update_engagement(request: HttpRequest, pk: int, payload: EngagementPatch) -> Any:
    engagement = _access_engagement(request, pk, for_write=True)
    data = _engagement_data(request, _engagement_values(engagement) | payload.dict(exclude_unset=True))
    return services.engagement_update(actor=request.user, engagement=engagement, data=data)


__all__ = ["router"]
