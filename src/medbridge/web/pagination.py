"""One pagination rule for every list page."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PAGE_SIZE = 25


def paginate(request: HttpRequest, items: Any, per_page: int = PAGE_SIZE) -> Page:  # type: ignore[type-arg]
    # get_page clamps bad or out-of-range numbers instead of raising, which is
    # what someone editing the URL by hand expects.
    return Paginator(items, per_page).get_page(request.GET.get("page"))
