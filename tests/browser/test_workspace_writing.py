"""Writing in the workspace, in Chromium: the rationale's Markdown and its live preview, and
a new claim's words steered with Shift+click, the adjust buttons and keys, the drag handles
and the keyboard alone; the form never over the words it quotes."""

from __future__ import annotations

import pytest

from annotations.importers import import_bytes
from annotations.models import Claim
from tests import factories
from tests.browser.conftest import log_in
from tests.browser.test_workspace import (
    POINT_JS,
    SENTENCE,
    drag,
    open_workspace,
    wait_for_claim_count,
    wait_for_details,
)
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

QUOTE = "#claim-form-quote"

# Whether any line of the words being written lies under the form (viewport boxes).
COVERED_JS = """
() => {
  const form = document.getElementById("claim-form").getBoundingClientRect();
  const lines = [...document.querySelectorAll("mark.hl-pending, mark.hl-active")]
    .flatMap((m) => [...m.getClientRects()]);
  const hit = lines.filter((r) => r.left < form.right && r.right > form.left
    && r.top < form.bottom && r.bottom > form.top);
  const visible = lines.every((r) => r.top >= 0 && r.bottom <= window.innerHeight);
  return {lines: lines.length, covered: hit.length, visible};
}
"""


def quote(page) -> str:
    return page.locator(QUOTE).inner_text()


def wait_for_quote(page, text: str) -> None:
    page.wait_for_function(
        "([sel, t]) => document.querySelector(sel).textContent === t", arg=[QUOTE, text]
    )


def assert_not_covered(page) -> None:
    found = page.evaluate(COVERED_JS)
    assert found["lines"] > 0 and found["covered"] == 0 and found["visible"], found


def point(page, phrase: str, edge: str = "start") -> dict:
    found = page.evaluate(POINT_JS, [phrase, edge])
    assert found, phrase
    return found


# ---------------------------------------------------------------------------
# Markdown and its preview


def test_the_rationale_is_previewed_as_typed_and_the_card_shows_it_formatted(
    page, reviewer, article
):
    log_in(page, "reviewer", PASSWORD)
    open_workspace(page, article)
    drag(page, SENTENCE)
    form = page.locator("#claim-form")
    preview = form.locator("#rationale-preview")
    assert "Nothing to preview yet" in preview.inner_text()
    form.locator("textarea[name=rationale]").press_sequentially(
        "The **plant** is [not running](https://example.org/r).\n\n- one\n- <b>two</b>"
    )
    preview.locator("strong").wait_for()
    assert preview.locator("strong").inner_text() == "plant"
    link = preview.locator("a")
    assert link.get_attribute("href") == "https://example.org/r"
    assert link.get_attribute("rel") == "nofollow noopener noreferrer"
    assert preview.locator("li").all_inner_texts() == ["one", "<b>two</b>"]  # raw HTML is text
    assert preview.locator("b").count() == 0
    form.locator("input[name=url]").fill("https://example.org/r")
    page.keyboard.press("Control+Enter")
    wait_for_claim_count(page, 1)

    claim = Claim.objects.get()
    assert claim.rationale_markdown.startswith("The **plant**")
    card = page.locator(f"#claim-{claim.pk}")
    wait_for_details(page, claim.pk)
    assert card.locator(".card-rationale strong").inner_text() == "plant"
    assert card.locator(".card-rationale li").all_inner_texts() == ["one", "<b>two</b>"]
    assert page.console_errors == []


def test_an_older_html_rationale_opens_as_markdown_and_stays_as_it_was_unless_changed(
    page, reviewer, article
):
    claim = factories.draft(article, reviewer, SENTENCE)
    html = "<p>Older <b>HTML</b>, with <i>style</i>.</p>"
    Claim.objects.filter(pk=claim.pk).update(rationale=html, rationale_markdown="")
    log_in(page, "reviewer", PASSWORD)
    page.goto(f"/articles/{article.pk}/#claim-{claim.pk}")
    page.wait_for_selector("html[data-workspace-ready]")
    wait_for_details(page, claim.pk)
    page.locator(f"#claim-{claim.pk} [data-action=edit]").click()
    form = page.locator("#claim-form")
    form.wait_for()
    assert form.locator("textarea[name=rationale]").input_value() == "Older **HTML**, with *style*."
    assert form.locator("#rationale-preview b").inner_text() == "HTML"  # shown as stored
    form.locator("textarea[name=claim]").fill("Reworded")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("#claim-form", state="hidden")
    claim.refresh_from_db()
    assert claim.claim == "Reworded"
    assert (claim.rationale, claim.rationale_markdown) == (html, "")


# ---------------------------------------------------------------------------
# Steering the span


def test_shift_click_extends_the_span_and_the_form_moves_below_it(page, reviewer, article):
    log_in(page, "reviewer", PASSWORD)
    open_workspace(page, article)
    drag(page, "China's telecommunications")
    wait_for_quote(page, "China's telecommunications")
    assert_not_covered(page)
    at = point(page, "Shenzhen", "start")
    page.keyboard.down("Shift")
    page.mouse.click(at["x"] + 3, at["y"])
    page.keyboard.up("Shift")
    wait_for_quote(page, SENTENCE)
    assert page.locator("#claim-form textarea[name=claim]").input_value() == SENTENCE
    assert_not_covered(page)
    # Shift+click before the start moves the start.
    at = point(page, "China's", "start")
    page.keyboard.down("Shift")
    page.mouse.click(at["x"] + 2, at["y"])
    page.keyboard.up("Shift")
    page.wait_for_timeout(0)
    assert quote(page) == SENTENCE  # already the first word: unchanged


def test_the_buttons_and_shift_arrows_move_the_ends_word_by_word(page, reviewer, article):
    log_in(page, "reviewer", PASSWORD)
    open_workspace(page, article)
    drag(page, "telecommunications giant")
    form = page.locator("#claim-form")
    form.locator("[data-adjust='end:1']").click()
    wait_for_quote(page, "telecommunications giant is")
    form.locator("[data-adjust='start:-1']").click()
    wait_for_quote(page, "China's telecommunications giant is")
    page.locator(QUOTE).focus()
    page.keyboard.press("Shift+ArrowRight")
    wait_for_quote(page, "China's telecommunications giant is building")
    page.keyboard.press("Shift+ArrowLeft")
    page.keyboard.press("Shift+ArrowLeft")
    wait_for_quote(page, "China's telecommunications giant")
    page.keyboard.press("Alt+Shift+ArrowRight")
    wait_for_quote(page, "telecommunications giant")
    # Never shorter than a word: the start cannot pass the end.
    page.keyboard.press("Alt+Shift+ArrowRight")
    wait_for_quote(page, "giant")
    page.keyboard.press("Alt+Shift+ArrowRight")
    page.wait_for_function(
        "() => document.getElementById('ws-status').textContent.includes('shorter')"
    )
    assert quote(page) == "giant"
    assert_not_covered(page)
    # The claim is saved on the adjusted words.
    form.locator("[data-adjust='end:1']").click()
    wait_for_quote(page, "giant is")
    page.keyboard.press("Control+Enter")
    wait_for_claim_count(page, 1)
    claim = Claim.objects.get()
    assert claim.exact == "giant is" == article.body[claim.start : claim.end]


def test_the_handles_drag_the_ends_to_whole_words(page, reviewer, article):
    log_in(page, "reviewer", PASSWORD)
    open_workspace(page, article)
    drag(page, "telecommunications giant")
    end = page.locator("#span-end-handle")
    end.wait_for()
    box = end.bounding_box()
    target = point(page, "building", "start")
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] - 4)
    page.mouse.down()
    page.mouse.move(target["x"] + 20, target["y"], steps=6)
    page.mouse.up()
    wait_for_quote(page, "telecommunications giant is building")
    start = page.locator("#span-start-handle")
    box = start.bounding_box()
    target = point(page, "China's", "start")
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + 4)
    page.mouse.down()
    page.mouse.move(target["x"] + 5, target["y"], steps=6)
    page.mouse.up()
    wait_for_quote(page, "China's telecommunications giant is building")
    assert_not_covered(page)
    assert page.evaluate("() => window.getSelection().isCollapsed")  # no stray selection


def test_a_claim_can_be_written_with_the_keyboard_alone(page, reviewer, article):
    log_in(page, "reviewer", PASSWORD)
    open_workspace(page, article)
    page.locator("#article-body").focus()
    assert page.locator("#ws-caret").is_visible()
    first = article.body.index("China's")
    words_before = len(article.body[:first].split())
    for _ in range(words_before):
        page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowLeft")  # to the start of the word the caret is in
    for _ in range(3):
        page.keyboard.press("Shift+ArrowRight")
    page.wait_for_function("() => window.getSelection().toString().length > 0")
    selected = page.evaluate("() => window.getSelection().toString()")
    page.keyboard.press("Enter")
    page.wait_for_selector("#claim-form:not([hidden])")
    assert quote(page) == selected
    assert page.evaluate("() => document.activeElement.name") == "claim"
    page.keyboard.press("Control+Enter")
    wait_for_claim_count(page, 1)
    claim = Claim.objects.get()
    assert claim.exact == selected == article.body[claim.start : claim.end]
    assert len(claim.exact.split()) >= 2
    assert "Shift" in page.locator("#ws-keys-hint").inner_text()  # the keys are on the page


NON_BMP = "Emoji desk\nThe 😀 emoji and 𝐀lpha 𝐁eta claims: exports rose 𝐂 fast.\nEnd line."


def test_keys_and_adjustments_count_code_points_beyond_the_basic_plane(page, reviewer):
    article = import_bytes(NON_BMP.encode(), origin="astral.txt").article
    log_in(page, "reviewer", PASSWORD)
    open_workspace(page, article)
    body = page.locator("#article-body")
    body.focus()
    page.keyboard.press("ArrowDown")  # the second paragraph
    for _ in range(3):  # The, emoji, and → the caret at the end of "and"
        page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")  # end of 𝐀lpha
    page.keyboard.press("ArrowLeft")  # start of 𝐀lpha
    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("Enter")
    page.wait_for_selector("#claim-form:not([hidden])")
    assert quote(page) == "𝐀lpha 𝐁eta"
    page.locator(QUOTE).focus()
    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("Alt+Shift+ArrowLeft")
    wait_for_quote(page, "and 𝐀lpha 𝐁eta claims")
    page.keyboard.press("Control+Enter")
    wait_for_claim_count(page, 1)
    claim = Claim.objects.get()
    phrase = "and 𝐀lpha 𝐁eta claims"
    assert (claim.start, claim.end) == (
        article.body.index(phrase),
        article.body.index(phrase) + len(phrase),
    )
    assert claim.exact == phrase == article.body[claim.start : claim.end]


@pytest.mark.parametrize("viewport", [(1280, 900), (800, 700)], ids=["wide", "narrow sheet"])
def test_the_form_never_covers_the_words_it_quotes(
    browser, live_server, reviewer, article, viewport
):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": viewport[0], "height": viewport[1]}
    )
    page = context.new_page()
    log_in(page, "reviewer", PASSWORD)
    open_workspace(page, article)
    # The first words of the lowest paragraph in view: the form has no room below them.
    phrase = page.evaluate(
        """() => {
            const inView = [...document.querySelectorAll('#article-body p.para')]
                .filter((p) => p.getBoundingClientRect().bottom < window.innerHeight - 10);
            return inView[inView.length - 1].textContent.split(/\\s+/).slice(0, 3).join(' ');
        }"""
    )
    for words in [SENTENCE, phrase]:
        page.keyboard.press("Escape")
        drag(page, words)
        wait_for_quote(page, words)
        assert_not_covered(page)
        page.locator("#claim-form [data-adjust='end:1']").click()
        page.wait_for_function(
            "(q) => document.querySelector('#claim-form-quote').textContent !== q", arg=words
        )
        assert_not_covered(page)
        page.locator("#claim-form [data-action=cancel]").first.click()
        page.wait_for_selector("#claim-form", state="hidden")
    context.close()
