"""The export API: approved claims for downstream tools, in our JSON, ClaimReview or Web Annotation.

Approved claims only, whoever asks: a reviewer's or an editor's token reads exactly
what a consumer's reads (drafts and claims in review live at the workspace's own
URLs). Every answer carries validators (ETag, Last-Modified) computed before the page
is built, so a consumer polling every few minutes gets a 304 for a few cheap queries.
Every representation comes from ``annotations.publishing``: the rows, one builder,
the standard formats made from what it builds.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any, cast

from django.conf import settings
from django.db.models import Count, Max, Q
from django.http import Http404, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
)
from rest_framework import exceptions, permissions, serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle
from rest_framework.views import APIView

from annotations.api.authentication import TokenAuthentication
from annotations.api.conditional import conditional, latest, make_etag
from annotations.api.filters import (
    ArticleExpandSerializer,
    ArticleListQuerySerializer,
    ClaimListQuerySerializer,
    ClaimStreamQuerySerializer,
    RepresentationSerializer,
)
from annotations.api.pagination import collection_url, page_url, request_cursor
from annotations.api.renderers import (
    EXPORT_RENDERERS,
    ExportContentNegotiation,
    JSONLinesRenderer,
)
from annotations.api.serializers import (
    ClaimSerializer,
    ExportArticleSerializer,
    TombstoneSerializer,
)
from annotations.models import Claim
from annotations.publishing import claimreview, webannotation
from annotations.publishing.dates import iso
from annotations.publishing.jsonlines import jsonl_chunks
from annotations.publishing.keyset import (
    FIRST_PAGE,
    LAST_PAGE,
    Cursor,
    Page,
    page,
    total_and_start,
)
from annotations.publishing.query import (
    ExportQuery,
    article_claim_rows,
    export_articles,
    export_claims,
    watched_claims,
)
from annotations.publishing.representation import V1, Representation
from annotations.publishing.rows import (
    ClaimBuilder,
    claim_rows,
    is_tombstone_row,
    row_fingerprint,
)
from annotations.publishing.scale import verdict_scale
from annotations.publishing.uris import Links

DEFAULT_EXPORT_RATE = "600/minute"
NOT_SIGNED_IN = (
    "Send your token (Authorization: Token <key>; an admin creates one per consumer "
    "in the admin under Tokens) or sign in."
)
READ_ONLY = "The export is read-only. Claims are changed through the workspace API: {method} {url}"
REPRESENTATION_VERSION = "export-2"
VERSIONS_ARE_OURS = (
    "version and include shape our JSON; ClaimReview and Web Annotation have the shape "
    "their standards give them. Ask for format=json, or leave version out."
)
SYNC_KEY = ("updated_at", "id")
ARTICLE_KEY = ("id",)


# Access -------------------------------------------------------------------------------------


class CanReadExport(permissions.BasePermission):
    """Anyone signed in (people by session, tools by token); anonymous only when switched on."""

    message = NOT_SIGNED_IN

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated) or bool(
            settings.FACTCHECK_EXPORT_ANONYMOUS
        )


def throttle_rates() -> dict[str | None, str | None]:
    """DRF's DEFAULT_THROTTLE_RATES as set: "60/min" and the like, or None (no limit)."""
    return cast("dict[str | None, str | None]", api_settings.DEFAULT_THROTTLE_RATES)


class ExportRateThrottle(UserRateThrottle):
    """Per user, and so per token (one consumer, one account, one token).

    Rates are read per request (not at import, as DRF's classes do) so that a
    settings change, in tests or by a reload, takes effect.
    """

    scope = "export"

    def get_rate(self) -> str | None:
        return throttle_rates().get(self.scope) or DEFAULT_EXPORT_RATE

    def get_cache_key(self, request, view) -> str | None:
        if not request.user.is_authenticated:
            return None  # ExportAnonRateThrottle counts anonymous readers by address
        return super().get_cache_key(request, view)


class ExportAnonRateThrottle(AnonRateThrottle):
    def get_rate(self) -> str | None:
        return throttle_rates().get(self.scope)


# Representations ----------------------------------------------------------------------------


def export_format(request: Request) -> str:
    """json, claimreview or webannotation (the browsable API shows our JSON)."""
    fmt = getattr(request.accepted_renderer, "format", "json")
    return fmt if fmt in ("claimreview", "webannotation") else "json"


def validated(serializer_class: type[serializers.Serializer], request: Request, context: dict):
    """The query parameters, validated; 400 with field errors when one is wrong.

    A plain dict, not the QueryDict: DRF reads a QueryDict as a form and silently
    drops blank values, but ``?updated_since=`` is a mistake worth saying so about.
    """
    params = {key: value for key, value in request.query_params.items() if key != "format"}
    serializer = serializer_class(data=params, context=context)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def representation_settings(links: Links) -> list[str]:
    """What the output depends on beyond the data: changing it changes every ETag."""
    return [
        REPRESENTATION_VERSION,
        links.base,
        settings.FACTCHECK_ORG_NAME,
        settings.FACTCHECK_ORG_URL,
        settings.FACTCHECK_ORG_LOGO,
    ]


def representation_for(fmt: str, params: dict[str, Any]) -> Representation:
    """The version of our JSON asked for; the standard formats have only their own."""
    representation = params.get("representation", V1)
    if representation != V1 and fmt != "json":
        raise exceptions.ValidationError({"version": [VERSIONS_ARE_OURS]})
    return representation


def in_format(items: list[dict[str, Any]], fmt: str, links: Links) -> list[dict[str, Any]]:
    """Built claims (and tombstones) in the standard format asked for."""
    if fmt == "claimreview":
        return claimreview.claimreviews(items)
    if fmt == "webannotation":
        return webannotation.webannotations(items, links)
    return items


def annotation_document(
    request: Request,
    items: list[dict[str, Any]],
    *,
    label: str,
    total: int,
    start_index: int,
    cursor: Cursor | None,
    around: Page | None = None,
) -> dict[str, Any]:
    """The Web Annotation Protocol's answer: the collection with its first page embedded
    when no cursor is given, else the page the cursor names."""
    page_doc = webannotation.annotation_page(
        items,
        page_id=page_url(request, cursor or FIRST_PAGE),
        collection_id=collection_url(request),
        total=total,
        start_index=start_index,
        next_id=page_url(request, around.next if around else None),
        prev_id=page_url(request, around.prev if around else None),
        embedded=cursor is None,
    )
    if cursor is not None:
        return page_doc
    return webannotation.annotation_collection(
        page_doc,
        collection_id=collection_url(request),
        label=label,
        total=total,
        last_id=page_url(request, LAST_PAGE if around and around.next else FIRST_PAGE),
    )


def cursors_of(around: Page, total: int | None, start: int | None) -> list[Any]:
    """The page's surroundings for its ETag: a new row after the last page gives it a next."""
    return [c.encode() if c else None for c in (around.next, around.prev)] + [total, start]


def link_header(request: Request, around: Page) -> dict[str, str]:
    links = [
        f'<{page_url(request, cursor)}>; rel="{rel}"'
        for rel, cursor in (("next", around.next), ("prev", around.prev))
        if cursor is not None
    ]
    return {"Link": ", ".join(links)} if links else {}


# Documentation ------------------------------------------------------------------------------


def export_item(**kwargs: Any) -> PolymorphicProxySerializer:
    """A claim, or (when syncing with updated_since) a tombstone."""
    return PolymorphicProxySerializer(
        component_name="ExportItem",
        serializers=[ClaimSerializer, TombstoneSerializer],
        resource_type_field_name=None,
        **kwargs,
    )


class ClaimPageSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True, help_text="The next page; null on the last.")
    previous = serializers.URLField(
        allow_null=True, help_text="The previous page; null on the first."
    )
    results = export_item(many=True)


class ArticlePageSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True, help_text="The next page; null on the last.")
    previous = serializers.URLField(
        allow_null=True, help_text="The previous page; null on the first."
    )
    results = ExportArticleSerializer(many=True)


JSON_LD = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description="schema.org ClaimReview JSON-LD (a DataFeed for lists).",
)
WEB_ANNOTATION = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description="W3C Web Annotation JSON-LD (an AnnotationCollection, or the AnnotationPage "
    "a cursor names, for lists).",
)
CONDITIONAL_HEADERS = [
    OpenApiParameter(
        "If-None-Match",
        str,
        OpenApiParameter.HEADER,
        description="The ETag you have; 304 when it is still current.",
    ),
    OpenApiParameter(
        "If-Modified-Since",
        str,
        OpenApiParameter.HEADER,
        description="An HTTP date; 304 when nothing changed since (ETag is more precise).",
    ),
]
FORMAT_PARAMETER = OpenApiParameter(
    "format",
    str,
    OpenApiParameter.QUERY,
    enum=["json", "claimreview", "webannotation"],
    description="Output format; or send Accept: application/ld+json for ClaimReview.",
)
NOT_MODIFIED = OpenApiResponse(description="Not modified: your copy (ETag) is current.")


def export_responses(json_response: Any, *, detail: bool = False) -> dict:
    responses = {
        (200, "application/json"): json_response,
        (200, "application/ld+json"): JSON_LD,
        (200, webannotation.ANNO_MEDIA_TYPE): WEB_ANNOTATION,
        304: NOT_MODIFIED,
        400: OpenApiResponse(
            description="A parameter (or the format) is wrong; the body names it and says why."
        ),
        401: OpenApiResponse(description="No token or session."),
        429: OpenApiResponse(description="Too many requests for this token; retry after a while."),
    }
    if detail:
        responses[404] = OpenApiResponse(description="Not found, or nothing published here.")
    return responses


# Views --------------------------------------------------------------------------------------


class ExportView(APIView):
    authentication_classes = [TokenAuthentication, SessionAuthentication]
    permission_classes = [CanReadExport]
    throttle_classes = [ExportRateThrottle, ExportAnonRateThrottle]
    renderer_classes = EXPORT_RENDERERS
    content_negotiation_class = ExportContentNegotiation

    def permission_denied(self, request, message=None, code=None):
        if request.authenticators and not request.successful_authenticator:
            raise exceptions.NotAuthenticated(NOT_SIGNED_IN)  # say how to get in
        super().permission_denied(request, message, code)

    def reading(self, request: Request) -> tuple[str, Links, dict[str, Any]]:
        """The format asked for, the addresses, and the scale (read once)."""
        slugs, bounds = verdict_scale()
        context = {"verdict_slugs": slugs, "scale_bounds": bounds}
        return export_format(request), Links.for_request(request), context


@extend_schema(tags=["export"])
class ClaimListView(ExportView):
    """Approved claims in (updated_at, id) order, a page at a time; tombstones when syncing."""

    @extend_schema(
        operation_id="export_claims_list",
        parameters=[ClaimListQuerySerializer, FORMAT_PARAMETER, *CONDITIONAL_HEADERS],
        responses=export_responses(ClaimPageSerializer),
    )
    def get(self, request: Request) -> HttpResponseBase:
        fmt, links, context = self.reading(request)
        params = validated(ClaimListQuerySerializer, request, context)
        representation = representation_for(fmt, params)
        query = ExportQuery.of(params)
        cursor = request_cursor(params.get("cursor"), (datetime, int))
        last_changed = watched_claims(query).aggregate(last=Max("updated_at"))["last"]
        claims = export_claims(query)
        around = page(claim_rows(claims), cursor, params["page_size"], SYNC_KEY)
        rows = around.rows
        total = start = None
        if fmt == "webannotation":
            total, start = total_and_start(claims, around, SYNC_KEY, cursor)
        last_modified = latest(last_changed, *(row["article__updated_at"] for row in rows))
        etag = make_etag(
            fmt,
            request.get_full_path(),
            context["scale_bounds"],
            representation_settings(links),
            [row_fingerprint(row) for row in rows],
            cursors_of(around, total, start),
        )

        def build() -> dict[str, Any]:
            builder = ClaimBuilder(context["scale_bounds"], links, representation)
            items = in_format(builder.build(rows), fmt, links)
            if fmt == "claimreview":
                return claimreview.claimreview_feed(items, date_modified=iso(last_modified))
            if fmt == "webannotation":
                return annotation_document(
                    request, items, label="Fact-checked claims",
                    total=total, start_index=start,  # type: ignore[arg-type]  # set: webannotation
                    cursor=cursor, around=around,
                )  # fmt: skip
            return {
                "next": page_url(request, around.next),
                "previous": page_url(request, around.prev),
                "results": items,
            }

        return conditional(request, etag, last_modified, build, link_header(request, around))


@extend_schema(tags=["export"])
class ClaimDetailView(ExportView):
    """One approved claim; a claim withdrawn after publication answers 410 with its
    tombstone; anything else (drafts, claims in review, unknown ids) 404, whoever asks."""

    @extend_schema(
        operation_id="export_claims_retrieve",
        parameters=[RepresentationSerializer, FORMAT_PARAMETER, *CONDITIONAL_HEADERS],
        responses={
            **export_responses(ClaimSerializer, detail=True),
            410: OpenApiResponse(
                TombstoneSerializer,
                description="Published once and withdrawn since: the tombstone (delete it).",
            ),
        },
    )
    def get(self, request: Request, pk: int) -> HttpResponseBase:
        fmt, links, context = self.reading(request)
        representation = representation_for(
            fmt, validated(RepresentationSerializer, request, context)
        )
        row = claim_rows(Claim.objects.published_once()).filter(pk=pk).first()
        if row is None:
            raise Http404("No published claim has this id.")
        withdrawn = is_tombstone_row(row)
        last_modified = latest(row["updated_at"], row["article__updated_at"])
        etag = make_etag(
            fmt, "claim", context["scale_bounds"], representation_settings(links),
            representation.key, row_fingerprint(row),
        )  # fmt: skip

        def build() -> dict[str, Any]:
            items = ClaimBuilder(context["scale_bounds"], links, representation).build([row])
            return in_format(items, fmt, links)[0]

        code = status.HTTP_410_GONE if withdrawn else status.HTTP_200_OK
        return conditional(request, etag, last_modified, build, code=code)

    def http_method_not_allowed(self, request, *args, **kwargs):
        url = reverse("api:workspace-claim", args=[kwargs["pk"]])
        raise exceptions.MethodNotAllowed(
            request.method, detail=READ_ONLY.format(method=request.method, url=url)
        )


def article_items(
    articles: list[dict[str, Any]], builder: ClaimBuilder
) -> tuple[dict[int, list[dict[str, Any]]], list[dict[str, Any]]]:
    """The published-once claims of these articles in text order, built and grouped by
    article (approved ones only), and their rows (validators read tombstones too)."""
    ids = [a["id"] for a in articles]
    rows = list(
        article_claim_rows(Claim.objects.published_once(), ids).order_by(
            "article_id", "start", "end", "id"
        )
    )
    live = [row for row in rows if not is_tombstone_row(row)]
    grouped: dict[int, list] = defaultdict(list)
    for row, item in zip(live, builder.build(live), strict=True):
        grouped[row["article_id"]].append(item)
    return grouped, rows


ARTICLE_COLUMNS = (
    "id", "title", "subtitle", "source_url", "publisher", "byline", "published_at", "updated_at",
)  # fmt: skip


def article_columns(params: dict[str, Any]) -> tuple[str, ...]:
    """The columns an article answer reads: its text only with ``?expand=body``."""
    return ARTICLE_COLUMNS + (("body",) if "body" in params.get("expand", ()) else ())


def article_json(
    article: dict[str, Any], claims: list[dict[str, Any]], builder: ClaimBuilder
) -> dict[str, Any]:
    links = builder.links
    return {
        "id": article["id"],
        "uri": links.article(article["id"]),
        "title": article["title"],
        "subtitle": article["subtitle"],
        "url": links.article_url(article["source_url"], article["id"]),
        "publisher": article["publisher"],
        "byline": article["byline"],
        "published_at": builder.when(article["published_at"]),
        **({"body": article["body"]} if "body" in article else {}),
        "claims": [{k: v for k, v in item.items() if k != "article"} for item in claims],
    }


def article_validators(
    articles: list[dict[str, Any]], rows: list[dict[str, Any]], *parts: Any
) -> tuple[str, datetime | None]:
    """ETag and Last-Modified of articles with their published claims.

    A withdrawn claim stays among the rows with a fresh updated_at, so a removal moves
    Last-Modified too.
    """
    etag = make_etag(
        *parts,
        [[a["id"], a["updated_at"]] for a in articles],
        [row_fingerprint(row) for row in rows],
    )
    last_modified = latest(*(a["updated_at"] for a in articles), *(r["updated_at"] for r in rows))
    return etag, last_modified


@extend_schema(tags=["export"])
class ArticleListView(ExportView):
    """Articles with published fact-checks, in id order, each with its approved claims."""

    @extend_schema(
        operation_id="export_articles_list",
        parameters=[ArticleListQuerySerializer, FORMAT_PARAMETER, *CONDITIONAL_HEADERS],
        responses=export_responses(ArticlePageSerializer),
    )
    def get(self, request: Request) -> HttpResponseBase:
        fmt, links, context = self.reading(request)
        params = validated(ArticleListQuerySerializer, request, context)
        cursor = request_cursor(params.get("cursor"), (int,))
        articles_qs = export_articles(params.get("publisher"))
        around = page(
            articles_qs.values(*article_columns(params)), cursor, params["page_size"], ARTICLE_KEY
        )
        articles = around.rows
        builder = ClaimBuilder(context["scale_bounds"], links)
        grouped, rows = article_items(articles, builder)
        total = start = None
        if fmt == "webannotation":
            # Annotations are the approved claims of the articles, in article order.
            approved = Claim.objects.approved().filter(article__in=articles_qs)
            first = articles[0]["id"] if articles else 0
            counts = approved.aggregate(
                total=Count("pk"), before=Count("pk", filter=Q(article_id__lt=first))
            )
            total, start = counts["total"], counts["before"]
        etag, last_modified = article_validators(
            articles, rows, fmt, request.get_full_path(), context["scale_bounds"],
            representation_settings(links), cursors_of(around, total, start),
        )  # fmt: skip

        def build() -> dict[str, Any]:
            if fmt == "json":
                return {
                    "next": page_url(request, around.next),
                    "previous": page_url(request, around.prev),
                    "results": [article_json(a, grouped[a["id"]], builder) for a in articles],
                }
            items = in_format([i for a in articles for i in grouped[a["id"]]], fmt, links)
            if fmt == "claimreview":
                return claimreview.claimreview_feed(items, date_modified=iso(last_modified))
            return annotation_document(
                request, items, label="Fact-checked articles",
                total=total, start_index=start,  # type: ignore[arg-type]  # set: webannotation
                cursor=cursor, around=around,
            )  # fmt: skip

        return conditional(request, etag, last_modified, build, link_header(request, around))


@extend_schema(tags=["export"])
class ArticleDetailView(ExportView):
    """One article with its approved claims (404 if it has never had a published one)."""

    @extend_schema(
        operation_id="export_articles_retrieve",
        parameters=[ArticleExpandSerializer, FORMAT_PARAMETER, *CONDITIONAL_HEADERS],
        responses=export_responses(ExportArticleSerializer, detail=True),
    )
    def get(self, request: Request, pk: int) -> HttpResponseBase:
        fmt, links, context = self.reading(request)
        params = validated(ArticleExpandSerializer, request, context)
        article = export_articles().filter(pk=pk).values(*article_columns(params)).first()
        if article is None:
            raise Http404("This article has no published fact-checks.")
        cursor = request_cursor(request.query_params.get("cursor"), (int,))
        if cursor is not None and cursor != FIRST_PAGE:
            raise exceptions.ValidationError(
                {"cursor": ["An article's annotations are one page: its first."]}
            )
        builder = ClaimBuilder(context["scale_bounds"], links)
        grouped, rows = article_items([article], builder)
        etag, last_modified = article_validators(
            [article], rows, fmt, request.get_full_path(), context["scale_bounds"],
            representation_settings(links),
        )  # fmt: skip

        def build() -> dict[str, Any]:
            claims = grouped[article["id"]]
            if fmt == "json":
                return article_json(article, claims, builder)
            items = in_format(claims, fmt, links)
            if fmt == "claimreview":
                return claimreview.claimreview_feed(items, date_modified=iso(last_modified))
            return annotation_document(
                request, items, label=f"Fact-checks of {article['title']}", total=len(items),
                start_index=0, cursor=cursor,
            )  # fmt: skip

        return conditional(request, etag, last_modified, build)


@extend_schema(tags=["export"])
class ClaimStreamView(ExportView):
    """Every approved claim as JSON Lines, streamed (tombstones too with updated_since)."""

    renderer_classes = [JSONLinesRenderer]

    @extend_schema(
        operation_id="export_claims_jsonl",
        parameters=[ClaimStreamQuerySerializer],
        responses={
            (200, "application/x-ndjson"): OpenApiResponse(
                export_item(),
                description="One JSON object per line: a claim, or with updated_since a "
                "tombstone for a claim withdrawn since.",
                examples=[
                    OpenApiExample(
                        "A tombstone line",
                        value={
                            "id": 12,
                            "uri": "https://factcheck.example.org/checks/12/",
                            "status": "retracted",
                            "updated_at": "2025-01-31T12:00:00Z",
                        },
                    )
                ],
            ),
            400: OpenApiResponse(description="A parameter is wrong; the body names it."),
            401: OpenApiResponse(description="No token or session."),
            429: OpenApiResponse(description="Too many requests for this token."),
        },
    )
    def get(self, request: Request) -> StreamingHttpResponse:
        _, links, context = self.reading(request)
        params = validated(ClaimStreamQuerySerializer, request, context)
        query = ExportQuery.of(params)
        chunks = jsonl_chunks(
            query, links, scale=context["scale_bounds"], representation=params["representation"]
        )
        response = StreamingHttpResponse(
            (chunk.data for chunk in chunks),
            content_type="application/x-ndjson; charset=utf-8",
        )
        response["Cache-Control"] = "private, no-store"
        response["Content-Disposition"] = 'inline; filename="claims.jsonl"'
        return response
