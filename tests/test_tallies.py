"""The desk's transition tallies: kept by every recorded transition, the same as counting
the history again, and percentiles estimated from them within their buckets' width."""

from __future__ import annotations

import random
import statistics
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from annotations import tallies, workflow
from annotations.models import TallyKey, TransitionTally
from tests import factories

MONDAY = datetime(2026, 5, 18, 9, 0, tzinfo=UTC)


def as_counts() -> dict[TallyKey, int]:
    return {
        TallyKey(t.day, t.to_status, t.actor_id, t.verdict_id, t.wait_bucket): t.n
        for t in TransitionTally.objects.all()
    }


@pytest.fixture
def at(monkeypatch):
    def clock(moment: datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return clock


@pytest.mark.django_db
def test_each_transition_adds_to_its_tally(at, seed_articles, reviewer, editor):
    article = seed_articles["000"]
    at(MONDAY)
    first = factories.submitted(article, reviewer, claim="First")
    second = factories.submitted(article, reviewer, claim="Second", verdict="true")
    at(MONDAY + timedelta(hours=3))
    workflow.claim_transition(claim=first, user=editor, action="approve")
    workflow.claim_transition(claim=second, user=editor, action="reject", comment="No.")
    day = MONDAY.date()
    three_hours = tallies.wait_bucket(3 * 3600)
    false = first.verdict_id
    assert as_counts() == {
        TallyKey(day, "submitted", reviewer.pk, 0, tallies.NO_WAIT): 2,
        TallyKey(day, "approved", editor.pk, false, three_hours): 1,
        TallyKey(day, "rejected", editor.pk, 0, three_hours): 1,
    }


@pytest.mark.django_db
def test_counting_the_history_again_gives_the_same_tallies(at, seed_articles, reviewer, editor):
    article = seed_articles["000"]
    for n, state in enumerate(["approved", "rejected", "changes_requested", "submitted", "draft"]):
        at(MONDAY + timedelta(days=n, hours=n))
        factories.in_state(state, article, reviewer, editor, text=None)
    sent_back = factories.in_state("changes_requested", article, reviewer, editor)
    at(MONDAY + timedelta(days=9))
    resubmitted = workflow.claim_transition(claim=sent_back, user=reviewer, action="submit")
    at(MONDAY + timedelta(days=9, hours=5))
    workflow.claim_transition(claim=resubmitted, user=editor, action="approve")
    kept = as_counts()
    assert sum(kept.values()) == 11  # every transition (2+2+2+1+0, 2, 2), once
    assert TransitionTally.objects.rebuild() == len(kept)
    assert as_counts() == kept


@pytest.mark.django_db
def test_a_second_step_adds_one_to_the_same_row(db):
    key = TallyKey(MONDAY.date(), "approved", 7, 3, 40)
    TransitionTally.objects.add(key)
    TransitionTally.objects.add(key)
    assert as_counts() == {key: 2}


def exact(values: list[float], p: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


@pytest.mark.parametrize("p", [10, 50, 90])
def test_percentiles_from_the_buckets_are_within_their_width(p):
    rng = random.Random(18)
    for _ in range(100):
        waits = [rng.lognormvariate(9, 1.5) + 60 for _ in range(rng.randint(2, 300))]
        counted = Counter(tallies.wait_bucket(wait) for wait in waits)
        estimate = tallies.percentile(counted, p)
        assert estimate == pytest.approx(exact(waits, p), rel=tallies.RATIO - 1)


def test_bucket_edges():
    assert tallies.percentile({}, 50) is None
    assert tallies.wait_bucket(0) == tallies.wait_bucket(59.9) == 0
    for seconds in (60, 61, 3600, 86_400 * 30):
        low, high = tallies.bucket_bounds(tallies.wait_bucket(seconds))
        assert low <= seconds * (1 + 1e-9) and seconds < high * (1 + 1e-9)
        assert high / low == pytest.approx(tallies.RATIO)
    # Under a minute, the bucket's middle: 30 seconds.
    assert tallies.percentile({0: 1}, 50) == 30
