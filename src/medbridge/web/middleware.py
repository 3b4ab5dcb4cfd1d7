"""Language selection: Chinese unless the user chose otherwise; API input that no
database column can hold is refused before it reaches a query."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation


class ChosenLanguageMiddleware:
    """Activates the language picked with the header switch (a cookie), else
    zh-hans. Unlike Django's LocaleMiddleware it ignores Accept-Language: an
    officer whose browser happens to be set to English still gets the Chinese
    product unless they switch."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.supported = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class RejectNulInApiMiddleware:
    """Refuses API requests carrying a NUL character (0x00) in a query parameter or
    a JSON body, with the API's 422 error. PostgreSQL can neither store nor compare
    text containing NUL, so such a value would otherwise fail deep inside a query;
    Django's form fields refuse it for the pages, pydantic's strings do not."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/") and _carries_nul(request):
            from medbridge.api import unstorable_input_response  # the API's error shape, loaded with the API

            return unstorable_input_response(request)
        return self.get_response(request)


def _carries_nul(request: HttpRequest) -> bool:
    if any("\x00" in key or "\x00" in value for key, values in request.GET.lists() for value in values):
        return True
    if request.content_type == "application/json":
        return b"\x00" in request.body or b"\\u0000" in request.body.lower()
    return False
