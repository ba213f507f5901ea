"""Queries per export page and per workspace page, counted with CaptureQueriesContext.

Run against each dataset by bench/run.py; the counts must not depend on the page
size, on where the page is, on the number of claims in the database or on an
article. Each count is taken after a warm-up request, so that one-off queries
(the session's user, say) are counted the same way every time.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from bench.common import next_link, say, setup_django, write_json

PAGE_SIZES = (10, 100, 500)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--label", required=True)
    parser.add_argument("--stream", action="store_true", help="Also count the whole stream's.")
    args = parser.parse_args()
    setup_django()

    from django.contrib.auth.models import User
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from rest_framework.authtoken.models import Token

    from annotations.models import Article, Claim
    from annotations.publishing.jsonlines import STREAM_CHUNK

    user = User.objects.get(username="bench-reviewer")
    token = Token.objects.get_or_create(user=user)[0].key
    api = Client(HTTP_AUTHORIZATION=f"Token {token}")
    browser = Client()
    browser.force_login(user)

    def count(client: Client, url: str, warm: bool = True) -> int:
        if warm:
            client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
            if response.streaming:
                for _ in response.streaming_content:
                    pass
        assert response.status_code == 200, (url, response.status_code)
        return len(queries)

    result: dict[str, dict[str, int]] = {"export": {}, "workspace": {}, "stream": {}}
    total = Claim.objects.filter(status=Claim.Status.APPROVED).count()
    say(f"[queries {args.label}] {total:,} approved claims")
    for size in PAGE_SIZES:
        first = f"/api/v1/claims/?page_size={size}"
        result["export"][f"page_size={size}, first page"] = count(api, first)
        later = next_link(api.get(first)["Link"])
        result["export"][f"page_size={size}, second page"] = count(api, later)
    if args.stream:
        # Not constant by design: one keyset chunk of STREAM_CHUNK claims after another.
        streamed = count(api, "/api/v1/claims/export.jsonl", warm=False)
        result["stream"][f"whole stream ({total:,} claims, chunks of {STREAM_CHUNK})"] = streamed

    # Articles with at least one claim: with none, Django skips the prefetch queries.
    by_claims = list(
        Article.objects.annotate(n=Count("claims"))
        .filter(n__gte=1)
        .order_by("n", "id")
        .values_list("id", "n")
    )
    picks = {
        "fewest": by_claims[0],
        "median": by_claims[len(by_claims) // 2],
        "most": by_claims[-1],
    }
    for name, (pk, claims) in picks.items():
        result["workspace"][f"article with the {name} claims ({claims})"] = count(
            browser, f"/articles/{pk}/"
        )
    for group, counts in result.items():
        for what, n in counts.items():
            say(f"  -> queries {args.label} {group}, {what}: {n}")
    write_json(args.out, result)


if __name__ == "__main__":
    main()
