"""Directory endpoints. Same scoping as the pages: reads via the access module and
selectors, writes via services; codes in, codes out."""

from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate
from ninja.params import functions as params

from medbridge.accounts import access
from medbridge.directory import selectors, services
from medbridge.directory.models import (
    HospitalGrade,
    Institution,
    InstitutionCategory,
    Professional,
    ProfessionalTitle,
    Region,
    Specialty,
)

router = Router(tags=["directory"])
reference_router = Router(tags=["reference"])


# A calendar year as a filter: Django's date lookups raise on years outside 1..9999,
# and no programme record lies outside 1900..2100.
Year = Annotated[int, Field(ge=1900, le=2100)]
# A record id as a filter: past 64 bits the databases cannot even compare it.
RecordId = Annotated[int, Field(ge=1, le=2**63 - 1)]


class Page(PageNumberPagination):
    """The one paginator of the API: ``{"items": [...], "count": n}``, 25 a page
    unless the client asks for up to 100 with ``page_size``."""

    class Input(Schema):
        # Bounded so that an absurd page is a 422, not an offset the database rejects.
        page: int = Field(1, ge=1, le=1_000_000, description="页码，从 1 开始")
        page_size: int | None = Field(None, ge=1, le=100, description="每页条数（默认 25，最多 100）")

    def __init__(self, page_size: int = 25, max_page_size: int = 100, **kwargs: Any) -> None:
        # ninja's __init__ sets page_size from its settings, over any class attribute.
        super().__init__(page_size=page_size, max_page_size=max_page_size, **kwargs)


def filter_given(qs: QuerySet[Any], **lookups: Any) -> QuerySet[Any]:
    """``qs`` narrowed by the lookups whose value the client gave: a list filter's
    query parameters default to None or "" and then do not filter."""
    return qs.filter(**{lookup: value for lookup, value in lookups.items() if value is not None and value != ""})


# --- Schemas ------------------------------------------------------------------


class RegionOut(Schema):
    code: str
    name: str
    level: str
    parent_code: str | None = Field(None, alias="parent.code")
    longitude: float | None
    latitude: float | None


class CodeOut(Schema):
    code: str
    name: str


class InstitutionOut(Schema):
    id: int
    name: str
    short_name: str
    category: str = Field(alias="category.code")
    category_name: str = Field(alias="category.name")
    grade: str | None = Field(None, alias="grade.code")
    grade_name: str | None = Field(None, alias="grade.name")
    region: str = Field(alias="region.code")
    region_name: str = Field(alias="region.full_name")
    parent_id: int | None
    address: str
    longitude: float | None
    latitude: float | None


class InstitutionIn(Schema):
    name: str
    category: str
    region: str
    grade: str | None = None
    short_name: str = ""
    parent_id: int | None = None
    address: str = ""
    longitude: float | None = None
    latitude: float | None = None


class InstitutionPatch(Schema):
    name: str | None = None
    category: str | None = None
    region: str | None = None
    grade: str | None = None
    short_name: str | None = None
    parent_id: int | None = None
    address: str | None = None
    longitude: float | None = None
    latitude: float | None = None


class DepartmentOut(Schema):
    id: int
    institution_id: int
    name: str
    specialty: str | None = Field(None, alias="specialty.code")


class DepartmentIn(Schema):
    institution_id: int
    name: str
    specialty: str | None = None


class DepartmentPatch(Schema):
    name: str | None = None
    specialty: str | None = None


class ProfessionalOut(Schema):
    id: int
    name: str
    sex: str
    profession: str
    title: str | None = Field(None, alias="title.code")
    title_name: str | None = Field(None, alias="title.name")
    specialty: str | None = Field(None, alias="specialty.code")
    institution_id: int | None
    department_id: int | None
    home_region: str | None = Field(None, alias="home_region.code")
    license_no: str
    phone: str
    id_number: str
    introduction: str

    @staticmethod
    def resolve_phone(obj: Professional, context: dict[str, Any]) -> str:
        return obj.phone if _sees_personal(context, obj) else obj.masked_phone

    @staticmethod
    def resolve_id_number(obj: Professional, context: dict[str, Any]) -> str:
        # The full number is never stored; even the owner sees only the tail.
        return obj.masked_id_number


def _sees_personal(context: dict[str, Any], obj: Professional) -> bool:
    request = context["request"]
    checker = getattr(request, "_pii_checker", None)
    if checker is None:
        checker = request._pii_checker = access.personal_data_checker(request.user)
    return bool(checker(obj))


class ProfessionalIn(Schema):
    name: str
    sex: str = "9"
    profession: str = "physician"
    title: str | None = None
    specialty: str | None = None
    institution_id: int | None = None
    department_id: int | None = None
    home_region: str | None = None
    license_no: str = ""
    phone: str = ""
    id_number: str | None = None
    introduction: str = ""


class ProfessionalPatch(Schema):
    name: str | None = None
    sex: str | None = None
    profession: str | None = None
    title: str | None = None
    specialty: str | None = None
    institution_id: int | None = None
    department_id: int | None = None
    home_region: str | None = None
    license_no: str | None = None
    phone: str | None = None
    id_number: str | None = None
    introduction: str | None = None


# --- Resolving codes to rows ----------------------------------------------------


class Resolver:
    """Turns codes and ids from a request body into rows, collecting every miss."""

    def __init__(self, request: HttpRequest) -> None:
        self.user = request.user
        self.errors: dict[str, list[str]] = {}

    def code(self, field: str, model: type[Any], value: str | None) -> Any:
        if not value:
            return None
        row = model.objects.filter(code=value).first()
        if row is None:
            self.errors[field] = [_("未知的代码“%(code)s”") % {"code": value}]
        return row

    def institution(self, field: str, pk: int | None) -> Institution | None:
        if pk is None:
            return None
        row = access.institutions_visible_to(self.user).filter(pk=pk).first()  # type: ignore[arg-type]
        if row is None:
            self.errors[field] = [_("机构不存在或无权访问")]
        return row

    def department(self, field: str, pk: int | None) -> Any:
        if pk is None:
            return None
        row = access.departments_visible_to(self.user).filter(pk=pk).first()  # type: ignore[arg-type]
        if row is None:
            self.errors[field] = [_("科室不存在或无权访问")]
        return row

    def done(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


def _institution_data(request: HttpRequest, values: dict[str, Any]) -> services.InstitutionData:
    r = Resolver(request)
    data = services.InstitutionData(
        name=values["name"],
        category=r.code("category", InstitutionCategory, values["category"]),
        region=r.code("region", Region, values["region"]),
        grade=r.code("grade", HospitalGrade, values.get("grade")),
        short_name=values.get("short_name") or "",
        parent=r.institution("parent_id", values.get("parent_id")),
        address=values.get("address") or "",
        longitude=values.get("longitude"),
        latitude=values.get("latitude"),
    )
    r.done()
    return data


def _professional_data(request: HttpRequest, values: dict[str, Any]) -> services.ProfessionalData:
    r = Resolver(request)
    data = services.ProfessionalData(
        name=values["name"],
        sex=values.get("sex") or "9",
        profession=values.get("profession") or "physician",
        title=r.code("title", ProfessionalTitle, values.get("title")),
        specialty=r.code("specialty", Specialty, values.get("specialty")),
        institution=r.institution("institution_id", values.get("institution_id")),
        department=r.department("department_id", values.get("department_id")),
        home_region=r.code("home_region", Region, values.get("home_region")),
        license_no=values.get("license_no") or "",
        phone=values.get("phone") or "",
        id_number=values.get("id_number"),
        introduction=values.get("introduction") or "",
    )
    r.done()
    return data


# --- Institutions -----------------------------------------------------------------


class InstitutionQuery(Schema):
    q: str = ""
    region: str = ""
    category: str = ""
    grade: str = ""


@router.get("/institutions", response=list[InstitutionOut], summary="机构列表（搜索、筛选、分页）")
@paginate(Page)
def list_institutions(request: HttpRequest, filters: Query[InstitutionQuery]) -> Any:
    return selectors.institution_list(request.user, selectors.InstitutionFilter(**filters.dict()))  # type: ignore[arg-type]


@router.get("/institutions/{int:pk}", response=InstitutionOut, summary="机构详情")
def get_institution(request: HttpRequest, pk: int) -> Any:
    return access.access_institution(request.user, pk)  # type: ignore[arg-type]


@router.post("/institutions", response={201: InstitutionOut}, summary="登记机构")
def create_institution(request: HttpRequest, payload: InstitutionIn) -> Any:
    data = _institution_data(request, payload.dict())
    return Status(201, services.institution_create(actor=request.user, data=data))


@router.patch("/institutions/{int:pk}", response=InstitutionOut, summary="修改机构")
def update_institution(request: HttpRequest, pk: int, payload: InstitutionPatch) -> Any:
    institution = access.access_institution(request.user, pk, for_write=True)  # type: ignore[arg-type]
    values = selectors.institution_as_codes(institution) | payload.dict(exclude_unset=True)
    data = _institution_data(request, values)
    return services.institution_update(actor=request.user, institution=institution, data=data)


# --- Departments ------------------------------------------------------------------


@router.get("/departments", response=list[DepartmentOut], summary="科室列表")
@paginate(Page)
def list_departments(request: HttpRequest, institution_id: int | None = None, q: str = "") -> Any:
    institution = access.access_institution(request.user, institution_id) if institution_id else None  # type: ignore[arg-type]
    return selectors.department_list(request.user, institution=institution, q=q)  # type: ignore[arg-type]


@router.get("/departments/{int:pk}", response=DepartmentOut, summary="科室详情")
def get_department(request: HttpRequest, pk: int) -> Any:
    return access.access_department(request.user, pk)  # type: ignore[arg-type]


@router.post("/departments", response={201: DepartmentOut}, summary="添加科室")
def create_department(request: HttpRequest, payload: DepartmentIn) -> Any:
    r = Resolver(request)
    institution = r.institution("institution_id", payload.institution_id)
    specialty = r.code("specialty", Specialty, payload.specialty)
    r.done()
    data = services.DepartmentData(institution=institution, name=payload.name, specialty=specialty)  # type: ignore[arg-type]
    return Status(201, services.department_create(actor=request.user, data=data))


@router.patch("/departments/{int:pk}", response=DepartmentOut, summary="修改科室")
def update_department(request: HttpRequest, pk: int, payload: DepartmentPatch) -> Any:
    department = access.access_department(request.user, pk, for_write=True)  # type: ignore[arg-type]
    changes = payload.dict(exclude_unset=True)
    r = Resolver(request)
    specialty = r.code("specialty", Specialty, changes["specialty"]) if "specialty" in changes else department.specialty
    r.done()
    data = services.DepartmentData(
        institution=department.institution, name=changes.get("name") or department.name, specialty=specialty
    )
    return services.department_update(actor=request.user, department=department, data=data)


# --- Professionals ----------------------------------------------------------------


class ProfessionalQuery(Schema):
    q: str = ""
    institution: int | None = None
    title: str = ""
    specialty: str = ""
    home_region: str = ""


@router.get("/professionals", response=list[ProfessionalOut], summary="人员列表（手机号按角色脱敏）")
@paginate(Page)
def list_professionals(request: HttpRequest, filters: Query[ProfessionalQuery]) -> Any:
    return selectors.professional_list(request.user, selectors.ProfessionalFilter(**filters.dict()))  # type: ignore[arg-type]


@router.get("/professionals/{int:pk}", response=ProfessionalOut, summary="人员详情")
def get_professional(request: HttpRequest, pk: int) -> Any:
    return access.access_professional(request.user, pk)  # type: ignore[arg-type]


@router.post("/professionals", response={201: ProfessionalOut}, summary="登记人员")
def create_professional(request: HttpRequest, payload: ProfessionalIn) -> Any:
    data = _professional_data(request, payload.dict())
    return Status(201, services.professional_create(actor=request.user, data=data))


@router.patch("/professionals/{int:pk}", response=ProfessionalOut, summary="修改人员")
def update_professional(request: HttpRequest, pk: int, payload: ProfessionalPatch) -> Any:
    professional = access.access_professional(request.user, pk, for_write=True)  # type: ignore[arg-type]
    values = selectors.professional_as_codes(professional) | {"id_number": None} | payload.dict(exclude_unset=True)
    data = _professional_data(request, values)
    return services.professional_update(actor=request.user, professional=professional, data=data)


# --- Reference data (any signed-in user) --------------------------------------------


@reference_router.get("/regions", response=list[RegionOut], summary="行政区划（按上级或级别筛选）")
@paginate(Page)
def list_regions(request: HttpRequest, parent: str = "", level: str = "", q: str = "") -> Any:
    qs = Region.objects.select_related("parent")
    if parent:
        qs = qs.filter(parent__code=parent)
    if level:
        qs = qs.filter(level=level)
    if q:
        qs = qs.filter(name__contains=q)
    return qs


# A code of a reference list (GB/T 2260, the specialty catalogue, WS 218 …): what the
# route's segment can hold, so that a client knows what may stand there.
Code = Annotated[str, params.Path(pattern=r"^[0-9A-Za-z.]{1,12}$", description="代码")]


@reference_router.get("/regions/{code}", response=RegionOut, summary="行政区划详情（按 GB/T 2260 代码）")
def get_region(request: HttpRequest, code: Code) -> Any:
    return get_object_or_404(Region.objects.select_related("parent"), code=code)


def _code_list(model: type[Any], q: str) -> Any:
    qs = model.objects.all()
    return qs.filter(Q(code__startswith=q) | Q(name__contains=q)) if q else qs


@reference_router.get("/specialties", response=list[CodeOut], summary="诊疗科目名录（q：代码前缀或名称）")
@paginate(Page)
def list_specialties(request: HttpRequest, q: str = "") -> Any:
    return _code_list(Specialty, q)


@reference_router.get("/specialties/{code}", response=CodeOut, summary="诊疗科目")
def get_specialty(request: HttpRequest, code: Code) -> Any:
    return get_object_or_404(Specialty, code=code)


@reference_router.get("/titles", response=list[CodeOut], summary="专业技术职务（GB/T 8561）")
@paginate(Page)
def list_titles(request: HttpRequest, q: str = "") -> Any:
    return _code_list(ProfessionalTitle, q)


@reference_router.get("/titles/{code}", response=CodeOut, summary="专业技术职务")
def get_title(request: HttpRequest, code: Code) -> Any:
    return get_object_or_404(ProfessionalTitle, code=code)


@reference_router.get("/institution-categories", response=list[CodeOut], summary="机构类别（WS 218）")
@paginate(Page)
def list_categories(request: HttpRequest, q: str = "") -> Any:
    return _code_list(InstitutionCategory, q)


@reference_router.get("/institution-categories/{code}", response=CodeOut, summary="机构类别")
def get_category(request: HttpRequest, code: Code) -> Any:
    return get_object_or_404(InstitutionCategory, code=code)


@reference_router.get("/hospital-grades", response=list[CodeOut], summary="医院等级")
@paginate(Page)
def list_grades(request: HttpRequest, q: str = "") -> Any:
    return _code_list(HospitalGrade, q)


@reference_router.get("/hospital-grades/{code}", response=CodeOut, summary="医院等级")
def get_grade(request: HttpRequest, code: Code) -> Any:
    return get_object_or_404(HospitalGrade, code=code)


__all__ = ["reference_router", "router"]
