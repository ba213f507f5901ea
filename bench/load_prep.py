"""The requests of the load test, written for bench/load.lua (run by bench/run.py).

In the database the load runs against (PostgreSQL), it makes a reader (a
reviewer signed in with a session cookie, who opens workspace pages), a writer
(a reviewer with a token, who creates claims: drafts the reader does not see, so
the pages read stay the same size) and an export consumer's token; then it lists
the requests, one a line, tab-separated:

    cookie  <Cookie header>          token  <W|E|C> <Authorization header>
    W  <path>                        a workspace page
    E  <path>                        an export page (page_size=100, walked by cursor)
    C  <path>  <JSON body>           a claim create on a word-aligned span
"""

from __future__ import annotations

import argparse
import json
import random
import re
from pathlib import Path

from bench.common import next_link, say, setup_django, write_json

WORKSPACE_ARTICLES = 200
CREATE_SPANS = 2000
EXPORT_PAGE_SIZE = 100


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--requests", required=True, type=Path)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    setup_django()

    from django.conf import settings
    from django.contrib.auth.models import Group, User
    from django.test import Client
    from rest_framework.authtoken.models import Token

    from annotations.models import Article, Claim, Verdict

    rng = random.Random(args.seed)
    reviewers = Group.objects.get(name="Reviewers")
    users = {}
    for name in ("load-reader", "load-writer", "load-consumer"):
        user, _ = User.objects.get_or_create(username=name)
        user.groups.add(reviewers)
        users[name] = user
    browser = Client()
    browser.force_login(users["load-reader"])
    cookie = f"{settings.SESSION_COOKIE_NAME}={browser.cookies[settings.SESSION_COOKIE_NAME].value}"
    tokens = {
        name: Token.objects.get_or_create(user=users[name])[0].key
        for name in ("load-writer", "load-consumer")
    }

    article_ids = list(Article.objects.order_by("id").values_list("id", flat=True))
    chosen = sorted(rng.sample(article_ids, min(WORKSPACE_ARTICLES, len(article_ids))))
    lines = [
        f"cookie\t{cookie}",
        f"token\tE\tToken {tokens['load-consumer']}",
        f"token\tC\tToken {tokens['load-writer']}",
    ]
    lines += [f"W\t/articles/{pk}/" for pk in chosen]

    api = Client(HTTP_AUTHORIZATION=f"Token {tokens['load-consumer']}")
    url: str | None = f"/api/v1/claims/?page_size={EXPORT_PAGE_SIZE}"
    pages = 0
    while url:
        lines.append(f"E\t{url}")
        response = api.get(url)
        assert response.status_code == 200, (url, response.status_code)
        pages += 1
        url = next_link(response.get("Link", ""))

    slugs = list(Verdict.objects.values_list("slug", flat=True))
    bodies = dict(Article.objects.filter(pk__in=chosen).values_list("id", "body"))
    for n in range(CREATE_SPANS):
        pk = rng.choice(chosen)
        words = [m.span() for m in re.finditer(r"\S+", bodies[pk])]
        first = rng.randrange(len(words) - 12)
        start, end = words[first][0], words[first + rng.randint(2, 11)][1]
        body = {
            "start": start,
            "end": end,
            "verdict": rng.choice(slugs),
            "rationale": f"Load test claim {n}: the figure *does not* match the report.",
            "sources": [{"url": f"https://source.example.org/load/{n}", "title": "A report"}],
        }
        lines.append(f"C\t/api/v1/workspace/articles/{pk}/claims/\t{json.dumps(body)}")
    args.requests.write_text("\n".join(lines) + "\n")

    claims = Claim.objects.filter(article_id__in=chosen).count()
    result = {
        "articles": len(article_ids),
        "workspace_articles": len(chosen),
        "claims_on_them": claims,
        "export_pages": pages,
        "create_spans": CREATE_SPANS,
    }
    say(
        f"  load requests: {len(chosen)} workspace pages ({claims / len(chosen):.1f} claims each "
        f"on average), {pages} export pages of {EXPORT_PAGE_SIZE}, {CREATE_SPANS} claim bodies"
    )
    write_json(args.out, result)


if __name__ == "__main__":
    main()
