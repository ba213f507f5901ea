"""The reviewer workspace in a real Chromium: selecting words, saving claims, the highlights."""

from __future__ import annotations

import re

import pytest

from annotations import claims, workflow
from annotations.importers import import_bytes
from annotations.models import Claim, Verdict
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

# Where a phrase's first character starts ("start") or its last one ends ("end"), in
# viewport pixels, found through the text nodes of the paragraph that holds it.
POINT_JS = """
([phrase, edge]) => {
  for (const p of document.querySelectorAll('#article-body p.para')) {
    const at = p.textContent.indexOf(phrase);
    if (at < 0) continue;
    const target = edge === 'start' ? at : at + phrase.length;
    // One character may be two UTF-16 units (emoji, 𝐀): measure all of it.
    const wide = (i) => /[\ud800-\udbff]/.test(p.textContent[i]) ? 2 : 1;
    const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
    let pos = 0, node;
    while ((node = walker.nextNode())) {
      const len = node.data.length;
      if (edge === 'start' ? target < pos + len : target <= pos + len) {
        const off = target - pos;
        const range = document.createRange();
        if (edge === 'start') {
          range.setStart(node, off);
          range.setEnd(node, Math.min(len, off + wide(target)));
          const box = range.getClientRects()[0];
          return {x: box.left + 1, y: box.top + box.height / 2};
        }
        const back = target >= 2 && /[\ud800-\udbff]/.test(p.textContent[target - 2]) ? 2 : 1;
        range.setStart(node, Math.max(0, off - back));
        range.setEnd(node, off);
        const rects = range.getClientRects();
        const box = rects[rects.length - 1];
        return {x: box.right - 1, y: box.top + box.height / 2};
      }
      pos += len;
    }
  }
  return null;
}
"""

# The text under the highlights of one claim, paragraph by paragraph.
MARKED_TEXT_JS = """
(id) => [...document.querySelectorAll('#article-body p.para')].map(p =>
  [...p.querySelectorAll('mark.hl')]
    .filter(m => m.dataset.claims.split(' ').includes(String(id)))
    .map(m => m.textContent).join('')
).filter(Boolean).join('\\n')
"""


def drag(page, first: str, last: str | None = None) -> None:
    """Select from the first character of ``first`` to the last one of ``last`` with the mouse.

    The paragraph of ``first`` is scrolled to the middle of the window first: a point
    below the window would drag the selection to the end of the text.
    """
    page.evaluate(
        """(phrase) => {
            window.scrollTo(0, 0);
            const p = [...document.querySelectorAll('#article-body p.para')]
                .find((el) => el.textContent.includes(phrase));
            const box = p && p.getBoundingClientRect();
            if (box && box.bottom > window.innerHeight - 40) p.scrollIntoView({block: 'center'});
        }""",
        first,
    )
    start = page.evaluate(POINT_JS, [first, "start"])
    end = page.evaluate(POINT_JS, [last or first, "end"])
    assert start and end, f"phrase not found on the page: {first!r} / {last!r}"
    page.mouse.move(start["x"], start["y"])
    page.mouse.down()
    page.mouse.move((start["x"] + end["x"]) / 2, (start["y"] + end["y"]) / 2, steps=4)
    page.mouse.move(end["x"], end["y"], steps=4)
    page.mouse.up()
    page.wait_for_selector("#claim-form:not([hidden])")


def open_workspace(page, article) -> None:
    page.goto(f"/articles/{article.pk}/")
    page.wait_for_selector("html[data-workspace-ready]")


def wait_for_details(page, claim_id: int) -> None:
    """An opened card fetches its details from the API: wait until they are drawn."""
    page.locator(f"#claim-{claim_id} .card-history").wait_for()


def marked_text(page, claim_id: int) -> str:
    return page.evaluate(MARKED_TEXT_JS, claim_id)


def only_http_errors(errors: list[str]) -> list[str]:
    """Console errors other than the browser's note about a 4xx answer we provoked."""
    return [e for e in errors if not re.match(r"Failed to load resource: .* status of 4\d\d", e)]


def wait_for_claim_count(page, count: int) -> None:
    page.wait_for_function(
        "(n) => document.querySelectorAll('#claim-list .card').length === n", arg=count
    )


def wait_for_cards(page, claims_shown) -> None:
    """Wait until the list shows exactly these claims' cards, in any order."""
    page.wait_for_function(
        """(ids) => {
            const shown = [...document.querySelectorAll('#claim-list .card')].map((el) => el.id);
            return shown.length === ids.length && ids.every((id) => shown.includes(id));
        }""",
        arg=[f"claim-{claim.pk}" for claim in claims_shown],
    )


def make_claim(article, user, phrase: str, verdict: str | None = None, **extra) -> Claim:
    start = article.body.index(phrase)
    return claims.claim_create(
        article=article,
        user=user,
        start=start,
        end=start + len(phrase),
        verdict=Verdict.objects.get(slug=verdict) if verdict else None,
        **extra,
    )


SENTENCE = (
    "China's telecommunications giant is building an advanced chip production line in Shenzhen"
)


def test_a_reviewer_drags_over_a_sentence_and_records_a_claim_with_two_sources(
    page, reviewer, article
):
    log_in(page, "reviewer", PASSWORD)
    open_workspace(page, article)
    drag(page, SENTENCE)

    form = page.locator("#claim-form")
    assert form.locator("textarea[name=claim]").input_value() == SENTENCE
    assert page.locator("#claim-form-quote").inner_text() == SENTENCE
    form.locator("select[name=verdict]").select_option("mostly-true")
    form.locator("textarea[name=rationale]").fill("Satellite images show the plant.")
    rows = form.locator(".source-row")
    rows.nth(0).locator("input[name=url]").fill("https://www.ft.com/content/chips")
    rows.nth(0).locator("input[name=title]").fill("Satellite images of the Shenzhen plant")
    rows.nth(0).locator("select[name=stance]").select_option("supports")
    form.locator("[data-action=add-source]").click()
    rows.nth(1).locator("input[name=url]").fill("https://example.org/analysis")
    rows.nth(1).locator("input[name=publisher]").fill("Example Analysis")
    rows.nth(1).locator("textarea[name=excerpt]").fill("The line is not yet running.")
    form.locator("textarea[name=rationale]").press("Control+Enter")

    wait_for_claim_count(page, 1)
    assert form.is_hidden()
    claim = Claim.objects.get()
    assert claim.exact == SENTENCE
    assert article.body[claim.start : claim.end] == SENTENCE
    assert claim.verdict.slug == "mostly-true"
    assert claim.author == reviewer
    assert [(s.url, s.stance) for s in claim.sources.order_by("order")] == [
        ("https://www.ft.com/content/chips", "supports"),
        ("https://example.org/analysis", "context"),
    ]
    assert marked_text(page, claim.pk) == SENTENCE
    card = page.locator(f"#claim-{claim.pk}")
    assert "Mostly true" in card.inner_text()
    assert "2 sources" in card.inner_text()

    page.reload()
    page.wait_for_selector("html[data-workspace-ready]")
    assert marked_text(page, claim.pk) == SENTENCE
    mark = page.locator(f"mark.hl[data-claims='{claim.pk}']").first
    assert mark.get_attribute("tabindex") == "0"
    assert "Mostly true" in mark.get_attribute("aria-label")
    assert page.console_errors == []


def test_an_overlapping_claim_is_drawn_over_the_first_and_both_can_be_opened_edited_deleted(
    page, reviewer, article
):
    inner = make_claim(article, reviewer, "advanced chip production line", "half-true")
    log_in(page, "reviewer", PASSWORD)
    open_workspace(page, article)
    drag(page, SENTENCE)
    page.select_option("#claim-form select[name=verdict]", "false")
    page.click("#claim-form button[type=submit]")
    wait_for_claim_count(page, 2)

    outer = Claim.objects.exclude(pk=inner.pk).get()
    assert outer.exact == SENTENCE
    overlap = page.locator(f"mark.hl[data-claims='{inner.pk} {outer.pk}']")
    assert overlap.inner_text() == "advanced chip production line"
    assert marked_text(page, inner.pk) == "advanced chip production line"
    assert marked_text(page, outer.pk) == SENTENCE

    # Clicking the overlap opens the innermost claim, clicking again the one under it.
    overlap.click()
    assert page.locator(f"#claim-{inner.pk} .card-toggle").get_attribute("aria-expanded") == "true"
    overlap.click()
    assert page.locator(f"#claim-{outer.pk} .card-toggle").get_attribute("aria-expanded") == "true"
    assert page.locator(f"#claim-{inner.pk} .card-toggle").get_attribute("aria-expanded") == "false"

    # e edits the open claim; the form holds its current values.
    page.keyboard.press("e")
    form = page.locator("#claim-form")
    form.wait_for(state="visible")
    assert page.locator("#claim-form-title").inner_text() == "Edit claim"
    assert form.locator("select[name=verdict]").input_value() == "false"
    form.locator("select[name=verdict]").select_option("misleading")
    form.locator("textarea[name=claim]").fill("Huawei is building a chip line in Shenzhen.")
    form.locator("textarea[name=claim]").press("Control+Enter")
    card_text = page.locator(f"#claim-{outer.pk} .card-claim")
    card_text.filter(has_text="Huawei is building").wait_for()
    outer.refresh_from_db()
    assert (outer.verdict.slug, outer.claim, outer.version) == (
        "misleading",
        "Huawei is building a chip line in Shenzhen.",
        2,
    )
    assert outer.exact == SENTENCE  # editing the text of a claim never moves its span

    # Delete the inner draft, after confirming.
    page.click(f"#claim-{inner.pk} .card-toggle")
    page.click(f"#claim-{inner.pk} [data-action=delete]")
    page.click(f"#claim-{inner.pk} [data-action=confirm-delete]")
    wait_for_claim_count(page, 1)
    assert not Claim.objects.filter(pk=inner.pk).exists()
    assert page.locator(f"mark.hl[data-claims~='{inner.pk}']").count() == 0
    assert marked_text(page, outer.pk) == SENTENCE
    assert page.console_errors == []


def test_keyboard_moves_between_claims_opens_edit_and_closes(page, reviewer, article):
    first = make_claim(article, reviewer, "China's telecommunications giant", "true")
    second = make_claim(article, reviewer, "the company lost $5.5 billion in revenue", "false")
    third = make_claim(article, reviewer, "is the sole supplier for TSMC")
    log_in(page, "reviewer", PASSWORD)
    open_workspace(page, article)

    def open_card() -> int | None:
        opened = page.locator(".card-toggle[aria-expanded=true]")
        if not opened.count():
            return None
        return int(opened.locator("xpath=..").get_attribute("data-claim-id"))

    def active_marks() -> set[int]:
        ids = page.eval_on_selector_all(
            "mark.hl-active", "ms => ms.map(m => m.dataset.claims).join(' ')"
        )
        return {int(i) for i in ids.split()}

    page.keyboard.press("j")
    assert open_card() == first.pk
    assert active_marks() == {first.pk}
    page.keyboard.press("j")
    page.keyboard.press("j")
    assert open_card() == third.pk
    page.keyboard.press("j")  # stays on the last one
    assert open_card() == third.pk
    page.keyboard.press("k")
    assert open_card() == second.pk
    assert active_marks() == {second.pk}
    assert page.evaluate("document.activeElement.id") == f"claim-{second.pk}"
    assert page.evaluate("location.hash") == f"#claim-{second.pk}"

    page.keyboard.press("e")
    page.wait_for_selector("#claim-form:not([hidden])")
    assert page.locator("#claim-form textarea[name=claim]").input_value() == second.claim
    page.keyboard.press("Escape")
    assert page.locator("#claim-form").is_hidden()
    assert open_card() == second.pk
    page.keyboard.press("Escape")
    assert open_card() is None
    assert active_marks() == set()

    page.keyboard.press("?")
    assert page.locator("#shortcuts").is_visible()
    assert "Next / previous claim" in page.locator("#shortcuts").inner_text()
    page.keyboard.press("Escape")
    assert page.locator("#shortcuts").is_hidden()

    # Highlights are in the tab order; Enter on one opens its card.
    page.locator(f"mark.hl[data-claims='{third.pk}']").focus()
    page.keyboard.press("Enter")
    assert open_card() == third.pk
    assert page.console_errors == []


def test_filters_and_counts_per_verdict(page, reviewer, editor, article):
    true = make_claim(article, reviewer, "China's telecommunications giant", "true")
    lost = make_claim(article, reviewer, "the company lost $5.5 billion in revenue", "false")
    submitted = make_claim(
        article,
        reviewer,
        "is the sole supplier for TSMC",
        "false",
        rationale="ASML is not a foundry.",
        sources=[{"url": "https://www.asml.com/en/company", "stance": "refutes"}],
    )
    workflow.claim_transition(claim=submitted, user=reviewer, action="submit")
    unrated = make_claim(article, reviewer, "Artificial Intelligence Supply Chain")
    log_in(page, "reviewer", PASSWORD)
    open_workspace(page, article)

    chips = page.locator("#verdict-counts").inner_text()
    assert re.search(r"True\s*1", chips) and re.search(r"False\s*2", chips)
    assert re.search(r"No verdict\s*1", chips)
    page.select_option("#filter-verdict", "false")
    wait_for_cards(page, [lost, submitted])
    assert page.locator("#claim-total").inner_text() == "(2 of 4)"
    assert page.locator("mark.hl").count() == 2  # the text shows only what the list shows
    page.select_option("#filter-status", "submitted")
    wait_for_cards(page, [submitted])
    page.select_option("#filter-verdict", "")
    page.select_option("#filter-status", "")
    wait_for_cards(page, [true, lost, submitted, unrated])
    page.click("#verdict-counts button[data-verdict=none]")
    # Wait for the very card the filter should leave, not for a count of one, which the
    # list also had a moment earlier (the submitted filter) and passes before it redraws.
    wait_for_cards(page, [unrated])
    badge = page.locator(f"#claim-{unrated.pk}").text_content()
    assert "No verdict" in badge
    assert page.console_errors == []


def test_a_selection_across_two_paragraphs_is_one_claim(page, reviewer, article):
    first, last = "which has also caused concerns", "Chinese enterprises are stepping up efforts"
    start = article.body.index(first)
    end = article.body.index(last) + len(last)
    expected = article.body[start:end]
    assert "\n" in expected
    log_in(page, "reviewer", PASSWORD)
    open_workspace(page, article)
    drag(page, first, last)
    page.click("#claim-form button[type=submit]")
    wait_for_claim_count(page, 1)

    claim = Claim.objects.get()
    assert (claim.start, claim.end, claim.exact) == (start, end, expected)
    page.reload()
    page.wait_for_selector("html[data-workspace-ready]")
    assert marked_text(page, claim.pk) == expected
    assert page.locator(f"mark.hl[data-claims='{claim.pk}']").count() == 2
    assert page.console_errors == []


ASTRAL = (
    "Astral plane headline for the test\n"
    "The 😀 emoji and the 𝐀 letter come first, then a claim that grain exports rose sharply.\n"
    "Second paragraph: 😀😀 𝐀lpha beta gamma, and the end."
).encode()


def test_offsets_stay_exact_after_emoji_and_astral_letters(page, reviewer):
    article = import_bytes(ASTRAL, origin="astral.txt").article
    log_in(page, "reviewer", PASSWORD)
    open_workspace(page, article)

    drag(page, "grain exports rose sharply")
    page.click("#claim-form button[type=submit]")
    wait_for_claim_count(page, 1)
    words = Claim.objects.get()
    assert words.exact == "grain exports rose sharply"
    assert words.start == article.body.index("grain exports rose sharply")  # code points

    # Starting inside "lpha" snaps back over the astral 𝐀 to the whole word.
    drag(page, "lpha beta")
    assert page.locator("#claim-form-quote").inner_text() == "𝐀lpha beta"
    page.click("#claim-form button[type=submit]")
    wait_for_claim_count(page, 2)

    drag(page, "😀 emoji and the 𝐀 letter")
    page.click("#claim-form button[type=submit]")
    wait_for_claim_count(page, 3)

    stored = {c.exact: c for c in Claim.objects.all()}
    assert set(stored) == {"grain exports rose sharply", "𝐀lpha beta", "😀 emoji and the 𝐀 letter"}
    for exact, claim in stored.items():
        assert article.body[claim.start : claim.end] == exact
    page.reload()
    page.wait_for_selector("html[data-workspace-ready]")
    for exact, claim in stored.items():
        assert marked_text(page, claim.pk) == exact
    assert page.console_errors == []


def test_server_errors_are_shown_next_to_the_form_and_the_input_is_kept(page, reviewer, article):
    log_in(page, "reviewer", PASSWORD)
    open_workspace(page, article)
    drag(page, SENTENCE)
    form = page.locator("#claim-form")
    form.locator("textarea[name=rationale]").fill("My careful rationale.")
    row = form.locator(".source-row").first
    row.locator("input[name=url]").fill("javascript:alert(1)")
    row.locator("input[name=title]").fill("A bad link")
    form.locator("button[type=submit]").click()

    error = row.locator(".field-error")
    error.wait_for(state="visible")
    assert "http" in error.inner_text()
    assert row.locator("input[name=url]").get_attribute("aria-invalid") == "true"
    assert form.is_visible()
    assert form.locator("textarea[name=rationale]").input_value() == "My careful rationale."
    assert Claim.objects.count() == 0

    row.locator("input[name=url]").fill("https://example.org/good")
    form.locator("button[type=submit]").click()
    wait_for_claim_count(page, 1)
    assert Claim.objects.get().sources.get().url == "https://example.org/good"
    assert only_http_errors(page.console_errors) == []


def test_a_stale_edit_is_refused_with_a_message_and_the_input_is_kept(page, reviewer, article):
    claim = make_claim(article, reviewer, SENTENCE, "true")
    log_in(page, "reviewer", PASSWORD)
    open_workspace(page, article)
    page.keyboard.press("j")
    page.keyboard.press("e")
    page.wait_for_selector("#claim-form:not([hidden])")
    # Meanwhile the claim changes in another tab.
    claims.claim_update(claim=claim, user=reviewer, version=1, text="Changed in another tab")
    page.fill("#claim-form textarea[name=claim]", "My version of the claim")
    page.keyboard.press("Control+Enter")

    errors = page.locator("#claim-form-errors")
    errors.wait_for(state="visible")
    assert "changed since you loaded it" in errors.inner_text()
    assert page.input_value("#claim-form textarea[name=claim]") == "My version of the claim"
    claim.refresh_from_db()
    assert claim.claim == "Changed in another tab"
    # The card shows the newer version now; saving again is a deliberate overwrite.
    assert "Changed in another tab" in page.locator(f"#claim-{claim.pk}").inner_text()
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("#claim-form", state="hidden")
    claim.refresh_from_db()
    assert (claim.claim, claim.version) == ("My version of the claim", 3)
    assert only_http_errors(page.console_errors) == []


def test_a_reviewer_submits_sees_the_editors_comment_fixes_and_resubmits(
    page, reviewer, editor, article
):
    claim = make_claim(
        article,
        reviewer,
        SENTENCE,
        "mostly-true",
        rationale="Satellite images show the plant.",
        sources=[{"url": "https://example.org/blog", "title": "A blog post"}],
    )
    log_in(page, "reviewer", PASSWORD)
    open_workspace(page, article)
    page.keyboard.press("j")
    wait_for_details(page, claim.pk)
    card = page.locator(f"#claim-{claim.pk}")
    assert card.locator("[data-transition=submit]").count() == 1
    assert card.locator("[data-transition=approve]").count() == 0  # reviewers never approve
    card.locator("[data-transition=submit]").click()
    card.locator(".status-badge.status-submitted").wait_for()
    claim.refresh_from_db()
    assert claim.status == Claim.Status.SUBMITTED
    assert card.locator("[data-action=edit]").count() == 0  # submitted: no longer editable

    workflow.claim_transition(
        claim=claim, user=editor, action="request_changes", comment="Cite the primary source."
    )
    page.reload()
    page.wait_for_selector("html[data-workspace-ready]")
    card = page.locator(f"#claim-{claim.pk}")  # the address keeps the open claim
    assert card.locator(".callout").inner_text().startswith("Changes requested by editor")
    assert "Cite the primary source." in card.locator(".callout").inner_text()
    assert "Cite the primary source." in card.locator(".card-history").inner_text()

    card.locator("[data-action=edit]").click()
    form = page.locator("#claim-form")
    form.locator("[data-action=add-source]").click()
    new_row = form.locator(".source-row").nth(1)
    new_row.locator("input[name=url]").fill("https://www.ft.com/content/chips")
    new_row.locator("input[name=title]").fill("Financial Times report")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("#claim-form", state="hidden")
    assert claim.sources.count() == 2

    card.locator("[data-transition=submit]", has_text="Resubmit").click()
    card.locator(".status-badge.status-submitted").wait_for()
    claim.refresh_from_db()
    assert claim.status == Claim.Status.SUBMITTED
    steps = [(e.from_status, e.to_status) for e in claim.events.order_by("at", "id")]
    assert steps == [
        ("draft", "submitted"),
        ("submitted", "changes_requested"),
        ("changes_requested", "changes_requested"),  # the author's fix, recorded as an edit
        ("changes_requested", "submitted"),
    ]
    history = card.locator(".card-history li")
    assert history.count() == 5  # created, submitted, changes requested, edited, resubmitted
    assert page.console_errors == []


def test_an_editor_requests_changes_from_the_card_and_must_say_why(page, reviewer, editor, article):
    claim = make_claim(
        article,
        reviewer,
        SENTENCE,
        "true",
        rationale="Seen on satellite images.",
        sources=[{"url": "https://example.org/images"}],
    )
    workflow.claim_transition(claim=claim, user=reviewer, action="submit")
    log_in(page, "editor", PASSWORD)
    open_workspace(page, article)
    page.keyboard.press("j")
    wait_for_details(page, claim.pk)
    card = page.locator(f"#claim-{claim.pk}")
    buttons = card.locator("[data-action=transition]").all_inner_texts()
    assert buttons == ["Approve", "Reject", "Request changes"]

    card.locator("[data-transition=request_changes]").click()
    card.locator(".card-error").wait_for(state="visible")
    assert "comment is required" in card.locator(".card-error").inner_text()
    card.locator("textarea[name=transition-comment]").fill("Which satellite images?")
    card.locator("[data-transition=request_changes]").click()
    card.locator(".status-badge.status-changes_requested").wait_for()
    claim.refresh_from_db()
    assert claim.status == Claim.Status.CHANGES_REQUESTED
    assert claim.events.last().comment == "Which satellite images?"
    assert only_http_errors(page.console_errors) == []


def test_an_opened_card_loads_its_details_from_the_api_once(page, reviewer, article):
    claim = make_claim(
        article,
        reviewer,
        SENTENCE,
        "mostly-true",
        rationale="Satellite images show the plant being built.",
        sources=[{"url": "https://example.org/satellite", "title": "Images of the Shenzhen plant"}],
    )
    workflow.claim_transition(claim=claim, user=reviewer, action="submit")
    detail_url = f"/api/v1/workspace/claims/{claim.pk}/"
    fetched: list[str] = []
    page.on(
        "request",
        lambda r: (
            fetched.append(r.url) if r.method == "GET" and r.url.endswith(detail_url) else None
        ),
    )
    log_in(page, "reviewer", PASSWORD)
    open_workspace(page, article)

    # The page itself carries only the summary: the card says how many sources, no more.
    embedded = page.evaluate("document.getElementById('workspace-claims').textContent")
    assert "Satellite images show" not in embedded and "example.org/satellite" not in embedded
    card = page.locator(f"#claim-{claim.pk}")
    assert "1 source" in card.inner_text()
    assert card.locator(".card-sources").count() == 0
    assert fetched == []

    with page.expect_response(lambda r: r.url.endswith(detail_url)) as answer:
        card.locator(".card-toggle").click()
    assert answer.value.status == 200
    wait_for_details(page, claim.pk)
    assert (
        "Satellite images show the plant being built."
        in card.locator(".card-rationale").inner_text()
    )
    link = card.locator(".card-sources a")
    assert link.inner_text() == "Images of the Shenzhen plant"
    assert link.get_attribute("href") == "https://example.org/satellite"
    assert "reviewer: Draft → Submitted" in card.locator(".card-history").inner_text()
    assert card.locator("[data-action=edit]").count() == 0  # submitted: the API says no edit

    # Closed and opened again, the card uses what it has already loaded.
    card.locator(".card-toggle").click()
    assert card.locator(".card-details").count() == 0
    card.locator(".card-toggle").click()
    wait_for_details(page, claim.pk)
    assert len(fetched) == 1
    assert page.console_errors == []


def test_a_card_whose_details_cannot_be_loaded_says_so_and_can_try_again(page, reviewer, article):
    claim = make_claim(article, reviewer, SENTENCE, "true", rationale="Seen on images.")
    log_in(page, "reviewer", PASSWORD)
    open_workspace(page, article)
    detail = f"**/api/v1/workspace/claims/{claim.pk}/"
    page.route(detail, lambda route: route.abort())
    card = page.locator(f"#claim-{claim.pk}")
    card.locator(".card-toggle").click()
    error = card.locator(".card-load-error")
    error.wait_for()
    assert "could not be reached" in error.inner_text()
    assert card.locator(".card-quote").inner_text() == SENTENCE  # the quote needs no request
    assert card.locator(".card-details").count() == 0  # no rationale, sources or buttons

    page.unroute(detail)
    card.locator("[data-action=retry]").click()
    wait_for_details(page, claim.pk)
    assert card.locator(".card-load-error").count() == 0
    assert "Seen on images." in card.locator(".card-rationale").inner_text()
    page.keyboard.press("e")  # and it can be edited now
    page.wait_for_selector("#claim-form:not([hidden])")
    assert page.input_value("#claim-form textarea[name=rationale]") == "Seen on images."
    assert [e for e in page.console_errors if "net::ERR_FAILED" not in e] == []
