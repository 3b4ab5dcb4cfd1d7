"""How often one client address may book or cancel: a fixed one-hour window
counted in Django's cache. The cache is per process unless a shared cache is
configured; that bounds abuse per worker, which is what a public form needs."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from medbridge.pii import keyed_hash

WINDOW_SECONDS = 3600


class TooManyRequests(Exception):
    """The client address used up its attempts for this hour."""

    def __init__(self) -> None:
        super().__init__(_("操作过于频繁，请一小时后再试"))


def client_address(meta: Mapping[str, Any]) -> str:
    if settings.CLINIC_TRUST_FORWARDED_FOR and meta.get("HTTP_X_FORWARDED_FOR"):
        return str(meta["HTTP_X_FORWARDED_FOR"]).split(",")[0].strip()
    return str(meta.get("REMOTE_ADDR") or "unknown")


def rate_limit_check(address: str) -> None:
    """Count one attempt by ``address``; raise TooManyRequests past the limit.
    The address is hashed so the cache holds no client addresses."""
    window = int(time.time() // WINDOW_SECONDS)
    key = f"clinics:attempts:{keyed_hash(address)[:24]}:{window}"
    cache.add(key, 0, timeout=WINDOW_SECONDS)
    try:
        attempts = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS)
        attempts = 1
    if attempts > settings.CLINIC_REQUESTS_PER_HOUR:
        raise TooManyRequests
