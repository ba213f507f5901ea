"""Spans of article text: the one place offsets are validated, trimmed and quoted.

Offsets are Unicode code points into ``Article.body`` (what Python indexes).
The browser converts from its UTF-16 positions before it sends them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError

CONTEXT_CHARS = 32

OUT_OF_RANGE = "The span must satisfy 0 ≤ start < end ≤ {length} (the length of the article text)."
ONLY_WHITESPACE = "The selected text is only white space: select some words."
STALE_QUOTE = (
    "The selected text no longer matches the article at these offsets "
    "(the page may be out of date): reload the page and select again."
)


@dataclass(frozen=True)
class Quote:
    start: int
    end: int
    exact: str
    prefix: str
    suffix: str


def validate_span(body: str, start: int | None, end: int | None) -> None:
    if start is None or end is None or not (0 <= start < end <= len(body)):
        raise ValidationError({"start": OUT_OF_RANGE.format(length=len(body))}, code="range")
    if not body[start:end].strip():
        raise ValidationError({"start": ONLY_WHITESPACE}, code="whitespace")


def make_quote(body: str, start: int | None, end: int | None, exact: str | None = None) -> Quote:
    """Validate a span, check the client's quote, trim white space and build the selector.

    ``exact``, when the client sends it, must equal ``body[start:end]`` before
    trimming: a mismatch means the client anchored against other text.
    """
    validate_span(body, start, end)
    assert start is not None and end is not None  # validate_span refuses None
    if exact is not None and body[start:end] != exact:
        raise ValidationError({"exact": STALE_QUOTE}, code="stale")
    while body[start].isspace():
        start += 1
    while body[end - 1].isspace():
        end -= 1
    return Quote(
        start=start,
        end=end,
        exact=body[start:end],
        prefix=body[max(0, start - CONTEXT_CHARS) : start],
        suffix=body[end : end + CONTEXT_CHARS],
    )


def utf16_length(text: str) -> int:
    """Length of ``text`` in UTF-16 code units, as the browser counts it."""
    return len(text.encode("utf-16-le")) // 2


@dataclass(frozen=True)
class Segment:
    start: int
    end: int
    text: str
    covering: tuple[int, ...]  # indexes into the spans given, innermost (shortest) first


def segments(text: str, spans: list[tuple[int, int]], base: int = 0) -> list[Segment]:
    """Cut ``text`` (which starts at offset ``base``) at every span boundary.

    Each piece knows which spans cover it, so overlapping highlights render as
    flat, non-nested elements and no offset ever shifts.
    """
    end_of_text = base + len(text)
    cuts = {base, end_of_text}
    for start, end in spans:
        cuts.update(c for c in (start, end) if base < c < end_of_text)
    ordered = sorted(cuts)
    result = []
    for left, right in zip(ordered, ordered[1:], strict=False):
        covering = sorted(
            (i for i, (s, e) in enumerate(spans) if s <= left and right <= e),
            key=lambda i: (spans[i][1] - spans[i][0], i),
        )
        result.append(Segment(left, right, text[left - base : right - base], tuple(covering)))
    return result
