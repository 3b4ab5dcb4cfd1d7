"""The demo's postings are the figures the brief quotes: 97 stationed and 34
received for attachment by 威海 since 2013 in the eight named specialties, and 12
trainees of 福清 with mentors, liaison leaders and a year of evaluations."""

from __future__ import annotations

from medbridge.accounts.models import User
from medbridge.demo.programmes import FUQING, WEIHAI
from medbridge.demo.seed import DemoResult
from medbridge.postings import selectors
from medbridge.postings.models import Evaluation, EvaluationPeriod, Posting, PostingBatch, PostingKind
from medbridge.programmes.models import Programme

BRIEF_SPECIALTIES = {"肝胆外科", "消化内科", "妇产科", "肛肠外科", "医学影像科", "麻醉科", "康复医学科", "护理部"}


def stats(username: str, programme: str, kind: str = "") -> selectors.PostingStats:
    user = User.objects.get(username=username)
    f = selectors.PostingFilter(programme=Programme.objects.get(name=programme).pk, kind=kind)
    return selectors.posting_stats(user, f)


def test_weihai_counts_97_stationed_and_34_attachment_in_the_eight_specialties(seeded: DemoResult) -> None:
    figures = stats("weihai", WEIHAI)
    assert figures.by_kind == {"驻点帮扶": 97, "挂职学习": 34}
    assert {name for name, _n in figures.by_department} == BRIEF_SPECIALTIES
    assert min(figures.years) == 2013 and max(figures.years) == 2025
    assert sum(stats("weihai", WEIHAI, PostingKind.STATIONED).by_kind_year["驻点帮扶"].values()) == 97


def test_the_same_figures_are_seen_from_the_county(seeded: DemoResult) -> None:
    assert stats("gangcha", WEIHAI).by_kind == {"驻点帮扶": 97, "挂职学习": 34}


def test_each_stationed_batch_relieves_the_one_before_person_by_person(seeded: DemoResult) -> None:
    batches = PostingBatch.objects.filter(programme__name=WEIHAI, kind=PostingKind.STATIONED).order_by("number")
    assert batches.count() == 26
    assert all(b.relieves is not None and b.relieves.number == b.number - 1 for b in batches[1:])
    later = Posting.objects.filter(batch__in=batches[1:])
    assert later.filter(relieves__isnull=False).count() == sum(
        min(b.postings.count(), b.relieves.postings.count()) for b in batches[1:] if b.relieves
    )


def test_fuqing_trains_12_with_mentor_liaison_and_a_year_of_evaluations(seeded: DemoResult) -> None:
    assert stats("fuqing", FUQING).by_kind == {"进修": 12}
    trainees = Posting.objects.filter(programme__name=FUQING, kind=PostingKind.TRAINING)
    assert all(p.mentor and p.liaison for p in trainees)
    assert all(p.mentor.institution_id == p.host_institution_id for p in trainees if p.mentor)
    for posting in trainees:
        monthly = Evaluation.objects.filter(posting=posting, period=EvaluationPeriod.MONTHLY).count()
        finals = Evaluation.objects.filter(posting=posting, period=EvaluationPeriod.FINAL).count()
        assert (monthly, finals) == (12, 2)


def test_the_stationed_postings_have_logs_and_introduced_techniques(seeded: DemoResult) -> None:
    stationed = Posting.objects.filter(programme__name=WEIHAI, kind=PostingKind.STATIONED)
    assert stationed.filter(logs__isnull=True).filter(status="completed").count() == 0
    assert stationed.filter(techniques__isnull=False).distinct().count() >= 30
