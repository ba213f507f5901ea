"""Top-1 and top-3 recall of "has this been checked already?" on the evaluation set.

``load_eval_claims`` stores the claims of ``bench/matching_pairs.py`` (and the
distractors) through the app's own services; ``evaluate`` asks each paraphrase and
counts how often its claim comes first, or in the first three. Shared by the benchmark
(``bench/matching_bench.py``) and the test that holds the target
(``tests/test_matching_eval.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from bench.matching_pairs import DISTRACTORS, PAIRS


@dataclass
class Recall:
    engine: str
    pairs: int
    top1: int = 0
    top3: int = 0
    misses: list[tuple[str, list[str]]] = field(default_factory=list)

    @property
    def top1_rate(self) -> float:
        return self.top1 / self.pairs

    @property
    def top3_rate(self) -> float:
        return self.top3 / self.pairs


def load_eval_claims(article, user) -> dict[str, int]:
    """Store every evaluation claim (on one neutral span of ``article``); text → id."""
    from annotations.claims import claim_create

    word = article.body.split()[0]
    start = article.body.index(word)
    ids = {}
    for text in [stored for stored, _ in PAIRS] + DISTRACTORS:
        claim = claim_create(
            article=article, user=user, start=start, end=start + len(word), text=text
        )
        ids[text] = claim.pk
    return ids


def evaluate(engine: str, rank: Callable[[str], list[int]], ids: dict[str, int]) -> Recall:
    """``rank(text)`` → claim ids best first; recall of each stored claim from its paraphrase."""
    texts = {pk: text for text, pk in ids.items()}
    recall = Recall(engine, len(PAIRS))
    for stored, paraphrase in PAIRS:
        found = rank(paraphrase)[:3]
        if found[:1] == [ids[stored]]:
            recall.top1 += 1
        if ids[stored] in found:
            recall.top3 += 1
        else:
            recall.misses.append((paraphrase, [texts.get(pk, "?") for pk in found]))
    return recall
