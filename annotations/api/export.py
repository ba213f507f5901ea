"""The export API: approved claims for downstream tools, in our JSON, ClaimReview or Web Annotation.

Every response carries validators (ETag, Last-Modified) computed before the page is
fully loaded, so a consumer polling every few minutes gets a 304 for a few cheap
queries. The JSON Lines stream walks the claims in keyset chunks with constant memory.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Max, Prefetch
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date, parse_etags, parse_http_date_safe
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
)
from rest_framework import exceptions, permissions, serializers, status
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle
from rest_framework.utils.encoders import JSONEncoder
from rest_framework.views import APIView

from annotations.api import formats
from annotations.api.filters import (
    ArticleListQuerySerializer,
    ClaimFilterSerializer,
    ClaimListQuerySerializer,
    export_articles,
    export_claims,
    exportable,
    is_tombstone,
    verdict_scale,
    watched_claims,
)
from annotations.api.pagination import claim_key, claim_page, claims_after, id_page, page_url
from annotations.api.renderers import (
    EXPORT_RENDERERS,
    ExportContentNegotiation,
    JSONLinesRenderer,
)
from annotations.api.rows import ClaimBuilder, claim_rows, is_tombstone_row, row_fingerprint
from annotations.api.serializers import (
    ClaimSerializer,
    ExportArticleSerializer,
    TombstoneSerializer,
    claim_queryset,
    person,
)
from annotations.models import Article, Claim

DEFAULT_EXPORT_RATE = "600/minute"
STREAM_CHUNK = 500
NOT_SIGNED_IN = (
    "Send your token (Authorization: Token <key>; an admin creates one per consumer "
    "in the admin under Tokens) or sign in."
)
REPRESENTATION_VERSION = "export-1"


# Access -------------------------------------------------------------------------------------


class CanReadExport(permissions.BasePermission):
    """Anyone signed in (people by session, tools by token); anonymous only when switched on."""

    message = NOT_SIGNED_IN

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated) or bool(
            settings.FACTCHECK_EXPORT_ANONYMOUS
        )


class ExportRateThrottle(UserRateThrottle):
    """Per user, and so per token (one consumer, one account, one token).

    Rates are read per request (not at import, as DRF's classes do) so that a
    settings change, in tests or by a reload, takes effect.
    """

    scope = "export"

    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope) or DEFAULT_EXPORT_RATE

    def get_cache_key(self, request, view) -> str | None:
        if not request.user.is_authenticated:
            return None  # ExportAnonRateThrottle counts anonymous readers by address
        return super().get_cache_key(request, view)


class ExportAnonRateThrottle(AnonRateThrottle):
    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


EXPORT_THROTTLES = [ExportRateThrottle, ExportAnonRateThrottle]
# Tools get 401 with "WWW-Authenticate: Token" (the first authenticator's challenge).
EXPORT_AUTHENTICATION = [TokenAuthentication, SessionAuthentication]


# Conditional requests -----------------------------------------------------------------------


def make_etag(*parts: Any) -> str:
    text = json.dumps(parts, cls=JSONEncoder, sort_keys=True, separators=(",", ":"))
    return '"' + hashlib.sha256(text.encode()).hexdigest()[:40] + '"'


def not_modified(request: Request, etag: str, last_modified: datetime | None) -> bool:
    """RFC 9110 §13.2.2: If-None-Match decides when sent; else If-Modified-Since."""
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        tags = parse_etags(if_none_match)
        return "*" in tags or any(tag.removeprefix("W/") == etag for tag in tags)
    if_modified_since = request.headers.get("If-Modified-Since")
    if if_modified_since and last_modified is not None:
        since = parse_http_date_safe(if_modified_since)
        return since is not None and int(last_modified.timestamp()) <= since
    return False


def conditional(
    request: Request,
    etag: str,
    last_modified: datetime | None,
    build: Any,
    headers: dict[str, str] | None = None,
) -> Response:
    """304 when the consumer's copy is current, else 200 with ``build()``; validators on both."""
    headers = {"ETag": etag, "Cache-Control": "private, no-cache", **(headers or {})}
    if last_modified is not None:
        headers["Last-Modified"] = http_date(last_modified.timestamp())
    if not_modified(request, etag, last_modified):
        response = Response(status=status.HTTP_304_NOT_MODIFIED, headers=headers)
    else:
        response = Response(build(), headers=headers)
    patch_vary_headers(response, ["Accept", "Authorization"])
    return response


def latest(*values: datetime | None) -> datetime | None:
    present = [value for value in values if value is not None]
    return max(present) if present else None


def representation_settings() -> list[str]:
    """Settings that appear in the output: changing them changes every ETag."""
    return [
        REPRESENTATION_VERSION,
        settings.FACTCHECK_PUBLIC_BASE_URL,
        settings.FACTCHECK_ORG_NAME,
        settings.FACTCHECK_ORG_URL,
        settings.FACTCHECK_ORG_LOGO,
    ]


def fingerprint(claim: Claim) -> list[Any]:
    """What a claim's representation depends on beyond its prefetched sources and events.

    Sources and corrections change only through writes that move updated_at.
    """
    verdict = claim.verdict
    article = claim.article
    return [
        claim.pk,
        claim.updated_at,
        claim.status,
        article.pk,
        article.updated_at,
        [verdict.label, verdict.slug, verdict.rating_value, verdict.colour] if verdict else None,
        person(claim.author),
        person(claim.approved_by),
    ]


# Building representations -------------------------------------------------------------------

# The article's text is the bulk of a claim row and no export format shows it.
HEAVY_ARTICLE_FIELDS = ("body", "raw_text")


def export_claim_queryset():
    """``claim_queryset()`` without the article texts."""
    return claim_queryset().defer(*(f"article__{name}" for name in HEAVY_ARTICLE_FIELDS))


def export_format(request: Request) -> str:
    """json, claimreview or webannotation (the browsable API shows our JSON)."""
    fmt = getattr(request.accepted_renderer, "format", "json")
    return fmt if fmt in ("claimreview", "webannotation") else "json"


def claim_items(claims: Iterable[Claim], fmt: str, context: dict) -> list[dict[str, Any]]:
    """Each claim in a standard format (ClaimReview or Web Annotation); claims no longer
    approved as that format's tombstone. Our JSON is built from rows by ``rows.ClaimBuilder``."""
    scale = context["scale_bounds"]
    if fmt == "claimreview":
        return [
            formats.claimreview_tombstone(c)
            if is_tombstone(c)
            else formats.claimreview(c, scale=scale)
            for c in claims
        ]
    if fmt == "webannotation":
        return [
            formats.webannotation_tombstone(c) if is_tombstone(c) else formats.webannotation(c)
            for c in claims
        ]
    raise ValueError(f"not a standard format: {fmt}")


def scale_context(request: Request | None = None) -> dict[str, Any]:
    """Serializer context with the verdict scale read once (its slugs validate the filter)."""
    slugs, bounds = verdict_scale()
    return {"request": request, "scale_bounds": bounds, "verdict_slugs": slugs}


def validated(serializer_class: type[serializers.Serializer], request: Request, context: dict):
    """The query parameters, validated; 400 with field errors when one is wrong.

    A plain dict, not the QueryDict: DRF reads a QueryDict as a form and silently
    drops blank values, but ``?updated_since=`` is a mistake worth saying so about.
    """
    params = {key: value for key, value in request.query_params.items() if key != "format"}
    serializer = serializer_class(data=params, context=context)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def collection_id(request: Request) -> str:
    """This list without its cursor: the collection a page belongs to."""
    params = request.query_params.copy()
    params.pop("cursor", None)
    query = params.urlencode()
    return request.build_absolute_uri(request.path) + (f"?{query}" if query else "")


def claim_collection(
    request: Request,
    items: list[dict[str, Any]],
    fmt: str,
    next_url: str | None,
    last_modified: datetime | None,
    label: str,
) -> dict[str, Any]:
    if fmt == "claimreview":
        return formats.claimreview_feed(items, date_modified=last_modified)
    if fmt == "webannotation":
        this_page = request.build_absolute_uri()
        if request.query_params.get("cursor"):
            return formats.annotation_page(
                items, page_id=this_page, collection_id=collection_id(request), next_id=next_url
            )
        return formats.annotation_collection(
            items,
            collection_id=collection_id(request),
            label=label,
            page_id=this_page,
            next_id=next_url,
        )
    return {"next": next_url, "results": items}


def link_header(next_url: str | None) -> dict[str, str]:
    return {"Link": f'<{next_url}>; rel="next"'} if next_url else {}


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
    results = export_item(many=True)


class ArticlePageSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True, help_text="The next page; null on the last.")
    results = ExportArticleSerializer(many=True)


JSON_LD = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description="schema.org ClaimReview JSON-LD (a DataFeed for lists).",
)
WEB_ANNOTATION = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description="W3C Web Annotation JSON-LD (an AnnotationCollection or AnnotationPage for lists).",
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
        (200, formats.ANNO_MEDIA_TYPE): WEB_ANNOTATION,
        304: NOT_MODIFIED,
        401: OpenApiResponse(description="No token or session."),
        429: OpenApiResponse(description="Too many requests for this token; retry after a while."),
    }
    responses[400] = OpenApiResponse(
        description="A parameter (or the format) is wrong; the body names it and says why."
    )
    if detail:
        responses[404] = OpenApiResponse(description="Not found, or nothing published here.")
    return responses


# Views --------------------------------------------------------------------------------------


class ExportView(APIView):
    authentication_classes = EXPORT_AUTHENTICATION
    permission_classes = [CanReadExport]
    throttle_classes = EXPORT_THROTTLES
    renderer_classes = EXPORT_RENDERERS
    content_negotiation_class = ExportContentNegotiation

    def permission_denied(self, request, message=None, code=None):
        if request.authenticators and not request.successful_authenticator:
            raise exceptions.NotAuthenticated(NOT_SIGNED_IN)  # say how to get in
        super().permission_denied(request, message, code)


@extend_schema(tags=["export"])
class ClaimListView(ExportView):
    """Approved claims in (updated_at, id) order, a page at a time; tombstones when syncing."""

    @extend_schema(
        operation_id="export_claims_list",
        parameters=[ClaimListQuerySerializer, FORMAT_PARAMETER, *CONDITIONAL_HEADERS],
        responses=export_responses(ClaimPageSerializer),
    )
    def get(self, request: Request) -> Response:
        context = scale_context(request)
        params = validated(ClaimListQuerySerializer, request, context)
        fmt = export_format(request)
        last_changed = watched_claims(params).aggregate(last=Max("updated_at"))["last"]
        rows, next_cursor = claim_page(
            claim_rows(export_claims(params)), params.get("cursor"), params["page_size"]
        )
        next_url = page_url(request, next_cursor)
        last_modified = latest(last_changed, *(row["article__updated_at"] for row in rows))
        etag = make_etag(
            fmt,
            request.get_full_path(),
            context["scale_bounds"],
            representation_settings(),
            [row_fingerprint(row) for row in rows],
        )

        def build() -> dict[str, Any]:
            if fmt == "json":
                items = ClaimBuilder(context["scale_bounds"]).build(rows)
            else:
                items = claim_items(claims_of(rows), fmt, context)
            return claim_collection(
                request, items, fmt, next_url, last_modified, "Fact-checked claims"
            )

        return conditional(request, etag, last_modified, build, link_header(next_url))


def claims_of(rows: list[dict[str, Any]]) -> list[Claim]:
    """The model instances of a page of rows, in the rows' order (ClaimReview, Web Annotation)."""
    by_id = export_claim_queryset().in_bulk([row["id"] for row in rows])
    return [by_id[row["id"]] for row in rows if row["id"] in by_id]


def claim_detail_response(request: Request, pk: int) -> Response:
    """One approved claim for an export reader; 404 for anything else (not even a hint)."""
    context = scale_context(request)
    fmt = export_format(request)
    row = claim_rows(exportable()).filter(pk=pk).first()
    if row is None:
        raise Http404("No approved claim has this id.")
    last_modified = latest(row["updated_at"], row["article__updated_at"])
    etag = make_etag(
        fmt, "claim", context["scale_bounds"], representation_settings(), row_fingerprint(row)
    )

    def build() -> dict[str, Any]:
        if fmt == "json":
            return ClaimBuilder(context["scale_bounds"]).build([row])[0]
        return claim_items(claims_of([row]), fmt, context)[0]

    return conditional(request, etag, last_modified, build)


@extend_schema(tags=["export"])
class ArticleListView(ExportView):
    """Articles with published fact-checks, in id order, each with its approved claims."""

    @extend_schema(
        operation_id="export_articles_list",
        parameters=[ArticleListQuerySerializer, FORMAT_PARAMETER, *CONDITIONAL_HEADERS],
        responses=export_responses(ArticlePageSerializer),
    )
    def get(self, request: Request) -> Response:
        context = scale_context(request)
        params = validated(ArticleListQuerySerializer, request, context)
        fmt = export_format(request)
        articles, next_cursor = id_page(
            with_published_claims(export_articles(params)),
            params.get("cursor"),
            params["page_size"],
        )
        next_url = page_url(request, next_cursor)
        etag, last_modified = article_validators(articles, fmt, request.get_full_path(), context)

        def build() -> dict[str, Any]:
            if fmt == "json":
                data = ExportArticleSerializer(articles, many=True, context=context).data
                return {"next": next_url, "results": data}
            items = claim_items(approved_claims(articles), fmt, context)
            return claim_collection(
                request, items, fmt, next_url, last_modified, "Fact-checked articles"
            )

        return conditional(request, etag, last_modified, build, link_header(next_url))


@extend_schema(tags=["export"])
class ArticleDetailView(ExportView):
    """One article with its approved claims (404 if it has never had a published one)."""

    @extend_schema(
        operation_id="export_articles_retrieve",
        parameters=[FORMAT_PARAMETER, *CONDITIONAL_HEADERS],
        responses=export_responses(ExportArticleSerializer, detail=True),
    )
    def get(self, request: Request, pk: int) -> Response:
        context = scale_context(request)
        fmt = export_format(request)
        article = get_object_or_404(with_published_claims(export_articles({})), pk=pk)
        etag, last_modified = article_validators([article], fmt, "article", context)

        def build() -> dict[str, Any]:
            if fmt == "json":
                return ExportArticleSerializer(article, context=context).data
            items = claim_items(approved_claims([article]), fmt, context)
            if fmt == "claimreview":
                return formats.claimreview_feed(items, date_modified=last_modified)
            here = request.build_absolute_uri(request.path)
            return formats.annotation_collection(
                items,
                collection_id=here,
                label=f"Fact-checks of {article.title}",
                page_id=f"{here}#page-1",
            )

        return conditional(request, etag, last_modified, build)


def with_published_claims(queryset):
    """Articles with ``published_claims``: approved and withdrawn ones (validators need both)."""
    claims = exportable(export_claim_queryset(), tombstones=True).order_by("start", "end", "id")
    return queryset.defer(*HEAVY_ARTICLE_FIELDS).prefetch_related(
        Prefetch("claims", queryset=claims, to_attr="published_claims")
    )


def approved_claims(articles: Iterable[Article]) -> list[Claim]:
    return [c for a in articles for c in a.published_claims if not is_tombstone(c)]


def article_validators(
    articles: list[Article], fmt: str, path: str, context: dict
) -> tuple[str, datetime | None]:
    """ETag and Last-Modified of articles with their published claims.

    A withdrawn claim stays in ``published_claims`` with a fresh updated_at, so
    a removal moves Last-Modified too.
    """
    claims = [c for a in articles for c in a.published_claims]
    etag = make_etag(
        fmt,
        path,
        context["scale_bounds"],
        representation_settings(),
        [[a.pk, a.updated_at] for a in articles],
        [fingerprint(c) for c in claims],
    )
    last_modified = latest(*(a.updated_at for a in articles), *(c.updated_at for c in claims))
    return etag, last_modified


# JSON Lines ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportChunk:
    data: bytes
    claims: int
    tombstones: int


def jsonl_chunks(
    params: dict[str, Any], *, chunk_size: int = STREAM_CHUNK
) -> Iterator[ExportChunk]:
    """Every exportable claim as JSON Lines, one keyset chunk at a time.

    Memory stays flat: each chunk is one ``WHERE (updated_at, id) > (last) … LIMIT n``
    (no OFFSET, no ``.iterator()``, which reads everything first on SQLite), serialised
    and dropped before the next. The API stream and ``manage.py export_claims`` share it.
    """
    builder = ClaimBuilder(verdict_scale()[1])
    encoder = JSONEncoder(ensure_ascii=False, separators=(",", ":"))
    queryset = claim_rows(export_claims(params)).order_by("updated_at", "pk")
    key = None
    while True:
        chunk = queryset if key is None else claims_after(queryset, *key)
        rows = list(chunk[:chunk_size])
        if not rows:
            return
        lines = [encoder.encode(item) for item in builder.build(rows)]
        tombstones = sum(1 for row in rows if is_tombstone_row(row))
        yield ExportChunk(
            data=("\n".join(lines) + "\n").encode(),
            claims=len(rows) - tombstones,
            tombstones=tombstones,
        )
        if len(rows) < chunk_size:
            return
        key = claim_key(rows[-1])


@extend_schema(tags=["export"])
class ClaimStreamView(ExportView):
    """Every approved claim as JSON Lines, streamed (tombstones too with updated_since)."""

    renderer_classes = [JSONLinesRenderer]
    content_negotiation_class = ExportContentNegotiation

    @extend_schema(
        operation_id="export_claims_jsonl",
        parameters=[ClaimFilterSerializer],
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
        context = scale_context(request)
        params = validated(ClaimFilterSerializer, request, context)
        response = StreamingHttpResponse(
            (chunk.data for chunk in jsonl_chunks(params)),
            content_type="application/x-ndjson; charset=utf-8",
        )
        response["Cache-Control"] = "private, no-store"
        response["Content-Disposition"] = 'inline; filename="claims.jsonl"'
        return response
