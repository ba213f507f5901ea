"""What the workspace page embeds: a lean list of the article's claims.

The page draws every highlight, the counts, the filters and the card summaries
from this list; a card's details (rationale, sources, history, what the reader
may do) are fetched from ``GET /api/v1/claims/<id>/`` when it is opened. Serializing
the full representation of every claim made a 1,000-claim page take seconds and
weigh megabytes, so the list is read with one ``.values()`` query and carries only
what those summaries show.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count

from annotations import access
from annotations.api.serializers import person
from annotations.models import Article, Claim, Verdict

# The keys of one embedded claim (tests check that nothing else slips in).
LEAN_FIELDS = ("id", "start", "end", "status", "claim", "verdict", "author", "source_count")


def lean_claims(user, article: Article, verdicts: Iterable[Verdict]) -> list[dict[str, Any]]:
    """The claims on ``article`` that ``user`` may read, in text order, as plain dicts.

    Two queries whatever the number of claims (one when there are none): the claims
    with their source count, and their authors. ``verdicts`` is the scale the page has
    already loaded, so a verdict travels as its slug and the page looks up its label
    and colour. No version: writes go through the card's details, which carry it.
    """
    slugs = {v.pk: v.slug for v in verdicts}
    rows = list(
        access.visible_claims(user, Claim.objects.filter(article=article))
        .order_by("start", "end", "id")
        .values("id", "start", "end", "status", "claim", "verdict_id", "author_id")
        .annotate(source_count=Count("sources"))
    )
    # The names through the API's own rule (person), from the few distinct authors.
    authors = get_user_model().objects.filter(pk__in={row["author_id"] for row in rows})
    names = {u.pk: person(u) for u in authors.only("username", "first_name", "last_name")}
    return [
        {
            "id": row["id"],
            "start": row["start"],
            "end": row["end"],
            "status": row["status"],
            "claim": row["claim"],
            "verdict": slugs.get(row["verdict_id"]),
            "author": names.get(row["author_id"]),
            "source_count": row["source_count"],
        }
        for row in rows
    ]
