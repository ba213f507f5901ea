"""Keyset pages, forwards and backwards: ``WHERE (key) > (…) ORDER BY key LIMIT n``.

No OFFSET: a page costs the same wherever it is, and a row inserted or changed while
a consumer pages lands after everything it has seen (its key is newer), so nothing is
skipped and nothing already seen shifts into the next page.

A cursor carries a direction: ``after`` a key (the next page), ``before`` a key (the
previous page), ``first`` or ``last``. The previous page of a keyset is the rows just
before the page's first key, read in reverse order and turned round; the last page is
the final ``size`` rows read the same way. To a consumer a cursor is opaque: base64
of ``["a"|"b", *key]``, ``["first"]`` or ``["last"]`` (the bare key, as cursors were
first written, still means "after").
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet

FIRST, LAST, AFTER, BEFORE = "first", "last", "a", "b"
INVALID_CURSOR = (
    "This cursor is not one we issued (or it was cut short): start again from the first "
    "page by leaving cursor out, or follow the next link exactly as given."
)


class InvalidCursor(ValueError):
    def __init__(self) -> None:
        super().__init__(INVALID_CURSOR)


@dataclass(frozen=True)
class Cursor:
    direction: str
    key: tuple[Any, ...] = ()

    def encode(self) -> str:
        values = [v.isoformat() if isinstance(v, datetime) else v for v in self.key]
        raw = json.dumps([self.direction, *values], separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")


FIRST_PAGE = Cursor(FIRST)
LAST_PAGE = Cursor(LAST)


def decode_cursor(text: str, kinds: tuple[type, ...]) -> Cursor:
    """The cursor in ``text``, its key parts of the types in ``kinds``; InvalidCursor if not."""
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        values = json.loads(raw)
        if not isinstance(values, list) or not values:
            raise ValueError
        if values in ([FIRST], [LAST]):
            return Cursor(values[0])
        if values[0] in (AFTER, BEFORE) and len(values) == len(kinds) + 1:
            direction, values = values[0], values[1:]
        elif len(values) == len(kinds):
            direction = AFTER
        else:
            raise ValueError
        return Cursor(direction, tuple(_typed(k, v) for k, v in zip(kinds, values, strict=True)))
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise InvalidCursor() from None


def _typed(kind: type, value: Any) -> Any:
    if kind is datetime and isinstance(value, str):
        parsed = datetime.fromisoformat(value)
        if parsed.tzinfo is None:
            raise ValueError
        return parsed
    if kind is int and isinstance(value, int) and not isinstance(value, bool):
        return value
    raise ValueError


def beyond(queryset: QuerySet, fields: tuple[str, ...], key: tuple, *, before: bool = False):
    """Rows strictly after ``key`` in ``fields`` order (before it with ``before``).

    The redundant ``first >= …`` (or ``<=``) gives a composite index a range to start from.
    """
    op = "lt" if before else "gt"
    if before:
        condition = before_condition(fields, key)
    else:
        condition = Q()
        for i, name in enumerate(fields):
            equal = {f: key[j] for j, f in enumerate(fields[:i])}
            condition |= Q(**equal, **{f"{name}__gt": key[i]})
    queryset = queryset.filter(condition)
    if len(fields) > 1:
        queryset = queryset.filter(**{f"{fields[0]}__{op}e": key[0]})
    return queryset


def key_of(row: Any, fields: tuple[str, ...]) -> tuple:
    """A row's key, from a ``.values()`` dict or a model instance."""
    if isinstance(row, dict):
        return tuple(row[name] for name in fields)
    return tuple(getattr(row, name) for name in fields)


@dataclass
class Page:
    rows: list
    next: Cursor | None
    prev: Cursor | None


def page(
    queryset: QuerySet,
    cursor: Cursor | None,
    size: int,
    fields: tuple[str, ...],
    *,
    descending: bool = False,
) -> Page:
    """One page of ``size`` rows in ``fields`` order (newest first with ``descending``),
    with the cursors around it. "After" and "before" follow the list's own order."""
    ascending = list(fields)
    reverse = [f"-{name}" for name in fields]
    forward, backward = (reverse, ascending) if descending else (ascending, reverse)
    direction = cursor.direction if cursor else FIRST
    if direction in (FIRST, AFTER):
        chosen = (
            queryset
            if direction == FIRST
            else beyond(queryset, fields, cursor.key, before=descending)  # type: ignore[union-attr]  # AFTER: a cursor
        )
        rows = list(chosen.order_by(*forward)[: size + 1])
        more, rows = len(rows) > size, rows[:size]
        next_cursor = Cursor(AFTER, key_of(rows[-1], fields)) if more else None
        if direction == FIRST:
            prev_cursor = None
        else:
            prev_cursor = Cursor(BEFORE, key_of(rows[0], fields)) if rows else LAST_PAGE
        return Page(rows, next_cursor, prev_cursor)
    chosen = (
        queryset
        if direction == LAST
        else beyond(queryset, fields, cursor.key, before=not descending)  # type: ignore[union-attr]  # BEFORE: a cursor
    )
    rows = list(chosen.order_by(*backward)[: size + 1])
    more, rows = len(rows) > size, rows[:size][::-1]
    prev_cursor = Cursor(BEFORE, key_of(rows[0], fields)) if more else None
    if direction == LAST:
        next_cursor = None
    else:
        next_cursor = Cursor(AFTER, key_of(rows[-1], fields)) if rows else FIRST_PAGE
    return Page(rows, next_cursor, prev_cursor)


def before_condition(fields: tuple[str, ...], key: tuple) -> Q:
    """Rows strictly before ``key`` in ``fields`` order, as a condition."""
    condition = Q()
    for i, name in enumerate(fields):
        equal = {f: key[j] for j, f in enumerate(fields[:i])}
        condition |= Q(**equal, **{f"{name}__lt": key[i]})
    return condition


def total_and_start(
    queryset: QuerySet, page_: Page, fields: tuple[str, ...], cursor: Cursor | None
) -> tuple[int, int]:
    """How many rows there are, and how many come before the page's first (its
    ``startIndex``), in one query."""
    if not page_.rows:
        total = queryset.count()
        return total, total if cursor is not None and cursor.direction == AFTER else 0
    key = key_of(page_.rows[0], fields)
    counts = queryset.order_by().aggregate(
        total=Count("pk"), before=Count("pk", filter=before_condition(fields, key))
    )
    return counts["total"], counts["before"]
