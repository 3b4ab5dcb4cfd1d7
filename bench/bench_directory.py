"""Directory reads at scale: the list pages' selectors over ``seed-demo --scale``
data, timed in a throwaway SQLite database so the demo database is untouched."""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from typing import Any


def run(scale: int = 10) -> dict[str, Any]:
    tmp = tempfile.mkdtemp(prefix="medbridge-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medbridge.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command("load_reference", verbosity=0)
    reference_s = time.perf_counter() - started
    from medbridge.demo.seed import seed_demo

    started = time.perf_counter()
    result = seed_demo(scale=scale)
    seed_s = time.perf_counter() - started
    return {
        "scale": scale,
        "load_reference_s": round(reference_s, 3),
        "seed_demo_s": round(seed_s, 3),
        "professionals": result.directory.professionals + result.synthetic_professionals,
        **_list_timings(),
    }


def _list_timings() -> dict[str, float]:
    from django.test import Client

    from medbridge.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username="admin"))
    timings: dict[str, float] = {}
    for label, url in [
        ("institution_list_search_ms", "/directory/institutions/?q=医院&page=3"),
        ("professional_list_search_ms", "/directory/professionals/?q=王&page=5"),
        ("api_professionals_ms", "/api/v1/professionals?q=李&page=2"),
    ]:
        samples = []
        for _ in range(7):
            started = time.perf_counter()
            assert client.get(url).status_code == 200
            samples.append((time.perf_counter() - started) * 1000)
        timings[label] = round(statistics.median(samples), 1)
    return timings
