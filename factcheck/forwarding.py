"""Requests that came through a proxy the settings do not know about.

With ``DJANGO_BEHIND_PROXY`` off the app takes a client's address from the connection,
which behind a proxy is the proxy's: every user then shares one address, and the log-in
limits of factcheck/login_guard.py treat them as one (they are slowed together, though
never locked). A system check cannot see requests, so the evidence is kept where
``manage.py check --deploy`` can read it:

- ``ForwardedForWatchMiddleware`` notices a request carrying ``X-Forwarded-For`` while
  the setting is off, logs a warning (once per process) and records a marker in the
  cache (at most once an hour per process; it lasts ``MARKER_DAYS``): when, and the
  address the request came from.
- ``factcheck.W002`` (factcheck/checks.py) warns while the setting is off and the marker
  is there. It reads the cache the app writes, so it sees the marker with a shared cache
  (``REDIS_URL``, which W001 asks for); with a per-process cache it sees nothing.

A client can send the header itself, so the marker is evidence, not proof: the warning
names the address the header came from (a proxy's is usually private or loopback).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TypedDict

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

logger = logging.getLogger(__name__)

MARKER = "factcheck:forwarded-for-seen"
MARKER_DAYS = 7
NOTE_EVERY_SECONDS = 3600
SEEN = (
    "A request came with X-Forwarded-For from %s, but DJANGO_BEHIND_PROXY is off: behind a "
    "proxy every user has the proxy's address, and the log-in limits slow them together. "
    "Set DJANGO_BEHIND_PROXY=true (and DJANGO_PROXY_COUNT) if the app is behind a proxy."
)


class Sighting(TypedDict):
    at: str  # ISO 8601
    peer: str  # the address the request came from


_noted_at: float | None = None  # when this process last recorded the marker


def note(request: HttpRequest) -> None:
    """Record (at most once an hour) that a forwarded request arrived with the setting off."""
    global _noted_at
    moment = time.monotonic()
    if _noted_at is not None and moment - _noted_at < NOTE_EVERY_SECONDS:
        return
    first = _noted_at is None
    _noted_at = moment
    peer = request.META.get("REMOTE_ADDR") or "an unknown address"
    sighting: Sighting = {"at": timezone.now().isoformat(timespec="seconds"), "peer": peer}
    cache.set(MARKER, sighting, MARKER_DAYS * 24 * 3600)
    if first:
        logger.warning(SEEN, peer)


def last_sighting() -> Sighting | None:
    return cache.get(MARKER)


class ForwardedForWatchMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "HTTP_X_FORWARDED_FOR" in request.META and not settings.FACTCHECK_BEHIND_PROXY:
            note(request)
        return self.get_response(request)
