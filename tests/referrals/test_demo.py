"""The demo's year of referrals and consultations: the figures the selector reports
are recomputed here from the event records alone and must match; and every
record's trail follows the workflow's table, in time order."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import datetime
from itertools import pairwise
from statistics import median
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from medbridge.accounts.models import User
from medbridge.demo import programmes as demo_programmes
from medbridge.demo.seed import DemoResult, seed_demo
from medbridge.referrals import selectors
from medbridge.referrals.models import Consultation, ConsultationEvent, Referral, ReferralEvent
from medbridge.referrals.services import CONSULTATION_TRANSITIONS, REFERRAL_TRANSITIONS


@pytest.fixture(scope="module")
def _seeded_once(django_db_setup: None, django_db_blocker: Any) -> Iterator[DemoResult]:
    with django_db_blocker.unblock(), transaction.atomic():
        yield seed_demo()
        transaction.set_rollback(True)


@pytest.fixture
def seeded(_seeded_once: DemoResult, db: None) -> DemoResult:
    return _seeded_once


def _trails(model: Any, key: str) -> dict[int, list[Any]]:
    trails: dict[int, list[Any]] = defaultdict(list)
    for event in model.objects.order_by("at", "id"):
        trails[getattr(event, key)].append(event)
    return trails


def test_the_alliance_has_a_year_of_referrals_both_ways(seeded: DemoResult) -> None:
    alliance = Referral.objects.filter(programme__name=demo_programmes.ALLIANCE)
    directions = Counter(alliance.values_list("direction", flat=True))
    assert directions["up"] > 50 and directions["down"] > 30 and directions["across"] > 0
    months = {timezone.localtime(r.requested_at).strftime("%Y-%m") for r in alliance}
    assert len(months) >= 12
    gaoping = alliance.filter(from_institution__name="高平市人民医院")
    assert gaoping.exists() and gaoping.first().requested_by.username == "gaoping"  # type: ignore[union-attr]
    assert Consultation.objects.filter(programme__name__startswith="威海").count() == seeded.referrals.consultations


def test_every_trail_follows_the_workflow_in_time_order(seeded: DemoResult) -> None:
    for model, key, table, stamps in (
        (ReferralEvent, "referral_id", REFERRAL_TRANSITIONS, Referral),
        (ConsultationEvent, "consultation_id", CONSULTATION_TRANSITIONS, Consultation),
    ):
        records = {r.pk: r for r in stamps.objects.all()}
        for pk, trail in _trails(model, key).items():
            assert trail[0].action == "request"
            for before, after in pairwise(trail):
                step = table[after.action]
                assert before.to_status in step.sources and after.to_status == step.target
                assert before.at <= after.at <= timezone.now()
                assert getattr(records[pk], step.stamp) == after.at
            assert records[pk].status == trail[-1].to_status


def _median(values: list[float]) -> float | None:
    return round(median(values), 1) if values else None


def _recomputed_referrals() -> dict[str, Any]:
    """Counts and medians from the event records and the institutions' grades only."""
    by_partner: Counter[tuple[str, str, str]] = Counter()
    accept, complete = [], []
    for trail in _trails(ReferralEvent, "referral_id").values():
        referral = trail[0].referral
        sender, receiver = referral.from_institution, referral.to_institution
        low, high = (g.rank if g else 0 for g in (sender.grade, receiver.grade))
        direction = "up" if low < high else "down" if low > high else "across"
        partner = receiver.name if direction == "down" else sender.name
        by_partner[(partner, direction, timezone.localtime(trail[0].at).strftime("%Y-%m"))] += 1
        at: dict[str, datetime] = {e.action: e.at for e in trail}
        if "accept" in at:
            accept.append((at["accept"] - at["request"]).total_seconds() / 3600)
        if "complete" in at:
            complete.append((at["complete"] - at["request"]).total_seconds() / 86400)
    return {"by_partner": by_partner, "accept": accept, "complete": complete}


def test_the_figures_match_what_the_records_imply(seeded: DemoResult) -> None:
    admin = User.objects.get(username="admin")
    figures = selectors.referral_figures(admin, selectors.FiguresFilter())
    expected = _recomputed_referrals()
    reported: Counter[tuple[str, str, str]] = Counter()
    for partner in figures.partners:
        for direction in ("up", "down", "across"):
            for month, n in zip(figures.months, getattr(partner, direction), strict=True):
                if n:
                    reported[(partner.name, direction, month)] = n
    assert reported == expected["by_partner"]
    assert figures.total == sum(expected["by_partner"].values()) == seeded.referrals.referrals
    assert (figures.accepted, figures.median_accept_hours) == (len(expected["accept"]), _median(expected["accept"]))
    assert (figures.completed, figures.median_complete_days) == (
        len(expected["complete"]),
        _median(expected["complete"]),
    )


def test_consultations_by_kind_match_their_records(seeded: DemoResult) -> None:
    requested: Counter[str] = Counter()
    answered: dict[str, list[float]] = defaultdict(list)
    for trail in _trails(ConsultationEvent, "consultation_id").values():
        kind = trail[0].consultation.kind
        requested[kind] += 1
        at = {e.action: e.at for e in trail}
        if "opinion" in at:
            answered[kind].append((at["opinion"] - at["request"]).total_seconds() / 3600)
    admin = User.objects.get(username="admin")
    rows = selectors.referral_figures(admin, selectors.FiguresFilter()).consultations
    assert {r.kind: r.requested for r in rows if r.requested} == dict(requested)
    assert {r.kind: (r.completed, r.median_opinion_hours) for r in rows if r.requested} == {
        kind: (len(answered[kind]), _median(answered[kind])) for kind in requested
    }


def test_seeding_again_adds_no_referral(seeded: DemoResult) -> None:
    again = seed_demo()
    assert (again.referrals.referrals, again.referrals.consultations, again.referrals.steps) == (0, 0, 0)
