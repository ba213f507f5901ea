"""The workspace's text model (annotations/static/annotations/workspace/text.js) on its own.

A tiny page at the live server's origin (served by Playwright's router, so no workspace,
no article and no log-in) holds paragraphs with characters outside the Basic
Multilingual Plane (emoji, 𝐀, a family joined by zero-width joiners) and a combining
mark; the module is imported there and its answers are checked against Python's own
code-point offsets, which are what the API stores.
"""

from __future__ import annotations

import html

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

MODULE = "/static/annotations/workspace/text.js"
PARAGRAPHS = [
    "Emoji 😀 and 𝐀 letters",
    "The cafe\u0301 and the 👩\u200d👩\u200d👧 family, then 𝐀lpha beta.",
    "Last: 😀😀 grain exports rose sharply.",
]
BODY = "\n".join(PARAGRAPHS)
OFFSETS = [sum(len(p) + 1 for p in PARAGRAPHS[:n]) for n in range(len(PARAGRAPHS))]


def test_page() -> str:
    paragraphs = "".join(
        f'<p data-offset="{offset}">{html.escape(text)}</p>'
        for offset, text in zip(OFFSETS, PARAGRAPHS, strict=True)
    )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>text.js</title>'
        f'</head><body><p id="outside">Before the root.</p><div id="root">{paragraphs}</div>'
        "</body></html>"
    )


test_page.__test__ = False  # a helper, not a test


@pytest.fixture
def text_page(page, live_server):
    url = f"{live_server.url}/text-model/"
    page.route(url, lambda route: route.fulfill(content_type="text/html", body=test_page()))
    page.goto(url)
    # The module on its own: nothing else of the workspace is on this page.
    page.evaluate(
        """async (module) => {
            window.text = await import(module);
            window.model = window.text.createTextModel(document.getElementById("root"));
        }""",
        MODULE,
    )
    return page


def utf16_units(text: str) -> list[int]:
    """How many UTF-16 code units each code point of ``text`` takes."""
    return [2 if ord(ch) > 0xFFFF else 1 for ch in text]


def test_utf16_positions_and_code_points_convert_both_ways_like_python(text_page):
    for text in PARAGRAPHS:
        units = utf16_units(text)
        starts = [sum(units[:n]) for n in range(len(units))]  # where each code point starts
        length16 = sum(units)
        got = text_page.evaluate(
            """(t) => {
                const upTo = (n) => [...Array(n + 1).keys()];
                return {
                    toCodePoints: upTo(t.length).map((i) => text.codePointIndex(t, i)),
                    toUtf16: upTo(Array.from(t).length).map((n) => text.utf16Index(t, n)),
                };
            }""",
            text,
        )
        # A position inside a surrogate pair counts its code point as started.
        assert got["toCodePoints"] == [
            sum(1 for s in starts if s < i) for i in range(length16 + 1)
        ], text
        assert got["toUtf16"] == [sum(units[:n]) for n in range(len(text) + 1)], text
        assert got["toCodePoints"][-1] == len(text)  # Python's len: code points


def test_the_model_spells_the_body_as_python_slices_it(text_page):
    got = text_page.evaluate(
        """(cuts) => ({
            paragraphs: model.paragraphs.map((p) => [p.start, p.end]),
            slices: cuts.map(([a, b]) => model.slice(a, b)),
        })""",
        [[0, len(BODY)], [6, 7], [OFFSETS[1], OFFSETS[2]], [OFFSETS[2] + 6, OFFSETS[2] + 8]],
    )
    assert got["paragraphs"] == [
        [offset, offset + len(text)] for offset, text in zip(OFFSETS, PARAGRAPHS, strict=True)
    ]
    assert got["slices"] == [
        BODY,
        "😀",
        PARAGRAPHS[1] + "\n",
        "😀😀",
    ]


# A range from `first`'s UTF-16 position in one paragraph (plus `plus` units) to `last`'s
# end in the same or a later one (minus `minus` units), as a selection would make it.
RANGE_TO_SPAN = """([first, last, plus, minus]) => {
  const paras = model.paragraphs;
  const at = (phrase) => paras.findIndex((p) => p.text.includes(phrase));
  const a = paras[at(first)];
  const b = paras[at(last)];
  const range = document.createRange();
  range.setStart(a.el.firstChild, a.text.indexOf(first) + plus);
  range.setEnd(b.el.firstChild, b.text.indexOf(last) + last.length - minus);
  return model.rangeToSpan(range);
}"""


def span_of(phrase: str) -> dict:
    start = BODY.index(phrase)
    return {"start": start, "end": start + len(phrase), "exact": phrase}


@pytest.mark.parametrize(
    "phrase",
    ["😀 and 𝐀 letters", "cafe\u0301", "👩\u200d👩\u200d👧 family", "𝐀lpha beta", "grain exports"],
)
def test_a_range_over_whole_words_is_their_span_in_code_points(text_page, phrase):
    assert text_page.evaluate(RANGE_TO_SPAN, [phrase, phrase, 0, 0]) == span_of(phrase)


def test_a_range_is_snapped_outward_to_whole_words(text_page):
    # From inside "lpha" (just after the astral 𝐀, two UTF-16 units in) back to the word.
    assert text_page.evaluate(RANGE_TO_SPAN, ["𝐀lpha", "beta", 2, 0]) == span_of("𝐀lpha beta")
    # Ending before the combining accent takes the accent too: it belongs to the word.
    assert text_page.evaluate(RANGE_TO_SPAN, ["cafe", "cafe", 0, 0]) == span_of("cafe\u0301")
    # Ending between the two halves of an emoji takes the whole emoji.
    assert text_page.evaluate(RANGE_TO_SPAN, ["Last", "😀😀", 0, 3]) == span_of("Last: 😀")


def test_a_range_across_paragraphs_spans_the_newline_between_them(text_page):
    expected = span_of("letters\nThe cafe\u0301")
    assert "\n" in expected["exact"]
    assert text_page.evaluate(RANGE_TO_SPAN, ["letters", "cafe\u0301", 0, 0]) == expected


def test_a_range_is_clipped_to_the_root_and_trimmed(text_page):
    got = text_page.evaluate(
        """() => {
            const root = document.getElementById("root");
            const whole = document.createRange();
            whole.setStart(document.getElementById("outside").firstChild, 3);
            whole.setEnd(root, root.childNodes.length);
            const outside = document.createRange();
            outside.selectNodeContents(document.getElementById("outside"));
            const space = document.createRange();
            const p = model.paragraphs[0];
            space.setStart(p.el.firstChild, p.text.indexOf(" "));
            space.setEnd(p.el.firstChild, p.text.indexOf(" ") + 1);
            return [model.rangeToSpan(whole), model.rangeToSpan(outside), model.rangeToSpan(space)];
        }"""
    )
    assert got == [{"start": 0, "end": len(BODY), "exact": BODY}, None, None]
    assert text_page.console_errors == []


def python_words() -> list[tuple[int, int]]:
    """Each word of BODY as code points, split as Intl.Segmenter splits these words."""
    import re

    return [(m.start(), m.end()) for m in re.finditer(r"[^\W_]+(?:\u0301)?", BODY)]


def test_words_are_found_in_code_points_beyond_the_basic_plane(text_page):
    """The keyboard's caret and a span's ends move word by word: the word boundaries the
    model gives are Python's code-point offsets, emoji and astral letters included."""
    got = text_page.evaluate(
        """(n) => {
            const starts = [], ends = [];
            let at = -1;
            for (let i = 0; i < n; i++) {
                at = model.wordBoundary(at, "start");
                if (at === null) break;
                starts.push(at);
            }
            let end = 0;
            for (let i = 0; i < n; i++) {
                end = model.wordBoundary(end, "end");
                if (end === null) break;
                ends.push(end);
            }
            const back = model.wordBoundary(ends[ends.length - 1], "start", true);
            return {starts, ends, back};
        }""",
        40,
    )
    words = python_words()
    assert [BODY[s:e] for s, e in zip(got["starts"], got["ends"], strict=True)] == [
        BODY[s:e] for s, e in words
    ]
    assert got["starts"] == [s for s, _ in words]
    assert got["back"] == words[-1][0]
    assert "𝐀lpha" in [BODY[s:e] for s, e in words]


@pytest.mark.parametrize("phrase", ["😀 and 𝐀 letters", "𝐀lpha beta", "👩\u200d👩\u200d👧 family"])
def test_a_span_becomes_a_dom_range_and_back(text_page, phrase):
    start = BODY.index(phrase)
    got = text_page.evaluate(
        """([start, end]) => {
            const range = model.spanToRange(start, end);
            return {
                text: range.toString(),
                from: model.offsetOf(range.startContainer, range.startOffset),
                span: model.rangeToSpan(range),
            };
        }""",
        [start, start + len(phrase)],
    )
    assert got == {"text": phrase, "from": start, "span": span_of(phrase)}


def test_the_word_under_an_offset(text_page):
    at = BODY.index("lpha")  # inside 𝐀lpha, after the astral letter
    got = text_page.evaluate("(at) => [model.wordAt(at), model.wordBefore(at)]", at)
    word = {"start": BODY.index("𝐀lpha"), "end": BODY.index("𝐀lpha") + len("𝐀lpha")}
    assert got == [word, word]
