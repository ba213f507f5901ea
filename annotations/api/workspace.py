"""The workspace API: claims as their author and the editors see them, drafts included.

``/api/v1/workspace/articles/<id>/claims/`` lists an article's claims (lean, or in
full with ``?expand=``) and creates one; ``/api/v1/workspace/claims/<id>/`` reads,
changes and deletes one; ``…/transitions/`` moves it through the workflow.

Writes name the version they read, in ``If-Match`` (the ETag of the read; answered
412 when stale) or in a ``version`` field (answered 409 when stale); both answers
carry the claim as it now is, so the page can show what changed.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from django.db.models import Count
from django.http import Http404
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, permissions, status
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from annotations import access, appearances, claimants, claims, revisions, search, workflow
from annotations.api.conditional import conditional
from annotations.api.errors import Conflict, PreconditionFailed
from annotations.api.parsers import JSONParser
from annotations.api.serializers import (
    AnchorSerializer,
    AttachSerializer,
    ClaimantInputSerializer,
    ClaimantOutSerializer,
    ClaimWriteSerializer,
    ExpandSerializer,
    LeanClaimSerializer,
    PreviewResultSerializer,
    PreviewSerializer,
    SimilarAnswerSerializer,
    SimilarQuerySerializer,
    TransitionSerializer,
    WorkspaceClaimSerializer,
)
from annotations.models import Appearance, Article, Claim, Claimant
from annotations.publishing.scale import verdict_scale
from annotations.publishing.uris import Links
from annotations.publishing.workspace import (
    WorkspaceBuilder,
    appearing_in,
    in_text_order,
    lean_claims,
    lean_new_claim,
    workspace_rows,
)
from annotations.richtext import render_markdown

IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    description="The ETag you read; a stale one (or another claim's) gets 412.",
)
VERSION_REQUIRED = (
    "Say which version of the claim you are changing: send If-Match with the ETag you "
    "read, or a version field."
)
BAD_IF_MATCH = 'Send the ETag you read for this claim, e.g. "claim-12-v3-…".'
NO_CLAIMANT = "There is no claimant {id}: choose one from the suggestions, or give a name."
OTHER_CLAIM = (
    "This ETag belongs to claim {other}, not to claim {pk}: read claim {pk} and send its ETag."
)
# The answers every workspace operation may give besides success, documented so that
# clients (and the schema-driven fuzzing in tests/test_api_fuzz.py) know them.
WORKSPACE_ERRORS = {
    400: OpenApiResponse(description="Bad input; the body names each field and what is wrong."),
    401: OpenApiResponse(description="Not signed in: send a token or a session cookie."),
    403: OpenApiResponse(description="Signed in, but not allowed; the body says why."),
    404: OpenApiResponse(description="No such article or claim, or one you may not read."),
    429: OpenApiResponse(description="Too many requests; retry after Retry-After seconds."),
}
STALE_ANSWERS = {
    409: OpenApiResponse(description="Stale version field; the body holds the current claim."),
    412: OpenApiResponse(
        description="Stale If-Match, or another claim's ETag; the body holds the current claim."
    ),
}
TRANSITION_STATUS = {
    "forbidden": status.HTTP_403_FORBIDDEN,
    "four_eyes": status.HTTP_403_FORBIDDEN,
    "comment": status.HTTP_400_BAD_REQUEST,
    "unknown": status.HTTP_400_BAD_REQUEST,
}
_ETAG = re.compile(r'^(?:W/)?"claim-(\d{1,18})-v(\d{1,18})(?:-[0-9a-f]{1,64})?"$')


class CanUseWorkspace(permissions.BasePermission):
    message = "You need reviewer or editor rights to use the workspace."

    def has_permission(self, request, view):
        return access.can_use_workspace(request.user)


PREFER = OpenApiParameter(
    "Prefer",
    str,
    OpenApiParameter.HEADER,
    description="`return=minimal`: answer the lean claim (RFC 7240), not the full one.",
)


def wants_minimal(request: Request) -> bool:
    """Whether the caller asked for the lean answer (``Prefer: return=minimal``)."""
    asked = request.headers.get("Prefer", "")
    return any(part.strip().lower() == "return=minimal" for part in re.split(r"[,;]", asked))


def claim_etag(item: dict[str, Any]) -> str:
    """The claim's id and version, and a digest of everything in the body it validates
    (its article's title, its verdict's label, what the reader may do…)."""
    digest = hashlib.sha256(
        json.dumps(item, sort_keys=True, separators=(",", ":"), default=str).encode()
    ).hexdigest()[:16]
    return f'"claim-{item["id"]}-v{item["version"]}-{digest}"'


def requested_version(request: Request) -> tuple[int | None, int | None, bool]:
    """(version, claim id of the ETag, came from If-Match). If-Match wins over a body field."""
    header = request.headers.get("If-Match")
    if header:
        match = _ETAG.match(header.strip())
        if not match:
            raise exceptions.ValidationError({"If-Match": [BAD_IF_MATCH]})
        return int(match.group(2)), int(match.group(1)), True
    version = request.data.get("version") if isinstance(request.data, dict) else None
    if version in (None, ""):
        return None, None, False
    text = str(version).strip() if isinstance(version, int | str) else ""
    if isinstance(version, bool) or not text.isdigit() or len(text) > 18:
        raise exceptions.ValidationError({"version": ["A whole number is required."]})
    return int(text), None, False


def service_fields(validated: dict, user) -> dict:
    """The write serializer's fields under the names the claims service takes."""
    data = dict(validated)
    data.pop("version", None)
    if "claim" in data:
        data["text"] = data.pop("claim")
    if "claimant" in data:
        data["claimant"] = claimant_of(data["claimant"], user)
    return data


def claimant_of(given: dict | None, user) -> Claimant | None:
    """The claimant a write names: by id, or by name (found or made)."""
    if given is None:
        return None
    if "id" in given:
        found = Claimant.objects.filter(pk=given["id"]).first()
        if found is None:
            raise exceptions.ValidationError({"claimant": [NO_CLAIMANT.format(id=given["id"])]})
        return claimants.current(found)
    return claimants.claimant_find_or_create(
        user=user,
        name=given["name"],
        kind=given.get("kind", Claimant.Kind.PERSON),
        description=given.get("description", ""),
        same_as=given.get("same_as", ()),
    )


class WorkspaceView(GenericAPIView):
    permission_classes = [permissions.IsAuthenticated, CanUseWorkspace]
    serializer_class = WorkspaceClaimSerializer

    def full_claim(self, pk: int) -> dict[str, Any]:
        """One claim in full, as this reader sees it."""
        row = workspace_rows(Claim.objects.filter(pk=pk)).get()
        return self.builder().build([row])[0]

    def builder(self) -> WorkspaceBuilder:
        return WorkspaceBuilder(
            self.request.user, verdict_scale()[1], Links.for_request(self.request)
        )

    def represent(self, claim: Claim, code: int = status.HTTP_200_OK) -> Response:
        item = self.full_claim(claim.pk)
        return Response(item, status=code, headers={"ETag": claim_etag(item)})

    def get_claim(self, pk: int) -> Claim:
        """The claim, or 404 for one this user may not read (its existence is not leaked)."""
        return get_object_or_404(
            Claim.objects.visible_to(self.request.user).select_related("article", "verdict"),
            pk=pk,
        )

    def version_for(self, request: Request, claim: Claim) -> tuple[int | None, bool]:
        """The version the caller names, from an ETag that must be this claim's."""
        version, etag_of, from_header = requested_version(request)
        if etag_of is not None and etag_of != claim.pk:
            raise PreconditionFailed(
                OTHER_CLAIM.format(other=etag_of, pk=claim.pk), current=self.full_claim(claim.pk)
            )
        return version, from_header

    def stale(self, exc: claims.StaleVersion, from_header: bool) -> Conflict:
        error = PreconditionFailed if from_header else Conflict
        return error(str(exc), current=self.full_claim(exc.claim.pk))


@extend_schema(tags=["workspace"])
class ArticleClaimsView(WorkspaceView):
    """The claims on one article that you may read, in text order; create one."""

    @extend_schema(
        parameters=[ExpandSerializer],
        responses={200: LeanClaimSerializer(many=True), **WORKSPACE_ERRORS},
        description="Lean claims by default; with ?expand=sources,events each claim is the "
        "full workspace representation (as GET /api/v1/workspace/claims/{id}/ gives it).",
    )
    def get(self, request: Request, pk: int) -> Response:
        params = ExpandSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        expand = params.validated_data.get("expand")
        if not expand:
            found = lean_claims(request.user, pk)
        else:
            rows = list(workspace_rows(in_text_order(appearing_in(pk, request.user))))
            found = self.builder().build(rows, expand)
        if not found and not Article.objects.filter(pk=pk).exists():
            raise Http404  # asked only when the list is empty: a full one proves the article
        return Response(found)

    @extend_schema(
        request=ClaimWriteSerializer,
        parameters=[PREFER],
        responses={201: WorkspaceClaimSerializer, **WORKSPACE_ERRORS},
        description="Answers the new claim in full, or lean (as the list gives it) when "
        "asked with `Prefer: return=minimal`; its address is in `Location` either way.",
    )
    def post(self, request: Request, pk: int) -> Response:
        # The text is all a new claim reads of its article (the quote is cut from it).
        article = get_object_or_404(Article.objects.only("id", "body"), pk=pk)
        serializer = ClaimWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = service_fields(serializer.validated_data, request.user)
        data.pop("article", None)
        claim = claims.claim_create(article=article, user=request.user, **data)
        location = request.build_absolute_uri(reverse("api:workspace-claim", args=[claim.pk]))
        if wants_minimal(request):
            item = lean_new_claim(claim)
            headers = {"Location": location, "Preference-Applied": "return=minimal"}
            return Response(item, status=status.HTTP_201_CREATED, headers=headers)
        response = self.represent(claim, status.HTTP_201_CREATED)
        response["Location"] = location
        return response


@extend_schema(tags=["workspace"])
class WorkspaceClaimView(WorkspaceView):
    """One claim as the workspace sees it: read it, change it (with the version you read),
    delete a draft."""

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "If-None-Match",
                str,
                OpenApiParameter.HEADER,
                description="The ETag you have; 304 when it is still current.",
            )
        ],
        responses={
            200: WorkspaceClaimSerializer,
            304: OpenApiResponse(description="Not modified: your copy (ETag) is current."),
            **WORKSPACE_ERRORS,
        },
    )
    def get(self, request: Request, pk: int) -> HttpResponseBase:
        claim = self.get_claim(pk)
        item = self.full_claim(claim.pk)
        return conditional(request, claim_etag(item), None, lambda: item)

    @extend_schema(
        request=ClaimWriteSerializer,
        parameters=[IF_MATCH],
        responses={200: WorkspaceClaimSerializer, **WORKSPACE_ERRORS, **STALE_ANSWERS},
    )
    def patch(self, request: Request, pk: int) -> Response:
        claim = self.get_claim(pk)
        version, from_header = self.version_for(request, claim)
        if version is None:
            raise exceptions.ValidationError({"version": [VERSION_REQUIRED]})
        serializer = ClaimWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = service_fields(serializer.validated_data, request.user)
        try:
            claim = claims.claim_update(claim=claim, user=request.user, version=version, **data)
        except claims.StaleVersion as exc:
            raise self.stale(exc, from_header) from None
        return self.represent(claim)

    @extend_schema(
        parameters=[IF_MATCH], responses={204: None, **WORKSPACE_ERRORS, **STALE_ANSWERS}
    )
    def delete(self, request: Request, pk: int) -> Response:
        claim = self.get_claim(pk)
        version, from_header = self.version_for(request, claim)
        if version is None:
            raise exceptions.ValidationError({"version": [VERSION_REQUIRED]})
        try:
            claims.claim_delete(claim=claim, user=request.user, version=version)
        except claims.StaleVersion as exc:
            raise self.stale(exc, from_header) from None
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["workspace"])
class ClaimTransitionView(WorkspaceView):
    """Move a claim through the workflow (submit, approve, reject, request_changes, …)."""

    @extend_schema(
        request=TransitionSerializer,
        parameters=[IF_MATCH],
        responses={
            200: WorkspaceClaimSerializer,
            **WORKSPACE_ERRORS,
            **STALE_ANSWERS,
            409: OpenApiResponse(
                description="The move is not possible now, or the claim changed since you "
                "loaded it; the body says which."
            ),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        claim = self.get_claim(pk)
        serializer = TransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        version, from_header = self.version_for(request, claim)
        try:
            claim = workflow.claim_transition(
                claim=claim,
                user=request.user,
                action=serializer.validated_data["action"],
                comment=serializer.validated_data.get("comment", ""),
                version=version,
            )
        except claims.StaleVersion as exc:
            raise self.stale(exc, from_header) from None
        except workflow.TransitionError as exc:
            code = TRANSITION_STATUS.get(exc.code, status.HTTP_409_CONFLICT)
            return Response({"detail": exc.message, "code": exc.code}, status=code)
        return self.represent(claim)


@extend_schema(tags=["workspace"])
class PreviewView(GenericAPIView):
    """A rationale in Markdown as it would be published: the same function renders the
    preview and the stored text, so what you see is what will be published."""

    permission_classes = [permissions.IsAuthenticated, CanUseWorkspace]
    serializer_class = PreviewSerializer

    @extend_schema(
        request=PreviewSerializer, responses={200: PreviewResultSerializer, **WORKSPACE_ERRORS}
    )
    def post(self, request: Request) -> Response:
        serializer = PreviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response({"html": render_markdown(serializer.validated_data["markdown"])})


@extend_schema(tags=["workspace"])
class ClaimAppearancesView(WorkspaceView):
    """Say that the claim is also made in another article, at this span."""

    @extend_schema(
        request=AttachSerializer, responses={201: WorkspaceClaimSerializer, **WORKSPACE_ERRORS}
    )
    def post(self, request: Request, pk: int) -> Response:
        claim = self.get_claim(pk)
        serializer = AttachSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        article = get_object_or_404(Article, pk=data["article"])
        appearances.appearance_attach(
            claim=claim, user=request.user, article=article, start=data["start"],
            end=data["end"], exact=data.get("exact"),
        )  # fmt: skip
        return self.represent(claim, status.HTTP_201_CREATED)


class AppearanceView(WorkspaceView):
    def get_appearance(self, pk: int) -> Appearance:
        appearance = get_object_or_404(Appearance.objects.select_related("claim"), pk=pk)
        if not access.can_read_claim(self.request.user, appearance.claim):
            raise exceptions.NotFound()
        return appearance


@extend_schema(tags=["workspace"])
class AppearanceDetailView(AppearanceView):
    """Take an appearance off its claim (the claim keeps at least one)."""

    @extend_schema(responses={200: WorkspaceClaimSerializer, **WORKSPACE_ERRORS})
    def delete(self, request: Request, pk: int) -> Response:
        appearance = self.get_appearance(pk)
        appearances.appearance_remove(appearance=appearance, user=request.user)
        return self.represent(appearance.claim)


@extend_schema(tags=["workspace"])
class AppearanceConfirmView(AppearanceView):
    """A second editor confirms where a published claim was also made: now it is published."""

    @extend_schema(request=None, responses={200: WorkspaceClaimSerializer, **WORKSPACE_ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        appearance = self.get_appearance(pk)
        appearances.appearance_confirm(appearance=appearance, user=request.user)
        return self.represent(appearance.claim)


@extend_schema(tags=["workspace"])
class ClaimantsView(WorkspaceView):
    """Claimants as you type their name; name a new one (or find it, however it is spelt)."""

    # JSON only: a form's empty field reads as "not sent", which would let a blank name
    # through to the lookup by id.
    parser_classes = [JSONParser]

    @extend_schema(
        parameters=[OpenApiParameter("q", str, description="What was typed of the name.")],
        responses={200: ClaimantOutSerializer(many=True), **WORKSPACE_ERRORS},
    )
    def get(self, request: Request) -> Response:
        found = claimants.claimant_suggestions(request.query_params.get("q", "")[:200])
        return Response(ClaimantOutSerializer(found, many=True).data)

    @extend_schema(
        request=ClaimantInputSerializer,
        responses={200: ClaimantOutSerializer, 201: ClaimantOutSerializer, **WORKSPACE_ERRORS},
    )
    def post(self, request: Request) -> Response:
        serializer = ClaimantInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        before = Claimant.objects.count()
        claimant = claimant_of(serializer.validated_data, request.user)
        made = Claimant.objects.count() > before
        code = status.HTTP_201_CREATED if made else status.HTTP_200_OK
        return Response(ClaimantOutSerializer(claimant).data, status=code)


@extend_schema(tags=["workspace"])
class SimilarClaimsView(WorkspaceView):
    """Has this been checked already? The claims you may see whose wording best matches
    ``text``, best first; approved ones first at equal score."""

    @extend_schema(
        parameters=[SimilarQuerySerializer],
        responses={200: SimilarAnswerSerializer, **WORKSPACE_ERRORS},
    )
    def get(self, request: Request) -> Response:
        params = SimilarQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        text, limit = params.validated_data["text"], params.validated_data["limit"]
        ranked = search.similar(text, limit=limit * 3)
        visible = (
            Claim.objects.visible_to(request.user)
            .filter(pk__in=[r.id for r in ranked], merged_into__isnull=True)
            .select_related("verdict", "claimant")
            .annotate(appearance_count=Count("appearances"))
        )
        by_id = {claim.pk: claim for claim in visible}
        links = Links.for_request(request)
        approved = Claim.Status.APPROVED
        found = sorted(
            (r for r in ranked if r.id in by_id),
            key=lambda r: (-r.score, by_id[r.id].status != approved, r.id),
        )[:limit]
        results = []
        for r in found:
            claim = by_id[r.id]
            published = claim.status in (approved, Claim.Status.RETRACTED)
            results.append(
                {
                    "id": claim.pk,
                    "claim": claim.claim,
                    "status": claim.status,
                    "verdict": claim.verdict.label if claim.verdict else None,
                    "claimant": claim.claimant.name if claim.claimant else None,
                    "score": r.score,
                    "appearances": claim.appearance_count,
                    "url": links.check_page(claim.pk, claim.claim) if published else None,
                }
            )
        return Response({"results": results})


@extend_schema(tags=["workspace"])
class ClaimAnchorView(WorkspaceView):
    """Answer for a quote the article's changed text moved or lost: accept the place
    found, or select the words again on the current text."""

    @extend_schema(
        request=AnchorSerializer,
        parameters=[IF_MATCH],
        responses={200: WorkspaceClaimSerializer, **WORKSPACE_ERRORS, **STALE_ANSWERS},
    )
    def post(self, request: Request, pk: int) -> Response:
        claim = self.get_claim(pk)
        serializer = AnchorSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        version, from_header = self.version_for(request, claim)
        if version is None:
            raise exceptions.ValidationError({"version": [VERSION_REQUIRED]})
        span = {k: v for k, v in serializer.validated_data.items() if k != "version"}
        try:
            claim = revisions.claim_anchor_resolve(
                claim=claim, user=request.user, version=version, **span
            )
        except claims.StaleVersion as exc:
            raise self.stale(exc, from_header) from None
        return self.represent(claim)
