"""The whole database exported to one workbook and imported into an empty database
gives every figure of the reports back, to the last digit.

The dataset is the demo (five programmes, every kind of posting, work logs with new
techniques, engagements, activities, referrals and consultations, clinic sessions)
with its clinic history cut from a year to three weeks so the test stays short; the
full demo's round trip was measured by hand (docs/architecture.md)."""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection

from medbridge.accounts.models import User
from medbridge.demo import clinics as demo_clinics
from medbridge.demo.programmes import FLEXIBLE, FUQING, WEIHAI
from medbridge.demo.seed import seed_demo
from medbridge.interop.services.exporter import export_workbook
from medbridge.interop.services.importer import import_workbook
from medbridge.interop.services.workbook import workbook_bytes
from medbridge.programmes.models import Programme
from medbridge.reports import selectors
from medbridge.reports.selectors import FigureScope

pytestmark = [
    pytest.mark.django_db(transaction=True),
    # Minutes, not seconds: ``make test`` runs it on SQLite to stay within CI's time,
    # and ``bench/run.py roundtrip`` runs it on PostgreSQL as well. The import goes
    # through the same services on both; what differs by database is covered by
    # those services' own tests, which run on both.
    pytest.mark.skipif(
        connection.vendor != "sqlite" and not os.environ.get("MEDBRIDGE_ROUNDTRIP_EVERY_DATABASE"),
        reason="the whole-database round trip runs on PostgreSQL in bench/run.py roundtrip",
    ),
]

HISTORY_WEEKS = 3


def everything_the_reports_show(user: User) -> dict[str, Any]:
    """Every figure, keyed by what it is about (names, not ids: ids change)."""
    shown: dict[str, Any] = {}
    whole = selectors.figures(user, FigureScope())
    scopes = {"全国": FigureScope(), **{f"{y}年": FigureScope(year=y) for y in whole.years}}
    for programme in Programme.objects.order_by("name"):
        scopes[programme.name] = FigureScope(programme=programme)
        for year in whole.years:
            scopes[f"{programme.name}/{year}"] = FigureScope(programme=programme, year=year)
    for code in ("14", "37", "63", "35", "1404"):
        scopes[f"区划{code}"] = FigureScope(region=code)
    for label, scope in scopes.items():
        shown[label] = _shown_for(user, scope)
    return shown


def _shown_for(user: User, scope: FigureScope) -> dict[str, Any]:
    result = selectors.figures(user, scope)
    shown = {
        "figures": (result.by_year, result.specialties, result.since, result.distinct_totals),
        "specialties": selectors.specialty_breakdown(user, scope),
        "experts": selectors.top_experts(user, scope, limit=1000),
        "flows": selectors.people_flows(user, scope),
        "summary": selectors.summary_paragraph(result),
    }
    if scope.programme is not None:
        shown["targets"] = selectors.target_attainment(scope.programme, result)
    return shown


def empty_database() -> User:
    """What an operator starts from: migrated, reference data loaded, one administrator."""
    call_command("flush", interactive=False, verbosity=0)
    call_command("load_reference", verbosity=0)
    return User.objects.create_superuser("root", "root@example.cn", "a-long-password-1")


@pytest.fixture
def demo(monkeypatch: pytest.MonkeyPatch) -> User:
    monkeypatch.setattr(demo_clinics, "HISTORY_WEEKS", HISTORY_WEEKS)
    # An earlier transactional test may have flushed the reference data with everything else.
    call_command("load_reference", verbosity=0)
    seed_demo()
    return User.objects.get(username="admin")


def test_an_export_imported_into_an_empty_database_reproduces_every_figure(demo: User) -> None:
    before = everything_the_reports_show(demo)
    content = workbook_bytes(export_workbook(demo))

    root = empty_database()
    result = import_workbook(content, actor=root)

    assert result.succeeded, result.errors[:10]
    after = everything_the_reports_show(root)
    assert after.keys() == before.keys()
    for label in before:
        assert after[label] == before[label], label
    # Not vacuous: the demo's programmes show their brief figures on both sides.
    flexible, weihai = after[FLEXIBLE]["figures"][3], after[WEIHAI]["summary"]
    assert flexible["visiting_experts"] == 233
    assert weihai.startswith("自2013年以来，累计选派97名专业技术人员驻点帮扶，接收34名")
    assert sum(after[FUQING]["figures"][0]["training"].values()) == 12
    assert all(after["全国"]["figures"][0][m] for m in ("referrals_up", "consultations", "new_techniques"))
