"""Keyset pagination for the export: ``WHERE (updated_at, id) > (…) ORDER BY updated_at, id``.

No OFFSET: a page costs the same wherever it is, and a claim inserted or changed
while a consumer pages lands after everything it has seen (its updated_at is
newer), so nothing is skipped and nothing already seen shifts into the next page.
The cursor is opaque to consumers: base64 of the last row's key.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime
from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.utils.urls import replace_query_param

INVALID_CURSOR = (
    "This cursor is not one we issued (or it was cut short): start again from the first "
    "page by leaving cursor out, or follow the next link exactly as given."
)

M = TypeVar("M", bound=Model)


def encode_cursor(key: tuple[Any, ...]) -> str:
    values = [value.isoformat() if isinstance(value, datetime) else value for value in key]
    raw = json.dumps(values, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, kinds: tuple[type, ...]) -> tuple[Any, ...]:
    """The key in ``cursor``, each part of the type in ``kinds``; 400 when malformed."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
        if not isinstance(values, list) or len(values) != len(kinds):
            raise ValueError
        key = []
        for kind, value in zip(kinds, values, strict=True):
            if kind is datetime:
                parsed = datetime.fromisoformat(value)
                if parsed.tzinfo is None:
                    raise ValueError
                key.append(parsed)
            elif kind is int and isinstance(value, int) and not isinstance(value, bool):
                key.append(value)
            else:
                raise ValueError
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise exceptions.ValidationError({"cursor": [INVALID_CURSOR]}) from None
    return tuple(key)


def claims_after(queryset: QuerySet[M], updated_at: datetime, pk: int) -> QuerySet[M]:
    """Rows after (updated_at, pk) in (updated_at, id) order.

    The redundant ``updated_at >= …`` gives the (updated_at, id) indexes a range to start from.
    """
    return queryset.filter(
        Q(updated_at__gt=updated_at) | Q(updated_at=updated_at, pk__gt=pk),
        updated_at__gte=updated_at,
    )


def claim_key(claim: Any) -> tuple[datetime, int]:
    """A claim's (updated_at, id), from a model instance or a ``.values()`` row."""
    if isinstance(claim, dict):
        return (claim["updated_at"], claim["id"])
    return (claim.updated_at, claim.pk)


def claim_page(queryset: QuerySet[M], cursor: str | None, size: int) -> tuple[list[M], str | None]:
    """One page in (updated_at, id) order and the cursor of the next (None on the last)."""
    if cursor:
        queryset = claims_after(queryset, *decode_cursor(cursor, (datetime, int)))
    rows = list(queryset.order_by("updated_at", "pk")[: size + 1])
    if len(rows) <= size:
        return rows, None
    rows = rows[:size]
    return rows, encode_cursor(claim_key(rows[-1]))


def id_page(queryset: QuerySet[M], cursor: str | None, size: int) -> tuple[list[M], str | None]:
    """One page in id order (for articles) and the cursor of the next."""
    if cursor:
        (after,) = decode_cursor(cursor, (int,))
        queryset = queryset.filter(pk__gt=after)
    rows = list(queryset.order_by("pk")[: size + 1])
    if len(rows) <= size:
        return rows, None
    rows = rows[:size]
    return rows, encode_cursor((rows[-1].pk,))


def page_url(request: Request, cursor: str | None) -> str | None:
    if cursor is None:
        return None
    return replace_query_param(request.build_absolute_uri(), "cursor", cursor)
