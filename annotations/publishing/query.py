"""What an export request may see, and the filters a consumer narrows it with.

The export never shows a claim that is not approved. With ``updated_since`` it also
lists claims that were published once and no longer are, as tombstones, so that a
consumer that syncs incrementally knows what to delete. The API's query parameters
and ``export_claims``' options both end up as an ``ExportQuery``.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL

from annotations.models import Article, Claim
from annotations.publishing.rows import claim_rows


@dataclass(frozen=True)
class ExportQuery:
    article: int | None = None
    verdict: str | None = None
    publisher: str | None = None
    q: str | None = None
    approved_after: datetime | None = None
    approved_before: datetime | None = None
    updated_since: datetime | None = None

    @classmethod
    def of(cls, params: dict[str, Any]) -> ExportQuery:
        """From validated parameters; others (paging, format) are not filters."""
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in params.items() if k in names and v not in (None, "")})

    @property
    def syncing(self) -> bool:
        return self.updated_since is not None


def export_claims(query: ExportQuery) -> QuerySet[Claim]:
    """The claims an export request may see: approved, plus tombstones when syncing."""
    claims = Claim.objects.published_once() if query.syncing else Claim.objects.approved()
    if query.article is not None:
        claims = claims.filter(article_id=query.article)
    if query.verdict:
        claims = claims.filter(verdict__slug=query.verdict)
    if query.publisher:
        claims = claims.from_publisher(query.publisher)
    if query.q:
        claims = claims.search(query.q)
    if query.approved_after is not None:
        claims = claims.filter(approved_at__gte=query.approved_after)
    if query.approved_before is not None:
        claims = claims.filter(approved_at__lt=query.approved_before)
    if query.updated_since is not None:
        claims = claims.filter(updated_at__gte=query.updated_since)
    return claims


def watched_claims(query: ExportQuery) -> QuerySet[Claim]:
    """Every published-once claim whose change could change this export's answer.

    Filters on a claim's own content (verdict, text, approval date) are left out on
    purpose: a claim that leaves such a filter was changed, so its updated_at moved,
    and the broader set still holds it. Its max(updated_at) is a safe Last-Modified.
    """
    claims = Claim.objects.published_once()
    if query.article is not None:
        claims = claims.filter(article_id=query.article)
    if query.publisher:
        claims = claims.from_publisher(query.publisher)
    return claims


def export_articles(publisher: str | None = None) -> QuerySet[Article]:
    """Articles with at least one claim published now or before.

    An article whose claims were all withdrawn stays listed with no claims, so a
    consumer sees the withdrawal rather than a silent disappearance.
    """
    articles = Article.objects.filter(pk__in=Claim.objects.published_once().values("article_id"))
    if publisher:
        articles = articles.filter(publisher__iexact=publisher)
    return articles


def article_claim_rows(claims: QuerySet[Claim], ids: list[int]) -> QuerySet[Claim, dict[str, Any]]:
    """``claim_rows`` of ``claims`` on the articles ``ids``.

    The ids are given to the joined article as well: PostgreSQL does not carry the
    claims' ``article_id IN (…)`` across the join, and would read every article into a
    hash to find the hundred of this page.
    """
    if not ids:
        return claim_rows(claims.none())
    quote = connection.ops.quote_name
    column = f"{quote(Article._meta.db_table)}.{quote('id')}"  # the join claim_rows makes
    on_article = RawSQL(  # noqa: S611 - names from the model, the ids bound as parameters
        f"{column} IN ({', '.join(['%s'] * len(ids))})",  # noqa: S608
        tuple(ids),
        output_field=BooleanField(),
    )
    return claim_rows(claims.filter(article_id__in=ids)).filter(on_article)
