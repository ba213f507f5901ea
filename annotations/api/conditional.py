"""Conditional requests (RFC 9110): validators on every answer, 304 when the copy is current."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.utils.cache import patch_vary_headers
from django.utils.http import http_date, parse_etags, parse_http_date_safe
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder


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
    build: Callable[[], Any],
    headers: dict[str, str] | None = None,
    code: int = status.HTTP_200_OK,
) -> Response:
    """304 when the copy the client holds is current, else ``code`` with ``build()``."""
    headers = {"ETag": etag, "Cache-Control": "private, no-cache", **(headers or {})}
    if last_modified is not None:
        headers["Last-Modified"] = http_date(last_modified.timestamp())
    if not_modified(request, etag, last_modified):
        response = Response(status=status.HTTP_304_NOT_MODIFIED, headers=headers)
    else:
        response = Response(build(), status=code, headers=headers)
    patch_vary_headers(response, ["Accept", "Authorization"])
    return response


def latest(*values: datetime | None) -> datetime | None:
    present = [value for value in values if value is not None]
    return max(present) if present else None
