"""Middleware of the site as a whole (not of one app)."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.response import TemplateResponse

from annotations.importers import TOO_LARGE

REQUEST_TOO_LARGE = "Upload refused: " + TOO_LARGE + ". Send files of at most {limit:,} bytes."


class RequestSizeLimitMiddleware:
    """Answer 413 to a request that declares a body larger than any we accept, before
    anything reads it (the CSRF check would read the whole form to find its token).

    The largest body we accept is an import upload: the importer's file limit plus a
    margin for the form around it (FACTCHECK_REQUEST_MAX_BYTES). A body sent without a
    Content-Length is never read past what it declares: Django reads none of it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.FACTCHECK_REQUEST_MAX_BYTES:
            return self.refuse(request, length)
        return self.get_response(request)

    def refuse(self, request: HttpRequest, length: int) -> HttpResponse:
        message = REQUEST_TOO_LARGE.format(size=length, limit=settings.FACTCHECK_IMPORT_MAX_BYTES)
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message}, status=413)
        return TemplateResponse(
            request, "request_too_large.html", {"message": message}, status=413
        ).render()


class LoginRefusalMiddleware:
    """A log-in form that refused an attempt without checking its password (it must wait:
    factcheck/login_guard.py) shows why; this gives that page the status 429 and a
    Retry-After header, like axes's lock-out page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        refusal = getattr(request, "login_refusal", None)
        if refusal is not None and response.status_code == 200:
            response.status_code = 429
            response["Retry-After"] = str(refusal.retry_after)
        return response
