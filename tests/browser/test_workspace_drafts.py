"""No lost typing: a claim being written survives a reload, a followed link and Esc.

The form is kept in the browser (localStorage) while it differs from what was opened;
the page offers it back when it opens again, warns before it is left (beforeunload),
and asks in the form before Esc throws changes away.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from annotations.models import Claim
from tests.browser.conftest import log_in
from tests.browser.test_workspace import (
    SENTENCE,
    drag,
    make_claim,
    marked_text,
    open_workspace,
    wait_for_claim_count,
    wait_for_details,
)
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

KEPT = """() => Object.keys(localStorage)
  .filter((key) => key.startsWith("factcheck.workspace.draft."))
  .map((key) => JSON.parse(localStorage.getItem(key)))"""


def write_a_claim(page) -> None:
    """Select the sentence and fill the form without saving it."""
    drag(page, SENTENCE)
    form = page.locator("#claim-form")
    form.locator("select[name=verdict]").select_option("mostly-true")
    form.locator("textarea[name=rationale]").fill("Satellite images show the plant.")
    form.locator(".source-row input[name=url]").fill("https://example.org/images")


def accept_dialogs(page) -> list[str]:
    """Accept every dialog the page opens (beforeunload); returns their types as they come."""
    seen: list[str] = []

    def accept(dialog) -> None:
        seen.append(dialog.type)
        dialog.accept()

    page.on("dialog", accept)
    return seen


def prompt(page, question: str):
    return page.get_by_role("group", name=re.compile(re.escape(question)))


def test_an_unsaved_claim_survives_a_reload_and_is_offered_back(page, reviewer, article):
    log_in(page, "reviewer", PASSWORD)
    open_workspace(page, article)
    write_a_claim(page)
    dialogs = accept_dialogs(page)

    page.reload()
    page.wait_for_selector("html[data-workspace-ready]")
    assert dialogs == ["beforeunload"]  # leaving with unsaved changes asks first
    offer = prompt(page, "Restore your unsaved claim on “China's telecommunications giant")
    expect(offer).to_be_visible()
    assert Claim.objects.count() == 0

    offer.get_by_role("button", name="Restore").click()
    form = page.locator("#claim-form")
    expect(form).to_be_visible()
    expect(page.locator("#claim-form-quote")).to_have_text(SENTENCE)
    expect(form.locator("select[name=verdict]")).to_have_value("mostly-true")
    expect(form.locator("textarea[name=rationale]")).to_have_value(
        "Satellite images show the plant."
    )
    expect(form.locator(".source-row input[name=url]")).to_have_value("https://example.org/images")
    expect(page.locator("#ws-drafts")).to_be_hidden()  # it is in the form now

    form.locator("button[type=submit]").click()
    wait_for_claim_count(page, 1)
    claim = Claim.objects.get()
    assert (claim.exact, claim.verdict.slug) == (SENTENCE, "mostly-true")
    assert claim.sources.get().url == "https://example.org/images"
    assert marked_text(page, claim.pk) == SENTENCE
    assert page.evaluate(KEPT) == []  # saved: nothing kept any more

    page.reload()
    page.wait_for_selector("html[data-workspace-ready]")
    expect(page.locator("#ws-drafts")).to_be_hidden()
    assert dialogs == ["beforeunload"]  # nothing unsaved: no question this time
    assert page.console_errors == []


def test_following_a_link_with_an_unsaved_edit_asks_and_the_edit_comes_back(
    page, reviewer, article
):
    claim = make_claim(article, reviewer, SENTENCE, "true", rationale="Seen on images.")
    log_in(page, "reviewer", PASSWORD)
    open_workspace(page, article)
    page.keyboard.press("j")
    wait_for_details(page, claim.pk)
    page.keyboard.press("e")
    rationale = page.locator("#claim-form textarea[name=rationale]")
    rationale.fill("Seen on satellite images taken in May.")

    # The reader changes their mind once: they stay, with the form as it was.
    asked: list[str] = []
    page.once("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
    page.locator(".breadcrumbs a").click()  # returns once the question is answered
    assert asked == ["beforeunload"]
    assert page.url.endswith(f"/articles/{article.pk}/#claim-{claim.pk}")
    expect(rationale).to_have_value("Seen on satellite images taken in May.")

    # Then they go.
    dialogs = accept_dialogs(page)
    page.locator(".breadcrumbs a").click()
    page.wait_for_url("**/articles/")
    assert dialogs == ["beforeunload"]

    open_workspace(page, article)
    offer = prompt(page, "Restore your unsaved changes to the claim on “China's")
    offer.get_by_role("button", name="Restore").click()
    expect(page.locator("#claim-form-title")).to_have_text("Edit claim")
    expect(rationale).to_have_value("Seen on satellite images taken in May.")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("#claim-form", state="hidden")
    claim.refresh_from_db()
    assert (claim.rationale_markdown, claim.version) == (
        "Seen on satellite images taken in May.",
        2,
    )
    assert page.evaluate(KEPT) == []
    assert page.console_errors == []


def test_esc_on_a_changed_form_asks_before_discarding_it(page, reviewer, article):
    log_in(page, "reviewer", PASSWORD)
    open_workspace(page, article)
    write_a_claim(page)
    form = page.locator("#claim-form")
    question = page.get_by_role("group", name="This claim is not saved. Discard what you wrote?")

    page.keyboard.press("Escape")
    expect(question).to_be_visible()
    expect(question.get_by_role("button", name="Keep editing")).to_be_focused()
    assert form.is_visible()

    page.keyboard.press("Escape")  # Esc again: back to the form, nothing lost
    expect(question).to_be_hidden()
    expect(form.locator("textarea[name=rationale]")).to_have_value(
        "Satellite images show the plant."
    )
    assert len(page.evaluate(KEPT)) == 1

    page.keyboard.press("Escape")
    question.get_by_role("button", name="Discard").click()
    expect(form).to_be_hidden()
    assert page.locator("mark.hl-pending").count() == 0
    assert page.evaluate(KEPT) == []
    page.reload()  # nothing unsaved, so no beforeunload question either
    page.wait_for_selector("html[data-workspace-ready]")
    expect(page.locator("#ws-drafts")).to_be_hidden()
    assert Claim.objects.count() == 0
    assert page.console_errors == []


def test_a_kept_claim_can_be_discarded_from_the_prompt(page, reviewer, article):
    log_in(page, "reviewer", PASSWORD)
    open_workspace(page, article)
    write_a_claim(page)
    accept_dialogs(page)
    page.reload()
    page.wait_for_selector("html[data-workspace-ready]")
    offer = prompt(page, "Restore your unsaved claim on")
    offer.get_by_role("button", name="Discard").click()
    expect(page.locator("#ws-drafts")).to_be_hidden()
    assert page.evaluate(KEPT) == []
    assert page.locator("#claim-form").is_hidden()
    assert page.console_errors == []
