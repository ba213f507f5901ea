"""Server time of the workspace page of the big article (60 kB, 1,000 claims).

``GET /articles/<id>/`` through ``django.test.Client`` in-process, signed in as a
reviewer: the whole middleware stack, the view, the serializer and the template,
without a network or a WSGI server in between. The median of ``--repeat`` GETs
after two warm-ups. Also writes a session for Chromium (bench/browser_bench.py).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from bench.common import BENCH, figure, median, say, setup_django, write_json


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    setup_django()

    from django.conf import settings
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from annotations.models import Article

    article = Article.objects.order_by("id").first()
    assert article is not None, "the big-article database is empty"
    claims = article.claims.count()
    user = User.objects.get(username="bench-reviewer")
    client = Client()
    client.force_login(user)
    url = f"/articles/{article.pk}/"
    say(f"[workspace] {url}: {len(article.body.encode()):,} bytes of text, {claims:,} claims")

    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 200, response.status_code
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    query_count = len(queries)  # now: the next request's request_started clears the log
    page_bytes = len(response.content)
    runs = []
    for _ in range(args.repeat):
        began = time.perf_counter()
        response = client.get(url)
        runs.append(1000 * (time.perf_counter() - began))
        assert response.status_code == 200
    result = {
        "article": article.pk,
        "claims": claims,
        "text_bytes": len(article.body.encode()),
        "page_bytes": page_bytes,
        "queries": query_count,
        "runs_ms": runs,
        "server_ms": median(runs),
    }
    figure("workspace page server time", result["server_ms"], "ms", runs)
    say(f"  -> workspace page: {page_bytes:,} bytes, {query_count} queries")

    if args.profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005)
        profiler.start()
        for _ in range(3):
            client.get(url)
        profiler.stop()
        path = BENCH / "profile-workspace.txt"
        text = profiler.output_text(unicode=False, color=False, show_all=False)
        path.write_text(
            f"# GET {url} x3: {claims:,} claims on a {result['text_bytes']:,}-byte article\n"
            f"# pyinstrument, written by bench/workspace_bench.py\n\n{text}"
        )
        say(f"  profile written to {path.relative_to(BENCH.parent)}")

    # A session for the browser benchmark, in this database.
    result["session_cookie"] = {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
    }
    write_json(args.out, result)


if __name__ == "__main__":
    main()
