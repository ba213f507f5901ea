"""Finding a quote again on a changed article text: the matching, and nothing else.

A claim remembers its words as a selector (the exact quote, up to 32 code points of
text before and after it, and where it started). When the article's text changes,
``reanchor`` looks for those words on the new text:

- found exactly, with enough of its context to be sure which occurrence it is: the
  quote *moved* (``anchored``: new offsets, the same words);
- found only approximately (words changed inside it, or several places that the
  context cannot tell apart): ``fuzzy``, with a score, for a person to confirm;
- not found: ``orphaned``, with no offsets on the new text.

Pure functions on strings (offsets are code points, as everywhere): no models, no
database, so the rules are tested case by case and the caller decides what to store.
RapidFuzz does the approximate matching (C++, a few milliseconds on a long article).
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz

from annotations.spans import CONTEXT_CHARS

ANCHORED, FUZZY, ORPHANED = "anchored", "fuzzy", "orphaned"
STATES = (ANCHORED, FUZZY, ORPHANED)

# How much of the old context must surround an exact occurrence to call it the same place
# (0 … 1: the mean similarity of the text before and after it).
CONTEXT_ENOUGH = 0.5
# By how much the best occurrence's context must beat the next one's to be sure of it.
CONTEXT_MARGIN = 0.15
# Below this similarity of words (0 … 1) a candidate is not the quote: it is orphaned.
WORDS_ENOUGH = 0.6
# Past this many exact occurrences (a quote of one common word), stop scoring them.
MAX_OCCURRENCES = 500


@dataclass(frozen=True)
class Selector:
    """A quote as it was stored: its words, their context, and where they started."""

    exact: str
    prefix: str = ""
    suffix: str = ""
    start: int = 0


@dataclass(frozen=True)
class Anchor:
    """Where a quote is on the new text (``start``/``end`` are None when orphaned).

    ``score`` is how sure the match is, from 0 to 1: 1.0 for the same words in their
    context; for a fuzzy match, the similarity of the words found to the old ones.
    """

    state: str
    start: int | None
    end: int | None
    exact: str
    prefix: str
    suffix: str
    score: float

    @property
    def found(self) -> bool:
        return self.state != ORPHANED


def similarity(a: str, b: str) -> float:
    """0 … 1: how alike two strings are (1.0 only when they are equal)."""
    if a == b:
        return 1.0
    return fuzz.ratio(a, b) / 100.0


def context_score(selector: Selector, body: str, start: int, end: int) -> float:
    """How well the text around ``body[start:end]`` matches the selector's context."""
    before = body[max(0, start - len(selector.prefix)) : start]
    after = body[end : end + len(selector.suffix)]
    return (similarity(selector.prefix, before) + similarity(selector.suffix, after)) / 2


def _anchor(state: str, body: str, start: int, end: int, score: float) -> Anchor:
    return Anchor(
        state=state,
        start=start,
        end=end,
        exact=body[start:end],
        prefix=body[max(0, start - CONTEXT_CHARS) : start],
        suffix=body[end : end + CONTEXT_CHARS],
        score=round(score, 3),
    )


def occurrences(text: str, body: str) -> list[int]:
    """Where ``text`` starts in ``body``, overlapping ones included (at most MAX_OCCURRENCES)."""
    found: list[int] = []
    at = body.find(text)
    while at != -1 and len(found) < MAX_OCCURRENCES:
        found.append(at)
        at = body.find(text, at + 1)
    return found


def reanchor(selector: Selector, body: str, *, old_length: int | None = None) -> Anchor:
    """The selector's quote on ``body``: anchored, fuzzy or orphaned (see the module's doc).

    ``old_length``, the length of the text the selector was made on, lets a tie between
    equally good places go to the one nearest the quote's old relative position.
    """
    if not selector.exact.strip():
        return _orphan(selector, 0.0)
    expected = selector.start
    if old_length:
        expected = round(selector.start * len(body) / old_length)
    exact = _exact_match(selector, body, expected)
    if exact is not None:
        return exact
    return _approximate_match(selector, body, expected)


def _orphan(selector: Selector, score: float) -> Anchor:
    return Anchor(
        ORPHANED, None, None, selector.exact, selector.prefix, selector.suffix, round(score, 3)
    )


def _exact_match(selector: Selector, body: str, expected: int) -> Anchor | None:
    """The quote's own words found again; None when they occur nowhere."""
    length = len(selector.exact)
    scored = sorted(
        (
            (context_score(selector, body, at, at + length), -abs(at - expected), at)
            for at in occurrences(selector.exact, body)
        ),
        reverse=True,
    )
    if not scored:
        return None
    best_context, _, at = scored[0]
    runner_up = scored[1][0] if len(scored) > 1 else None
    if best_context == 1.0:
        # Its full context: the same place (several would be the same text repeated
        # whole, and the nearest one is taken).
        return _anchor(ANCHORED, body, at, at + length, 1.0)
    sure = runner_up is None or best_context - runner_up >= CONTEXT_MARGIN
    if best_context >= CONTEXT_ENOUGH and sure:
        return _anchor(ANCHORED, body, at, at + length, 1.0)
    # The same words, but the context cannot say which place (or says none): ask a person.
    return _anchor(FUZZY, body, at, at + length, (1.0 + best_context) / 2)


def _approximate_match(selector: Selector, body: str, expected: int) -> Anchor:
    """The quote with changed words: the best of the places its context and its words
    point to, kept when its words are similar enough."""
    candidates = []
    context_span = _span_between_context(selector, body)
    if context_span is not None:
        candidates.append(context_span)
    words = fuzz.partial_ratio_alignment(selector.exact, body)
    if words is not None and words.score > 0:
        candidates.append((words.dest_start, words.dest_end))
    best: tuple[float, float, int, int] | None = None
    for start, end in candidates:
        start, end = _snap(body, start, end)
        if start >= end:
            continue
        key = (
            similarity(selector.exact, body[start:end]),
            context_score(selector, body, start, end),
            start,
            end,
        )
        if best is None or key[:2] > best[:2]:
            best = key
    if best is None or best[0] < WORDS_ENOUGH:
        return _orphan(selector, best[0] if best else 0.0)
    words_score, _, start, end = best
    return _anchor(FUZZY, body, start, end, words_score)


def _span_between_context(selector: Selector, body: str) -> tuple[int, int] | None:
    """Where the quote with its context aligns best, cut between the two contexts.

    Finds the region of ``body`` most like prefix + exact + suffix, then the end of the
    prefix and the start of the suffix inside it: what lies between is the quote now,
    however its words changed (when it is about as long as the old quote).
    """
    if not (selector.prefix or selector.suffix):
        return None
    needle = selector.prefix + selector.exact + selector.suffix
    region = fuzz.partial_ratio_alignment(needle, body)
    if region is None or region.score == 0:
        return None
    margin = len(selector.exact)
    low = max(0, region.dest_start - margin)
    high = min(len(body), region.dest_end + margin)
    window = body[low:high]
    start, end = region.dest_start, region.dest_end
    if selector.prefix:
        found = fuzz.partial_ratio_alignment(selector.prefix, window)
        if found is None or found.score < 80:
            return None
        start = low + found.dest_end
    if selector.suffix:
        found = fuzz.partial_ratio_alignment(selector.suffix, window[start - low :])
        if found is None or found.score < 80:
            return None
        end = start + found.dest_start
    else:
        end = start + len(selector.exact)
    length = len(selector.exact)
    if not (length / 2 <= end - start <= length * 2):
        return None
    return start, min(end, len(body))


def _snap(body: str, start: int, end: int) -> tuple[int, int]:
    """Trim white space, and widen a span cut inside a word to the whole word."""
    start, end = max(0, start), min(len(body), end)
    while start < end and body[start].isspace():
        start += 1
    while end > start and body[end - 1].isspace():
        end -= 1
    while 0 < start < end and body[start - 1].isalnum() and body[start].isalnum():
        start -= 1
    while start < end < len(body) and body[end - 1].isalnum() and body[end].isalnum():
        end += 1
    return start, end
