"""The JSON API at /api/v1/: one NinjaAPI, routers from each app, one error shape.

Every error body is ``{"error": {"code": ..., "message": ..., "fields": {...}}}``
so clients handle validation, scope and authentication failures the same way.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyCookie, HttpBearer

from medbridge.accounts.services import api_token_user


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_user(token)
        if user is not None:
            request.user = user
        return user


class Session(APIKeyCookie):
    """Django's session cookie, with CSRF checks on writes (ninja's default)."""

    param_name = "sessionid"

    def _get_key(self, request: HttpRequest) -> str | None:
        # Without a session cookie there is no session to protect from CSRF, and
        # checking anyway refused every Bearer-token write with a 403.
        if self.param_name not in request.COOKIES:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return request.user if request.user.is_authenticated else None


class ErrorBody(Schema):
    code: str
    message: str
    fields: dict[str, list[str]]


class ErrorOut(Schema):
    """The one error shape, for every status below 200 or above 299."""

    error: ErrorBody


# Which errors an operation may answer with, and what each means to a client:
# scoped lookups give 404, services 403 and 422, the auth gate 401, the public
# booking limiter 429, and ninja itself 400 for a body that is not JSON.
ERROR_STATUSES = {
    400: "请求格式有误，例如请求体不是 JSON（bad_request）",
    401: "未登录或令牌无效（unauthenticated）",
    403: "已登录但无权执行此操作，或 CSRF 校验失败（forbidden）",
    404: "记录不存在或不在权限范围内（not_found）",
    422: "参数或提交的数据有误（invalid），fields 指出哪一项",
    429: "请求过于频繁（rate_limited）",
}


class MedBridgeAPI(NinjaAPI):
    """The NinjaAPI whose OpenAPI document lists the error responses of every
    operation. Errors come from exception handlers, not from the operations'
    return values, so ninja cannot see them: they are added to the document here."""

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: Any = None) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        body = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
        components.update(body.pop("$defs", {}))
        components["Error"] = body
        for operations in schema["paths"].values():
            for method, operation in operations.items():
                _document_errors(method, operation)
        _local_times(schema)
        return schema


def _document_errors(method: str, operation: dict[str, Any]) -> None:
    statuses = [400, 403, 404, 422]
    if operation.get("security"):
        statuses.append(401)
    elif method != "get":
        statuses.append(429)  # public writes are rate-limited per client address
    ref = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    responses = operation["responses"]
    for status in sorted(statuses):
        # ninja keys responses by int; a status an operation declares itself wins.
        if status not in responses and str(status) not in responses:
            responses[status] = {"description": ERROR_STATUSES[status], "content": ref}


def _local_times(node: Any) -> None:
    """Clinic hours are wall-clock times in Asia/Shanghai, sent without an offset
    ("08:00:00"): RFC 3339's partial-time, not the offset-bearing "time" format
    pydantic names them."""
    if isinstance(node, dict):
        if node.get("format") == "time":
            node["format"] = "partial-time"
        for value in node.values():
            _local_times(value)
    elif isinstance(node, list):
        for value in node:
            _local_times(value)


api = MedBridgeAPI(
    title="MedBridge API",
    version="1",
    description="医桥 MedBridge JSON API. 使用会话 Cookie 或 `Authorization: Bearer <token>` 认证。",
    auth=[Session(), BearerToken()],
    urls_namespace="api",
)


def error_response(
    request: HttpRequest, status: int, code: str, message: str, fields: dict[str, list[str]] | None = None
) -> HttpResponse:
    body = {"error": {"code": code, "message": message, "fields": fields or {}}}
    return api.create_response(request, body, status=status)


@api.exception_handler(ValidationError)
def _validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    fields = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return error_response(request, 422, "invalid", _("提交的数据有误"), fields)


@api.exception_handler(NinjaValidationError)
def _schema_validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    fields: dict[str, list[str]] = {}
    for item in exc.errors:
        name = ".".join(str(p) for p in item.get("loc", [])[1:]) or "__all__"
        fields.setdefault(name, []).append(str(item.get("msg", "")))
    return error_response(request, 422, "invalid", _("提交的数据有误"), fields)


@api.exception_handler(DataError)
@api.exception_handler(OverflowError)
def _unstorable(request: HttpRequest, exc: Exception) -> HttpResponse:
    # PostgreSQL refuses what a client can type but a column cannot hold or be
    # compared with: a NUL byte in a filter, a number beyond the column's range;
    # SQLite's driver refuses integers past 64 bits before the query runs.
    # The input is at fault, not the server.
    return unstorable_input_response(request)


def unstorable_input_response(request: HttpRequest) -> HttpResponse:
    """The 422 for input no column can hold; also sent before any query by
    ``web.middleware.RejectNulInApiMiddleware``."""
    fields = {"__all__": [_("含有无法处理的字符或超出范围的数值")]}
    return error_response(request, 422, "invalid", _("提交的数据有误"), fields)


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return error_response(request, 403, "forbidden", str(exc) or _("无权执行此操作"))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(request, 404, "not_found", _("记录不存在或无权访问"))


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # ninja's own refusals (a body that is not JSON, a failed CSRF check) in the one error shape.
    codes = {400: "bad_request", 403: "forbidden", 429: "rate_limited"}
    return error_response(request, exc.status_code, codes.get(exc.status_code, "error"), exc.message)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response(request, 401, "unauthenticated", _("请先登录或提供有效的 API 令牌"))


def _register_routers() -> None:
    from medbridge.activities.api import router as activities_router
    from medbridge.clinics.api import router as clinics_router
    from medbridge.directory.api import reference_router, router
    from medbridge.planning.api import router as planning_router
    from medbridge.postings.api import router as postings_router
    from medbridge.programmes.api import router as programmes_router
    from medbridge.referrals.api import router as referrals_router
    from medbridge.reports.api import router as reports_router

    api.add_router("/", router)
    api.add_router("/", programmes_router)
    api.add_router("/", postings_router)
    api.add_router("/", referrals_router)
    api.add_router("/", activities_router)
    api.add_router("/", clinics_router)
    api.add_router("/", planning_router)
    api.add_router("/", reports_router)
    api.add_router("/reference/", reference_router)


_register_routers()
