"""The FHIR R4 endpoints at /fhir/R4/: read, search, metadata. Thin: parse, ask
``resources`` for scoped rows, hand them to the mappers, answer FHIR JSON."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from medbridge.accounts.services import api_token_user
from medbridge.fhir import codesystems, search
from medbridge.fhir.resources import RESOURCE_TYPES, ResourceType, Source, context_for

FHIR_JSON = "application/fhir+json; charset=utf-8"
DEFAULT_COUNT = 20
MAX_COUNT = 200
# Parameters that shape the answer rather than filter it.
CONTROL = {"_count", "_offset", "_sort", "_format", "_id", "_pretty", "_summary", "_total", "_totalMethod"}


class FhirError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def respond(body: dict[str, Any], status: int = 200) -> HttpResponse:
    response = HttpResponse(json.dumps(body, ensure_ascii=False), status=status, content_type=FHIR_JSON)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="medbridge"'
    return response


def outcome(status: int, code: str, message: str) -> HttpResponse:
    body = {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": code, "diagnostics": message}],
    }
    return respond(body, status)


def client_user(request: HttpRequest) -> Any:
    """The session's user, else the owner of a bearer API token, else None."""
    if request.user.is_authenticated:
        return request.user
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return api_token_user(header[7:].strip())
    return None


def base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("fhir:base"))


@require_safe
def metadata(request: HttpRequest) -> HttpResponse:
    return respond(capability_statement(base_url(request)))


@require_safe
def type_search(request: HttpRequest, resource_type: str) -> HttpResponse:
    return _answer(request, resource_type, None)


@require_safe
def instance_read(request: HttpRequest, resource_type: str, resource_id: str) -> HttpResponse:
    return _answer(request, resource_type, resource_id)


def _answer(request: HttpRequest, resource_type: str, resource_id: str | None) -> HttpResponse:
    try:
        if resource_type == "CodeSystem":
            return respond(code_system_read(resource_id) if resource_id else code_system_search(request))
        rt = RESOURCE_TYPES.get(resource_type)
        if rt is None:
            raise FhirError(404, "not-supported", _("不支持的资源类型：%(type)s") % {"type": resource_type})
        user = client_user(request)
        if user is None:
            raise FhirError(401, "login", _("请先登录或提供有效的 API 令牌"))
        if resource_id is not None:
            return respond(read(rt, resource_id, user))
        return respond(search_bundle(request, rt, user))
    except search.SearchError as exc:
        return outcome(400, "invalid", str(exc))
    except FhirError as exc:
        return outcome(exc.status, exc.code, exc.message)


def read(rt: ResourceType, resource_id: str, user: Any) -> dict[str, Any]:
    for source in rt.sources:
        pk = source.pk_of(resource_id)
        row = source.rows(user).filter(pk=pk).first() if pk is not None else None
        if row is not None:
            return _map(source, [row], user)[0]
    raise FhirError(404, "not-found", _("%(type)s/%(id)s 不存在或无权访问") % {"type": rt.name, "id": resource_id})


def _map(source: Source, rows: list[Any], user: Any) -> list[dict[str, Any]]:
    ctx = context_for(user)
    if source.prepare:
        source.prepare(rows, ctx)
    return [source.mapper(row, ctx) for row in rows]


# --- search --------------------------------------------------------------------------


def _int_param(request: HttpRequest, name: str, default: int) -> int:
    raw = request.GET.get(name, "")
    if raw == "":
        return default
    if not raw.isdigit():
        raise FhirError(400, "invalid", _("参数 %(name)s 应为非负整数") % {"name": name})
    return int(raw)


def _filtered(rt: ResourceType, source: Source, request: HttpRequest, user: Any) -> Any:
    qs = source.rows(user)
    ids = [part for value in request.GET.getlist("_id") for part in value.split(",") if part]
    if ids:
        qs = qs.filter(pk__in=[pk for pk in (source.pk_of(i) for i in ids) if pk is not None])
    for key in request.GET:
        name = key.split(":", 1)[0]
        if name in CONTROL or name not in rt.params:
            continue  # unknown parameters are ignored, as FHIR's lenient handling allows
        qs = source.filters.get(name, search.none)(qs, request.GET.getlist(key))
    return qs.order_by(*_ordering(rt, source, request.GET.get("_sort", ""))).distinct()


def _ordering(rt: ResourceType, source: Source, sort: str) -> list[str]:
    fields = []
    for key in (part.strip() for part in sort.split(",") if part.strip()):
        name = key.lstrip("-")
        if name not in rt.sorts:
            raise FhirError(400, "not-supported", _("不支持按 %(name)s 排序") % {"name": name})
        if name in source.sorts:
            fields.append(("-" if key.startswith("-") else "") + source.sorts[name])
    return [*fields, "pk"]


def search_bundle(request: HttpRequest, rt: ResourceType, user: Any) -> dict[str, Any]:
    count = min(_int_param(request, "_count", DEFAULT_COUNT), MAX_COUNT)
    offset = _int_param(request, "_offset", 0)
    querysets = [(source, _filtered(rt, source, request, user)) for source in rt.sources]
    sizes = [qs.count() for _source, qs in querysets]
    total = sum(sizes)
    resources: list[dict[str, Any]] = []
    skip, want = offset, count
    for (source, qs), size in zip(querysets, sizes, strict=True):
        if want <= 0:
            break
        if skip >= size:
            skip -= size
            continue
        rows = list(qs[skip : skip + want])
        resources += _map(source, rows, user)
        want -= len(rows)
        skip = 0
    base = base_url(request)
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "meta": {"lastUpdated": timezone.now().isoformat()},
        "total": total,
        "link": _links(request, base + rt.name, offset, count, total),
        "entry": [
            {"fullUrl": f"{base}{rt.name}/{r['id']}", "resource": r, "search": {"mode": "match"}} for r in resources
        ],
    }


def _links(request: HttpRequest, url: str, offset: int, count: int, total: int) -> list[dict[str, str]]:
    params = [(k, v) for k in request.GET for v in request.GET.getlist(k) if k not in ("_offset", "_count")]

    def page(at: int) -> str:
        return url + "?" + urlencode([*params, ("_count", str(count)), ("_offset", str(at))])

    links = [{"relation": "self", "url": page(offset)}]
    if count and offset + count < total:
        links.append({"relation": "next", "url": page(offset + count)})
    if count and offset > 0:
        links.append({"relation": "previous", "url": page(max(offset - count, 0))})
    return links


# --- CodeSystem and CapabilityStatement -----------------------------------------------


def code_system(code_set: codesystems.CodeSet) -> dict[str, Any]:
    concepts = [{"code": code, "display": label} for code, label in code_set.concepts()]
    return {
        "resourceType": "CodeSystem",
        "id": code_set.id,
        "url": code_set.url,
        "name": code_set.id.replace("-", "_"),
        "title": code_set.title,
        "status": "active",
        "description": code_set.description,
        "caseSensitive": True,
        "content": "complete",
        "count": len(concepts),
        "concept": concepts,
    }


def code_system_read(resource_id: str) -> dict[str, Any]:
    code_set = codesystems.CODE_SETS.get(resource_id)
    if code_set is None:
        raise FhirError(404, "not-found", _("CodeSystem/%(id)s 不存在") % {"id": resource_id})
    return code_system(code_set)


def code_system_search(request: HttpRequest) -> dict[str, Any]:
    wanted = request.GET.get("url") or request.GET.get("_id") or ""
    sets = [cs for cs in codesystems.CODE_SETS.values() if not wanted or wanted in (cs.url, cs.id)]
    base = base_url(request)
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": len(sets),
        "link": [{"relation": "self", "url": request.build_absolute_uri()}],
        "entry": [
            {"fullUrl": f"{base}CodeSystem/{cs.id}", "resource": code_system(cs), "search": {"mode": "match"}}
            for cs in sets
        ],
    }


def capability_statement(base: str) -> dict[str, Any]:
    common = [
        {"name": "_id", "type": "token"},
        {"name": "_count", "type": "number"},
        {"name": "_sort", "type": "string"},
    ]
    resources = [
        {
            "type": rt.name,
            "interaction": [{"code": "read"}, {"code": "search-type"}],
            "searchParam": common + [{"name": name, "type": kind} for name, kind in rt.params.items()],
        }
        for rt in RESOURCE_TYPES.values()
    ]
    resources.append(
        {
            "type": "CodeSystem",
            "interaction": [{"code": "read"}, {"code": "search-type"}],
            "searchParam": [{"name": "url", "type": "uri"}, {"name": "_id", "type": "token"}],
        }
    )
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": timezone.localdate().isoformat(),
        "publisher": "MedBridge 医桥",
        "kind": "instance",
        "software": {"name": "MedBridge", "version": "1"},
        "implementation": {"description": "医桥 MedBridge FHIR R4 只读接口", "url": base},
        "fhirVersion": "4.0.1",
        "format": ["application/fhir+json", "json"],
        "rest": [
            {
                "mode": "server",
                "security": {
                    "description": "会话 Cookie 或 Authorization: Bearer <API 令牌>；CodeSystem 与 metadata 公开。"
                },
                "resource": resources,
            }
        ],
    }
