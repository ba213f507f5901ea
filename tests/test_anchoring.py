"""Re-anchoring a quote on a changed text: each case of issue 15, on plain strings."""

from __future__ import annotations

import pytest

from annotations.anchoring import ANCHORED, FUZZY, ORPHANED, Selector, reanchor
from annotations.spans import make_quote

BODY = (
    "Chipmakers in Shenzhen reported record orders this spring.\n"
    "The company said its revenue grew 12 percent in 2024, beating forecasts.\n"
    "Analysts were cautious about the outlook for the next quarter.\n"
    "Exports to Europe fell slightly, according to customs data."
)
QUOTE = "its revenue grew 12 percent in 2024"


def selector_of(body: str, words: str, occurrence: int = 0) -> Selector:
    """The selector the app stores for the n-th occurrence of ``words`` in ``body``."""
    at = -1
    for _ in range(occurrence + 1):
        at = body.index(words, at + 1)
    quote = make_quote(body, at, at + len(words))
    return Selector(quote.exact, quote.prefix, quote.suffix, quote.start)


def test_unchanged_text_keeps_the_quote_where_it_was():
    anchor = reanchor(selector_of(BODY, QUOTE), BODY)
    assert (anchor.state, anchor.score) == (ANCHORED, 1.0)
    assert (anchor.start, anchor.end) == (BODY.index(QUOTE), BODY.index(QUOTE) + len(QUOTE))


def test_text_inserted_before_the_quote_moves_it():
    inserted = "Update: this story was corrected on Monday.\n"
    new = inserted + BODY
    anchor = reanchor(selector_of(BODY, QUOTE), new, old_length=len(BODY))
    assert anchor.state == ANCHORED
    assert anchor.start == BODY.index(QUOTE) + len(inserted)
    assert new[anchor.start : anchor.end] == QUOTE == anchor.exact


def test_text_inserted_right_against_the_quote_still_moves_it():
    new = BODY.replace("The company said ", "The company, a maker of lidar sensors, said ")
    anchor = reanchor(selector_of(BODY, QUOTE), new)
    assert anchor.state == ANCHORED
    assert anchor.exact == QUOTE


def test_words_changed_inside_the_quote_are_found_approximately():
    new = BODY.replace("grew 12 percent in 2024", "grew 9 percent in 2024")
    anchor = reanchor(selector_of(BODY, QUOTE), new)
    assert anchor.state == FUZZY
    assert anchor.exact == "its revenue grew 9 percent in 2024"
    assert new[anchor.start : anchor.end] == anchor.exact
    assert 0.6 <= anchor.score < 1.0


def test_a_longer_rewording_inside_the_quote_is_found_between_its_context():
    new = BODY.replace(QUOTE, "its total revenue grew by about 12 percent during 2024")
    anchor = reanchor(selector_of(BODY, QUOTE), new)
    assert anchor.state == FUZZY
    assert anchor.exact == "its total revenue grew by about 12 percent during 2024"


def test_the_quotes_paragraph_deleted_orphans_it():
    lines = BODY.split("\n")
    new = "\n".join([lines[0], lines[2], lines[3]])
    anchor = reanchor(selector_of(BODY, QUOTE), new)
    assert anchor.state == ORPHANED
    assert anchor.start is None and anchor.end is None
    assert anchor.exact == QUOTE  # the old words, for the reviewer to see
    assert anchor.score < 0.6


def test_the_quote_repeated_elsewhere_goes_where_its_context_is():
    twice = (
        "The minister said the plan will cost nothing.\n"
        "Critics replied that the plan will cost nothing only on paper.\n"
        "A spokesman later repeated that the plan will cost nothing at all."
    )
    words = "the plan will cost nothing"
    second = selector_of(twice, words, occurrence=1)
    # A sentence added at the top moves every occurrence: the second one is still chosen.
    new = "Budget debate, day two.\n" + twice
    anchor = reanchor(second, new, old_length=len(twice))
    assert anchor.state == ANCHORED
    assert anchor.start == new.index("Critics replied that ") + len("Critics replied that ")


def test_the_quote_repeated_with_the_same_context_everywhere_is_left_to_a_person():
    words = "prices rose"
    old = "Officials said prices rose. Later, officials said prices rose."
    selector = Selector(words, "xxxxxxxxxxxxxxxx", "yyyyyyyy", 15)
    anchor = reanchor(selector, old)
    assert anchor.state == FUZZY  # the words are there twice and nothing says which
    assert anchor.exact == words


def test_the_only_context_left_decides_between_repeats():
    old = "Alpha says yes. Beta says yes."
    selector = selector_of(old, "says yes", occurrence=1)
    new = "Gamma joined. Alpha says yes. Beta says yes."
    anchor = reanchor(selector, new)
    assert anchor.state == ANCHORED
    assert anchor.start == new.index("Beta says yes") + len("Beta ")


def test_non_bmp_characters_before_the_quote_count_as_one_code_point_each():
    emoji = "Markets 📈📈 rallied 𝐀𝐁𝐂 today.\n"
    new = emoji + BODY
    anchor = reanchor(selector_of(BODY, QUOTE), new)
    assert anchor.state == ANCHORED
    assert anchor.start == len(emoji) + BODY.index(QUOTE)
    assert len(emoji) < len(emoji.encode("utf-16-le")) // 2  # not UTF-16 units
    assert new[anchor.start : anchor.end] == QUOTE


def test_non_bmp_characters_inside_a_changed_quote():
    body = "She wrote 🎉 the team won the cup 🏆 yesterday evening in the rain."
    selector = selector_of(body, "the team won the cup 🏆")
    new = "Before: 🌧🌧. " + body.replace("won the cup", "lifted the cup")
    anchor = reanchor(selector, new)
    assert anchor.state == FUZZY
    assert anchor.exact == "the team lifted the cup 🏆"
    assert new[anchor.start : anchor.end] == anchor.exact


def test_a_fuzzy_match_never_cuts_a_word_in_half():
    new = BODY.replace("revenue grew 12 percent", "revenues grew 12 percent")
    anchor = reanchor(selector_of(BODY, QUOTE), new)
    assert anchor.state == FUZZY
    assert anchor.exact.startswith("its revenues")
    assert anchor.exact.endswith("2024")


def test_an_entirely_different_article_orphans_every_quote():
    anchor = reanchor(selector_of(BODY, QUOTE), "Weather: sunny spells, light winds from the west.")
    assert anchor.state == ORPHANED


def test_an_empty_new_text_orphans_the_quote():
    assert reanchor(selector_of(BODY, QUOTE), "").state == ORPHANED


@pytest.mark.parametrize("where", [0, "end"])
def test_quotes_at_the_very_start_or_end_of_the_text(where):
    words = BODY.split("\n")[0] if where == 0 else BODY.split("\n")[-1]
    selector = selector_of(BODY, words)
    new = BODY + "\nA line added at the end." if where == 0 else "A line at the top.\n" + BODY
    anchor = reanchor(selector, new)
    assert anchor.state == ANCHORED
    assert anchor.exact == words
