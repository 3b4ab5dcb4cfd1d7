"""FHIR search parameters turned into queryset filters.

Each filter takes a queryset and every value the client sent for one parameter
(``date=ge2024-01-01&date=le2024-12-31`` gives two) and returns the narrowed
queryset. A value may list alternatives separated by commas (FHIR's OR). Bad
values raise ``SearchError``, which the view answers with an OperationOutcome.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

Filter = Callable[[QuerySet[Any], list[str]], QuerySet[Any]]

DATE_VALUE = re.compile(r"^(eq|ne|gt|lt|ge|le|sa|eb|ap)?(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")


class SearchError(Exception):
    """A parameter value we cannot understand: 400 with an OperationOutcome."""


def _alternatives(values: list[str]) -> list[list[str]]:
    return [[part.strip() for part in value.split(",") if part.strip()] for value in values]


def reference_ids(value: str) -> str:
    # "Organization/12", "12" and an absolute URL ending in "/Organization/12" all name 12.
    return value.rstrip("/").rsplit("/", 1)[-1]


def references(field: str, prefix: str = "") -> Filter:
    """A reference parameter on a numeric key; ``prefix`` strips our typed ids
    (``programme-3``). Ids of another kind match nothing."""

    def apply(qs: QuerySet[Any], values: list[str]) -> QuerySet[Any]:
        for options in _alternatives(values):
            pks = []
            for option in options:
                key = reference_ids(option)
                key = key.removeprefix(prefix) if prefix else key
                if key.isdigit():
                    pks.append(int(key))
            qs = qs.filter(**{f"{field}__in": pks})
        return qs

    return apply


def text(*fields: str) -> Filter:
    """String search: case-insensitive and, for Chinese names, anywhere in the name."""

    def apply(qs: QuerySet[Any], values: list[str]) -> QuerySet[Any]:
        for options in _alternatives(values):
            match = Q()
            for option in options:
                for name in fields:
                    match |= Q(**{f"{name}__icontains": option})
            qs = qs.filter(match)
        return qs

    return apply


def token(field: str) -> Filter:
    """``system|code`` or ``code``; the system is ours, so only the code is compared."""

    def apply(qs: QuerySet[Any], values: list[str]) -> QuerySet[Any]:
        for options in _alternatives(values):
            qs = qs.filter(**{f"{field}__in": [option.rsplit("|", 1)[-1] for option in options]})
        return qs

    return apply


def boolean(true_q: Callable[[], Q]) -> Filter:
    def apply(qs: QuerySet[Any], values: list[str]) -> QuerySet[Any]:
        for value in values:
            if value not in ("true", "false"):
                raise SearchError(_("“%(value)s”不是有效的布尔值（应为 true 或 false）") % {"value": value})
            qs = qs.filter(true_q()) if value == "true" else qs.exclude(true_q())
        return qs

    return apply


def parse_date(value: str) -> tuple[str, date, date]:
    """A FHIR date with an optional prefix: (prefix, first day, last day) of the
    year, month or day it names."""
    match = DATE_VALUE.match(value)
    if not match:
        raise SearchError(_("“%(value)s”不是有效的日期（例如 ge2024-01-01）") % {"value": value})
    prefix, year, month, day = match.groups()
    try:
        start = date(int(year), int(month or 1), int(day or 1))
        if day:
            end = start
        elif month:
            end = start.replace(day=calendar.monthrange(start.year, start.month)[1])
        else:
            end = date(start.year, 12, 31)
    except ValueError:
        raise SearchError(_("“%(value)s”不是有效的日期（例如 ge2024-01-01）") % {"value": value}) from None
    return prefix or "eq", start, end


def period(start_field: str, end_field: str) -> Filter:
    """A date parameter on a period whose end may be open: ``ge`` keeps periods
    that reach the day, ``le`` those that began by it, ``eq`` those that cover it."""

    def apply(qs: QuerySet[Any], values: list[str]) -> QuerySet[Any]:
        for value in values:
            prefix, first, last = parse_date(value)
            reaches = Q(**{f"{end_field}__isnull": True})
            if prefix in ("ge", "gt", "sa"):
                day = last if prefix != "ge" else first
                reaches |= Q(**{f"{end_field}__gt" if prefix != "ge" else f"{end_field}__gte": day})
                qs = qs.filter(reaches)
            elif prefix in ("le", "lt", "eb"):
                lookup = f"{start_field}__lte" if prefix == "le" else f"{start_field}__lt"
                qs = qs.filter(**{lookup: last if prefix == "le" else first})
            else:
                reaches |= Q(**{f"{end_field}__gte": first})
                covers = Q(**{f"{start_field}__lte": last}) & reaches
                qs = qs.exclude(covers) if prefix == "ne" else qs.filter(covers)
        return qs

    return apply


def point(field: str) -> Filter:
    """A date parameter on a single date (or the date part of a timestamp)."""
    lookups = {"gt": "gt", "sa": "gt", "ge": "gte", "lt": "lt", "eb": "lt", "le": "lte"}

    def apply(qs: QuerySet[Any], values: list[str]) -> QuerySet[Any]:
        for value in values:
            prefix, first, last = parse_date(value)
            if prefix in ("gt", "sa", "le"):
                qs = qs.filter(**{f"{field}__{lookups[prefix]}": last})
            elif prefix in lookups:
                qs = qs.filter(**{f"{field}__{lookups[prefix]}": first})
            else:
                span = Q(**{f"{field}__gte": first, f"{field}__lte": last})
                qs = qs.exclude(span) if prefix == "ne" else qs.filter(span)
        return qs

    return apply


def none(qs: QuerySet[Any], values: list[str]) -> QuerySet[Any]:
    """A parameter the resource type knows but this kind of row cannot match."""
    return qs.none()
