"""Forced password rotation for the 等保 policy."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone


class PasswordRotationMiddleware:
    """Sends a user whose password is older than the policy allows to the
    password-change page; ASVS policy never rotates, so this does nothing there."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._must_rotate(request):
            return redirect("accounts:password_change")
        return self.get_response(request)

    def _must_rotate(self, request: HttpRequest) -> bool:
        if settings.PASSWORD_POLICY != "dengbao" or not request.user.is_authenticated:
            return False
        exempt = (
            reverse("accounts:password_change"),
            reverse("accounts:logout"),
            "/" + settings.STATIC_URL.lstrip("/"),
        )
        if request.path.startswith(exempt) or request.path.startswith("/api/"):
            return False
        age = timezone.now() - request.user.password_changed_at  # type: ignore[union-attr]
        return age > timedelta(days=settings.PASSWORD_MAX_AGE_DAYS)
