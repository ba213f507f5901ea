"""Our side of the peer benchmark (run by bench/peers_worker.py in our virtualenv).

Our data is made by ``generate_bench_data`` (approved claims, one source each, their
primary appearance and events): one 60 kB article with 1,000 claims, then 100 articles
of 100 claims each (one call per article, seeds 1000…1099, so each has exactly 100).
The spec the peers load (texts and offsets) is read back from our database, so the
three systems hold the same spans.
"""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path
from typing import Any

BIG = {"articles": 1, "claims": 1000, "sources": 1, "article_chars": 60000, "seed": 42}
SMALL = {"articles": 1, "claims": 100, "sources": 1, "article_chars": 4000}
SMALL_SEEDS = range(1000, 1100)
USER = "bench-editor"
API = "/api/v1"


def setup() -> None:
    """bench.settings on the DATABASE_URL the coordinator gave."""
    from bench.common import setup_django

    setup_django()


def generate() -> None:
    from django.core.management import call_command

    call_command("migrate", "--noinput", verbosity=0)
    call_command("generate_bench_data", **BIG)
    for seed in SMALL_SEEDS:
        call_command("generate_bench_data", **SMALL, seed=seed)


def spec_of_database() -> dict[str, Any]:
    """Every generated article (id order) with its claims' spans in text order."""
    from annotations.models import Appearance, Article

    docs = []
    for article in Article.objects.filter(origin__startswith="bench-").order_by("id"):
        spans = Appearance.objects.filter(article=article, primary=True).order_by(
            "start", "end", "claim_id"
        )
        docs.append(
            {
                "id": article.pk,
                "title": article.title,
                "text": article.body,
                "spans": [[s.start, s.end] for s in spans],
            }
        )
    return {"docs": docs}


def create_target(text: str):
    """A fresh empty article per run for the creates, so the lists never grow."""
    from annotations.models import Article

    stamp = time.time_ns()
    return Article.objects.create(
        title=f"Peers create target {stamp}",
        body=text,
        raw_text=text,
        content_hash=hashlib.sha256(f"peers-create-{stamp}".encode()).hexdigest(),
        origin=f"peers-create-{stamp}.txt",
    )


def load(spec_path: str, fresh: bool) -> dict[str, Any]:
    """Generate (when fresh) and describe our requests; write the spec for the peers."""
    from django.contrib.auth.models import User
    from rest_framework.authtoken.models import Token

    if fresh:
        generate()
    spec = spec_of_database()
    Path(spec_path).write_text(json.dumps(spec))
    token, _ = Token.objects.get_or_create(user=User.objects.get(username=USER))
    big, page, source = spec["docs"][0], spec["docs"][1], spec["docs"][2]
    target = create_target(source["text"])
    start, end = source["spans"][0]
    body = {
        "start": start,
        "end": end,
        "exact": source["text"][start:end],
        "claim": source["text"][start:end],
    }
    workspace = f"{API}/workspace/articles"
    tables = ["annotations_"]
    return {
        "authorization": f"Token {token.key}",
        "requests": {
            "list": {"method": "GET", "path": f"{workspace}/{big['id']}/claims/", "tables": tables},
            "list_full": {
                "method": "GET",
                "tables": tables,
                "path": f"{workspace}/{big['id']}/claims/?expand=sources,events",
            },
            "page": {
                "method": "GET",
                "path": f"{workspace}/{page['id']}/claims/",
                "tables": tables,
            },
            "export_page": {
                "method": "GET",
                "path": f"{API}/claims/?page_size=100",
                "tables": tables,
            },
            # Like for like: doccano and Label Studio answer the span they made; ours
            # answers the lean claim when asked (the full one is a GET away).
            "create": {
                "method": "POST",
                "path": f"{workspace}/{target.pk}/claims/",
                "body": json.dumps(body),
                "headers": {"Prefer": "return=minimal"},
                "tables": tables,
            },
        },
        "floor_view": f"/bench/peers-floor/{big['id']}/",
        "spans": {"list": len(big["spans"]), "page": len(page["spans"])},
    }
