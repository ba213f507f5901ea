import pytest
from django.core.exceptions import ValidationError

from annotations.spans import CONTEXT_CHARS, make_quote, utf16_length

BODY = "Intro 😀 line.\n  Nvidia said 𝐀 chips  sold.\nLast."


def test_quote_is_the_exact_code_points_with_context():
    start = BODY.index("Nvidia")
    end = BODY.index(" chips") + len(" chips")
    quote = make_quote(BODY, start, end)
    assert quote.exact == "Nvidia said 𝐀 chips"
    assert quote.prefix == BODY[:start][-CONTEXT_CHARS:]
    assert quote.suffix == BODY[end : end + CONTEXT_CHARS]


def test_white_space_at_the_edges_is_trimmed():
    start = BODY.index("\n")  # the newline and two spaces before "Nvidia"
    end = BODY.index("sold.") - 1
    quote = make_quote(BODY, start, end)
    assert quote.exact == "Nvidia said 𝐀 chips"
    assert BODY[quote.start : quote.end] == quote.exact


def test_spans_may_cross_paragraphs():
    quote = make_quote(BODY, BODY.index("line."), BODY.index("Nvidia") + 6)
    assert quote.exact == "line.\n  Nvidia"


@pytest.mark.parametrize(
    ("start", "end"),
    [(-1, 3), (3, 3), (5, 2), (0, len(BODY) + 1), (None, 4)],
)
def test_out_of_range_spans_are_refused(start, end):
    with pytest.raises(ValidationError) as info:
        make_quote(BODY, start, end)
    assert "0 ≤ start < end ≤" in str(info.value)


def test_a_span_of_only_white_space_is_refused():
    start = BODY.index("\n")
    with pytest.raises(ValidationError, match="only white space"):
        make_quote(BODY, start, start + 3)


def test_a_stale_exact_is_refused():
    start = BODY.index("Nvidia")
    with pytest.raises(ValidationError, match="no longer matches"):
        make_quote(BODY, start, start + 6, exact="Intel ")


def test_astral_characters_count_once_in_python_and_twice_in_utf16():
    assert len("𝐀😀") == 2
    assert utf16_length("𝐀😀") == 4


def test_segments_split_overlapping_spans_without_losing_a_character():
    from annotations.spans import segments

    text = "abcdefghij"
    pieces = segments(text, [(2, 6), (4, 9)])
    assert "".join(p.text for p in pieces) == text
    assert [(p.start, p.end, p.covering) for p in pieces] == [
        (0, 2, ()),
        (2, 4, (0,)),
        (4, 6, (0, 1)),
        (6, 9, (1,)),
        (9, 10, ()),
    ]


def test_segments_of_a_paragraph_use_body_offsets():
    from annotations.spans import segments

    pieces = segments("second line", [(3, 13)], base=7)  # the span starts in an earlier line
    assert [(p.text, p.covering) for p in pieces] == [("second", (0,)), (" line", ())]
