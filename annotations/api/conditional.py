"""Conditional requests (RFC 9110): validators on every answer, 304 when the copy is current."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.http.response import HttpResponseBase
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder


def make_etag(*parts: Any) -> str:
    text = json.dumps(parts, cls=JSONEncoder, sort_keys=True, separators=(",", ":"))
    return '"' + hashlib.sha256(text.encode()).hexdigest()[:40] + '"'


def conditional(
    request: Request,
    etag: str,
    last_modified: datetime | None,
    build: Callable[[], Any],
    headers: dict[str, str] | None = None,
    code: int = status.HTTP_200_OK,
) -> HttpResponseBase:
    """304 when the copy the client holds is current (Django's own reading of the
    preconditions, RFC 9110 §13.2.2), else ``code`` with ``build()``, built only then."""
    headers = {"ETag": etag, "Cache-Control": "private, no-cache", **(headers or {})}
    stamp = None
    if last_modified is not None:
        stamp = int(last_modified.timestamp())
        headers["Last-Modified"] = http_date(stamp)
    answer = get_conditional_response(request, etag=etag, last_modified=stamp)
    response = answer if answer is not None else Response(build(), status=code)
    for name, value in headers.items():
        response[name] = value
    patch_vary_headers(response, ["Accept", "Authorization"])
    return response


def latest(*values: datetime | None) -> datetime | None:
    present = [value for value in values if value is not None]
    return max(present) if present else None
