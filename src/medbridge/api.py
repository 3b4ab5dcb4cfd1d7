"""The JSON API at /api/v1/: one NinjaAPI, routers from each app, one error shape.

Every error body is ``{"error": {"code": ..., "message": ..., "fields": {...}}}``
so clients handle validation, scope and authentication failures the same way.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
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


# Every operation can answer with the one error shape: scoped lookups give 404,
# services 403 and 422, the auth gate 401, the public booking limiter 429, and
# ninja itself 400 for a body that is not JSON. Documenting them once here keeps
# the schema honest for every router, present and future.
ERROR_RESPONSES = {
    "400": "请求格式有误",
    "401": "未登录或令牌无效",
    "403": "无权执行此操作",
    "404": "记录不存在或无权访问",
    "422": "提交的数据有误",
    "429": "请求过于频繁",
}
ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "fields"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "fields": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
            },
        }
    },
}


class MedBridgeAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        for item in schema["paths"].values():
            for operation in item.values():
                _document_errors(operation)
        _local_times(schema)
        return schema


def _document_errors(operation: dict[str, Any]) -> None:
    body = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for status, description in ERROR_RESPONSES.items():
        if status == "401" and not operation.get("security"):
            continue
        operation["responses"].setdefault(status, {"description": description, "content": body})


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

    api.add_router("/", router)
    api.add_router("/", programmes_router)
    api.add_router("/", postings_router)
    api.add_router("/", referrals_router)
    api.add_router("/", activities_router)
    api.add_router("/", clinics_router)
    api.add_router("/", planning_router)
    api.add_router("/reference/", reference_router)


_register_routers()
