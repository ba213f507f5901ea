"""A database that is briefly away (restarting, failing over, its connections cut) is
not a server error: every page answers 503 with Retry-After and says to try again, in
JSON under /api/; nothing is half-written, since every write is one transaction, which
the database rolls back when its connection goes.

Two doors, one answer (``unavailable_response``): the middleware for errors raised by a
view, and the server-error handler (``handler500`` in factcheck/urls.py) for those raised
anywhere else (a middleware saving the session, say). Neither touches the database: the
page is rendered without the request's context (no user, no session).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import TypeGuard

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.views import defaults

log = logging.getLogger(__name__)

UNAVAILABLE = (
    "The service is briefly unavailable: its database cannot be reached just now. "
    "A change is saved whole or not at all: reload to see whether yours was. Try again in "
    "a few seconds."
)
RETRY_AFTER_SECONDS = 10


def database_unreachable(
    exc: BaseException | None,
) -> TypeGuard[OperationalError | InterfaceError]:
    """Whether ``exc`` says the database could not be reached or dropped the connection
    (psycopg and sqlite3 both raise these, wrapped by Django)."""
    return isinstance(exc, OperationalError | InterfaceError)


def unavailable_response(request: HttpRequest, exc: BaseException) -> HttpResponse:
    log.warning("%s %s: the database is unavailable (%s)", request.method, request.path, exc)
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": UNAVAILABLE}, status=503)
    else:
        html = render_to_string("service_unavailable.html", {"message": UNAVAILABLE})
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """A view that lost its database answers 503 (last in MIDDLEWARE: it sees the
    view's exception first)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if database_unreachable(exception):
            return unavailable_response(request, exception)
        return None


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's server-error page, unless the error was the database going away."""
    exc = sys.exc_info()[1]
    if database_unreachable(exc):
        return unavailable_response(request, exc)
    return defaults.server_error(request)
