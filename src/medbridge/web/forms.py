"""Small helpers every app's views share: reading an id from the query string and
running a POSTed form through a service so its errors land on the form's fields."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from medbridge.directory.forms import apply_service_errors


def int_or_none(value: str | None) -> int | None:
    """A query-string id, or None when it is missing or not a number (a hand-edited
    URL shows the unfiltered page rather than an error)."""
    return int(value) if value and value.isdigit() else None


def run_form(request: HttpRequest, form: forms.Form, write: Callable[[], Any]) -> Any:
    """For a valid POSTed form, what the service wrote; None when the form must be
    shown again, with the service's errors on its fields."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return write()
    except ValidationError as error:
        apply_service_errors(form, error)
        return None


def saved(request: HttpRequest, message: str, to: Any) -> HttpResponse:
    messages.success(request, message)
    return redirect(to)
