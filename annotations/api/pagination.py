"""Keyset pages for the export, as links: the cursors of ``publishing.keyset`` in URLs.

A bad cursor is a 400 naming the parameter.
"""

from __future__ import annotations

from typing import overload

from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.utils.urls import remove_query_param, replace_query_param

from annotations.publishing.keyset import Cursor, InvalidCursor, decode_cursor


def request_cursor(text: str | None, kinds: tuple[type, ...]) -> Cursor | None:
    if not text:
        return None
    try:
        return decode_cursor(text, kinds)
    except InvalidCursor as exc:
        raise exceptions.ValidationError({"cursor": [str(exc)]}) from None


@overload
def page_url(request: Request, cursor: Cursor) -> str: ...
@overload
def page_url(request: Request, cursor: Cursor | None) -> str | None: ...
def page_url(request: Request, cursor: Cursor | None) -> str | None:
    """This request's address with ``cursor`` in place of its own."""
    if cursor is None:
        return None
    return replace_query_param(request.build_absolute_uri(), "cursor", cursor.encode())


def collection_url(request: Request) -> str:
    """This list without a cursor: the collection its pages belong to."""
    return remove_query_param(request.build_absolute_uri(), "cursor")
