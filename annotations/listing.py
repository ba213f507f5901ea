"""Lists on HTML pages, a page at a time by keyset: Newer and Older, Newest and Oldest.

A numbered page is an OFFSET, and page 3,749 of the published checks means walking
the 74,960 rows before it; a keyset page starts from the key of the last row seen,
through an index, and costs the same anywhere in the list (``publishing.keyset``).
So these lists have no page numbers: their links carry an opaque ``cursor``, and their
count stops at a cap (``bounded.count_up_to``), "more than 1,000" past it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from annotations.bounded import Tally, count_or_estimate, count_up_to
from annotations.publishing.keyset import (
    FIRST,
    LAST_PAGE,
    Cursor,
    decode_cursor,
    page,
)

BAD_PAGE_LINK = (
    "This page link is not one we made (or it was cut short): go back to the list "
    "and follow its Newer and Older links as given."
)
CURSOR = "cursor"


@dataclass(frozen=True)
class ListPage:
    """One page of a list, with the links around it (query strings, or None)."""

    rows: list
    tally: Tally
    newer: str | None
    older: str | None
    newest: str | None
    oldest: str | None

    @property
    def has_other_pages(self) -> bool:
        return bool(self.newer or self.older)


def keyset_list(
    request: HttpRequest,
    queryset: QuerySet,
    *,
    fields: tuple[str, ...],
    size: int,
    estimate: bool = False,
) -> ListPage:
    """The page of ``queryset`` (newest first by ``fields``) that the request's cursor
    names; ``keyset.InvalidCursor`` if the request holds one we did not make. With
    ``estimate`` (a search) a large count is the planner's estimate."""
    cursor = request_cursor(request, fields, queryset)
    around = page(queryset, cursor, size, fields, descending=True)
    at_start = cursor is None or cursor.direction == FIRST or around.prev is None
    return ListPage(
        rows=around.rows,
        tally=count_or_estimate(queryset) if estimate else count_up_to(queryset),
        newer=link(request, around.prev) if around.prev else None,
        older=link(request, around.next) if around.next else None,
        newest=None if at_start else link(request, None),
        oldest=link(request, LAST_PAGE) if around.next else None,
    )


def request_cursor(request: HttpRequest, fields: tuple[str, ...], queryset: QuerySet):
    text = request.GET.get(CURSOR, "")
    if not text:
        return None
    model = queryset.model
    kinds = tuple(
        datetime if model._meta.get_field(name).get_internal_type() == "DateTimeField" else int
        for name in fields
    )
    return decode_cursor(text, kinds)


def link(request: HttpRequest, cursor: Cursor | None) -> str:
    """This page's query string with ``cursor`` in place of its own (none: the first page)."""
    params = request.GET.copy()
    params.pop(CURSOR, None)
    params.pop("page", None)
    if cursor is not None:
        params[CURSOR] = cursor.encode()
    query = params.urlencode()
    return f"?{query}" if query else "?"


def bad_page_link(request: HttpRequest, template: str = "bad_request.html") -> HttpResponse:
    """400 for a cursor we did not make: say so, and how to get back to the list."""
    return render(request, template, {"message": BAD_PAGE_LINK}, status=400)
