"""Middleware of the site as a whole (not of one app)."""

import re
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


QUERY_VALUE_MAX = 1000
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
BAD_PARAMETER = "The parameter {name!r} {problem}: send it again without that."
PROBLEMS = {
    "control": "holds a control character (such as NUL or a line break)",
    "long": f"is longer than {QUERY_VALUE_MAX:,} characters",
}


def query_problem(request: HttpRequest) -> tuple[str, str] | None:
    """(parameter, what is wrong) for the first query parameter no page could use."""
    for name, values in request.GET.lists():
        if CONTROL.search(name):
            return name, "control"
        for value in values:
            if CONTROL.search(value):
                return name, "control"
            if len(value) > QUERY_VALUE_MAX:
                return name, "long"
    return None


class QueryStringGuardMiddleware:
    """Answer 400 to a query string that no page of ours could use: a control character
    (PostgreSQL refuses NUL in text; a header built from one is refused) or a value of
    more than a thousand characters (SQLite refuses a LIKE pattern that long). Every
    page, admin and API, gets the same answer instead of a server error deep inside.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        problem = query_problem(request)
        if problem is None:
            return self.get_response(request)
        name, kind = problem
        shown = CONTROL.sub("?", name)[:60]
        message = BAD_PARAMETER.format(name=shown, problem=PROBLEMS[kind])
        if request.path.startswith("/api/"):
            return JsonResponse({shown: [message]}, status=400)
        return TemplateResponse(
            request, "bad_request.html", {"message": message}, status=400
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
