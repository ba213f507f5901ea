"""The workspace API: claims on an article, one claim, and its transitions.

Writes name the version they read, in ``If-Match`` (answered 412 when stale)
or in a ``version`` field (answered 409 when stale); both answers carry the
claim as it now is, so the page can show what changed.
"""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
)
from rest_framework import exceptions, permissions, status
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from annotations import access, claims, workflow
from annotations.api import export
from annotations.api.errors import Conflict, PreconditionFailed
from annotations.api.renderers import EXPORT_RENDERERS, ExportContentNegotiation
from annotations.api.serializers import (
    ClaimSerializer,
    ClaimWriteSerializer,
    TransitionSerializer,
    WorkspaceClaimSerializer,
    claim_queryset,
)
from annotations.models import Article, Claim

IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    description='The ETag you read, e.g. "claim-12-v3"; a stale one gets 412.',
)
VERSION_REQUIRED = (
    "Say which version of the claim you are changing: send If-Match with its ETag, "
    "or a version field."
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
    412: OpenApiResponse(description="Stale If-Match; the body holds the current claim."),
}
TRANSITION_STATUS = {
    "forbidden": status.HTTP_403_FORBIDDEN,
    "four_eyes": status.HTTP_403_FORBIDDEN,
    "comment": status.HTTP_400_BAD_REQUEST,
    "unknown": status.HTTP_400_BAD_REQUEST,
}


class CanUseWorkspace(permissions.BasePermission):
    message = "You need reviewer or editor rights to use the workspace."

    def has_permission(self, request, view):
        return access.can_use_workspace(request.user)


def etag(claim: Claim) -> str:
    return f'"claim-{claim.pk}-v{claim.version}"'


def requested_version(request: Request) -> tuple[int | None, bool]:
    """(version, came from If-Match). If-Match wins over a body field."""
    header = request.headers.get("If-Match")
    if header:
        match = re.search(r"(\d+)\"?\s*$", header)
        if not match:
            raise exceptions.ValidationError(
                {"If-Match": ['Send the ETag you read, e.g. "claim-12-v3".']}
            )
        return int(match.group(1)), True
    version = request.data.get("version") if hasattr(request.data, "get") else None
    if version in (None, ""):
        return None, False
    try:
        return int(version), False
    except (TypeError, ValueError):
        raise exceptions.ValidationError({"version": ["A whole number is required."]}) from None


def service_fields(validated: dict) -> dict:
    """The write serializer's fields under the names the claims service takes."""
    data = dict(validated)
    data.pop("version", None)
    if "claim" in data:
        data["text"] = data.pop("claim")
    return data


class ClaimViewMixin:
    permission_classes = [permissions.IsAuthenticated, CanUseWorkspace]
    serializer_class = WorkspaceClaimSerializer

    def represent(self, claim: Claim, code: int = status.HTTP_200_OK) -> Response:
        claim = claim_queryset(workspace=True).get(pk=claim.pk)
        data = WorkspaceClaimSerializer(claim, context=self.get_serializer_context()).data
        return Response(data, status=code, headers={"ETag": etag(claim)})

    def get_claim(self, pk: int) -> Claim:
        """The claim, or 404 for one this user may not read (its existence is not leaked)."""
        claim = get_object_or_404(claim_queryset(workspace=True), pk=pk)
        if not access.can_read_claim(self.request.user, claim):
            raise exceptions.NotFound()
        return claim

    def stale(self, exc: claims.StaleVersion, from_header: bool):
        current = WorkspaceClaimSerializer(
            claim_queryset(workspace=True).get(pk=exc.claim.pk),
            context=self.get_serializer_context(),
        ).data
        error = PreconditionFailed if from_header else Conflict
        return error(str(exc), current=current)


@extend_schema(tags=["workspace"])
class ArticleClaimsView(ClaimViewMixin, GenericAPIView):
    """The claims on one article that you may read, in text order; create one."""

    @extend_schema(responses={200: WorkspaceClaimSerializer(many=True), **WORKSPACE_ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        article = get_object_or_404(Article.objects.only("id"), pk=pk)
        claims_ = access.visible_claims(
            request.user, claim_queryset(workspace=True).filter(article=article)
        ).order_by("start", "end", "id")
        return Response(
            WorkspaceClaimSerializer(claims_, many=True, context=self.get_serializer_context()).data
        )

    @extend_schema(
        request=ClaimWriteSerializer, responses={201: WorkspaceClaimSerializer, **WORKSPACE_ERRORS}
    )
    def post(self, request: Request, pk: int) -> Response:
        article = get_object_or_404(Article, pk=pk)
        serializer = ClaimWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = service_fields(serializer.validated_data)
        try:
            claim = claims.claim_create(article=article, user=request.user, **data)
        except DjangoPermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from None
        return self.represent(claim, status.HTTP_201_CREATED)


def is_read(request) -> bool:
    return getattr(request, "method", "GET") in ("GET", "HEAD")


@extend_schema(tags=["workspace"])
class ClaimDetailView(ClaimViewMixin, GenericAPIView):
    """One claim: read it, change it (with the version you read), delete a draft.

    Reading is also the export's detail: export readers (tokens, and anonymous
    readers when the export is open) get approved claims only, in the export's
    shape and formats; workspace users get the workspace representation in JSON.
    """

    def get_authenticators(self):
        if is_read(self.request):
            return [auth() for auth in export.EXPORT_AUTHENTICATION]
        return super().get_authenticators()

    def get_permissions(self):
        if is_read(self.request):
            return [export.CanReadExport()]
        return super().get_permissions()

    def permission_denied(self, request, message=None, code=None):
        if is_read(request) and request.authenticators and not request.successful_authenticator:
            raise exceptions.NotAuthenticated(export.NOT_SIGNED_IN)
        super().permission_denied(request, message, code)

    def get_throttles(self):
        if is_read(self.request) and not access.can_use_workspace(self.request.user):
            return [throttle() for throttle in export.EXPORT_THROTTLES]
        return super().get_throttles()

    def get_renderers(self):
        if is_read(self.request):
            return [renderer() for renderer in EXPORT_RENDERERS]
        return super().get_renderers()

    def get_content_negotiator(self):
        if is_read(self.request):
            return ExportContentNegotiation()
        return super().get_content_negotiator()

    @extend_schema(
        tags=["workspace", "export"],
        parameters=[export.FORMAT_PARAMETER, *export.CONDITIONAL_HEADERS],
        responses={
            **export.export_responses(
                PolymorphicProxySerializer(
                    component_name="ClaimOrWorkspaceClaim",
                    serializers=[ClaimSerializer, WorkspaceClaimSerializer],
                    resource_type_field_name=None,
                ),
                detail=True,
            ),
        },
    )
    def get(self, request: Request, pk: int) -> Response:
        if export.export_format(request) == "json" and access.can_use_workspace(request.user):
            claim = self.get_claim(pk)
            return export.conditional(
                request,
                etag(claim),
                None,
                lambda: WorkspaceClaimSerializer(claim, context=self.get_serializer_context()).data,
            )
        return export.claim_detail_response(request, pk)

    @extend_schema(
        request=ClaimWriteSerializer,
        parameters=[IF_MATCH],
        responses={200: WorkspaceClaimSerializer, **WORKSPACE_ERRORS, **STALE_ANSWERS},
    )
    def patch(self, request: Request, pk: int) -> Response:
        claim = self.get_claim(pk)
        version, from_header = requested_version(request)
        if version is None:
            raise exceptions.ValidationError({"version": [VERSION_REQUIRED]})
        serializer = ClaimWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = service_fields(serializer.validated_data)
        try:
            claim = claims.claim_update(claim=claim, user=request.user, version=version, **data)
        except claims.StaleVersion as exc:
            raise self.stale(exc, from_header) from None
        except DjangoPermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from None
        return self.represent(claim)

    @extend_schema(
        parameters=[IF_MATCH], responses={204: None, **WORKSPACE_ERRORS, **STALE_ANSWERS}
    )
    def delete(self, request: Request, pk: int) -> Response:
        claim = self.get_claim(pk)
        version, from_header = requested_version(request)
        if version is None:
            raise exceptions.ValidationError({"version": [VERSION_REQUIRED]})
        try:
            claims.claim_delete(claim=claim, user=request.user, version=version)
        except claims.StaleVersion as exc:
            raise self.stale(exc, from_header) from None
        except DjangoPermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from None
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["workspace"])
class ClaimTransitionView(ClaimViewMixin, GenericAPIView):
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
        version, from_header = requested_version(request)
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
