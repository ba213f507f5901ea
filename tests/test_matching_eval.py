"""The lexical engine finds a paraphrased claim among the first three, nine times in ten."""

from __future__ import annotations

import pytest

from annotations import search
from bench.matching_eval import evaluate, load_eval_claims

pytestmark = pytest.mark.django_db


def test_top3_recall_of_the_embedded_engine_is_at_least_0_9(seed_articles, reviewer, capsys):
    ids = load_eval_claims(seed_articles["000"], reviewer)
    recall = evaluate(
        "lexical",
        lambda text: [r.id for r in search.similar(text, limit=3, engine="lexical")],
        ids,
    )
    with capsys.disabled():
        print(
            f"\nmatching (lexical, {recall.pairs} paraphrases): top-1 {recall.top1_rate:.2f}, "
            f"top-3 {recall.top3_rate:.2f}"
        )
    assert recall.top3_rate >= 0.9, recall.misses


def test_top3_recall_of_the_semantic_engine_is_at_least_0_95(seed_articles, reviewer, capsys):
    from annotations import embeddings

    if not embeddings.available():
        pytest.skip("the semantic extra is not installed (pip install -e '.[semantic]')")
    ids = load_eval_claims(seed_articles["000"], reviewer)
    embeddings.refresh(list(ids.values()))
    recall = evaluate(
        "semantic",
        lambda text: [r.id for r in search.similar(text, limit=3, engine="semantic")],
        ids,
    )
    with capsys.disabled():
        print(
            f"\nmatching (semantic, {recall.pairs} paraphrases): top-1 {recall.top1_rate:.2f}, "
            f"top-3 {recall.top3_rate:.2f}"
        )
    assert recall.top3_rate >= 0.95, recall.misses
