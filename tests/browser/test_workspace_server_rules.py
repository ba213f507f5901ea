"""The workspace shows what the server decides and writes against the ETags it sends.

No rule is re-implemented in the page: a move the server refuses now comes as
``permissions.blocked`` with a reason, and the card shows it as a disabled button with
that reason. Writes send back, as If-Match, the ETag header of the answer the page read.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from annotations import claims, workflow
from annotations.models import Claim
from tests.browser.conftest import log_in
from tests.browser.test_workspace import (
    SENTENCE,
    make_claim,
    only_http_errors,
    open_workspace,
    wait_for_details,
)
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

INCOMPLETE = "Before submitting, add a verdict, a rationale and at least one source."


def test_an_incomplete_draft_shows_submit_disabled_with_the_servers_reason(page, reviewer, article):
    claim = make_claim(article, reviewer, SENTENCE)
    log_in(page, "reviewer", PASSWORD)
    open_workspace(page, article)
    page.keyboard.press("j")
    wait_for_details(page, claim.pk)
    card = page.locator(f"#claim-{claim.pk}")

    submit = card.locator("button[data-transition=submit]")
    expect(submit).to_be_disabled()
    expect(submit).to_have_text("Submit for review")
    expect(submit).to_have_accessible_description(INCOMPLETE)
    reason = page.locator(f"#{submit.get_attribute('aria-describedby')}")
    expect(reason).to_be_visible()
    expect(reason).to_have_text(INCOMPLETE)
    assert card.locator("[data-action=transition]").count() == 0  # nothing to click

    # Completed through the form, the claim's answer says it may be submitted now.
    page.keyboard.press("e")
    form = page.locator("#claim-form")
    form.locator("select[name=verdict]").select_option("mostly-true")
    form.locator("textarea[name=rationale]").fill("Satellite images show the plant.")
    form.locator(".source-row input[name=url]").fill("https://example.org/images")
    form.locator("button[type=submit]").click()
    enabled = card.locator("button[data-action=transition][data-transition=submit]")
    expect(enabled).to_be_enabled()
    assert card.locator(".blocked-reason").count() == 0
    enabled.click()
    card.locator(".status-badge.status-submitted").wait_for()
    claim.refresh_from_db()
    assert claim.status == Claim.Status.SUBMITTED
    assert page.console_errors == []


def test_an_editor_sees_the_four_eyes_rule_on_their_own_submitted_claim(page, editor, article):
    claim = make_claim(
        article,
        editor,
        SENTENCE,
        "false",
        rationale="The plant does not exist.",
        sources=[{"url": "https://example.org/images"}],
    )
    workflow.claim_transition(claim=claim, user=editor, action="submit")
    log_in(page, "editor", PASSWORD)
    open_workspace(page, article)
    page.keyboard.press("j")
    wait_for_details(page, claim.pk)
    card = page.locator(f"#claim-{claim.pk}")

    blocked = card.locator(".blocked button")
    expect(blocked).to_have_text(["Approve", "Reject", "Request changes"])
    for button in blocked.all():
        expect(button).to_be_disabled()
        expect(button).to_have_accessible_description(re.compile(r"four-eyes rule"))
    assert "You wrote this claim, so you cannot approve it" in card.inner_text()
    assert card.locator("[data-action=transition]").count() == 0
    assert page.console_errors == []


def test_writes_send_back_the_etag_the_server_sent_whatever_it_looks_like(page, reviewer, article):
    claim = make_claim(
        article,
        reviewer,
        SENTENCE,
        "true",
        rationale="Seen on images.",
        sources=[{"url": "https://example.org/images"}],
    )
    # Between page and server, every ETag becomes an opaque token the page could not
    # make up; an If-Match the page sends is swapped back for the server's own ETag.
    real: dict[str, str] = {}
    sent: list[tuple[str, str | None]] = []

    def opaque(route) -> None:
        request = route.request
        headers = dict(request.headers)
        if request.method != "GET":
            sent.append((request.method, headers.get("if-match")))
            headers["if-match"] = real.get(headers.get("if-match", ""), "")
        response = route.fetch(headers=headers)
        answer = dict(response.headers)
        if "etag" in answer:
            token = f'"opaque-{len(real)}"'
            real[token] = answer["etag"]
            answer["etag"] = token
        route.fulfill(response=response, headers=answer)

    page.route(re.compile(rf"/api/v1/workspace/claims/{claim.pk}/(transitions/)?$"), opaque)
    log_in(page, "reviewer", PASSWORD)
    open_workspace(page, article)
    page.keyboard.press("j")
    wait_for_details(page, claim.pk)  # GET: "opaque-0"
    page.keyboard.press("e")
    page.fill("#claim-form textarea[name=claim]", "Huawei builds a chip line in Shenzhen.")
    page.keyboard.press("Control+Enter")  # PATCH: answered with "opaque-1"
    page.wait_for_selector("#claim-form", state="hidden")
    card = page.locator(f"#claim-{claim.pk}")
    card.locator("[data-transition=submit]").click()  # POST to transitions/
    card.locator(".status-badge.status-submitted").wait_for()

    assert sent == [("PATCH", '"opaque-0"'), ("POST", '"opaque-1"')]
    claim.refresh_from_db()
    assert (claim.claim, claim.status) == ("Huawei builds a chip line in Shenzhen.", "submitted")
    assert page.console_errors == []


def test_a_stale_move_shows_the_claim_as_it_is_now_and_can_be_made_again(page, reviewer, article):
    claim = make_claim(
        article,
        reviewer,
        SENTENCE,
        "true",
        rationale="Seen on images.",
        sources=[{"url": "https://example.org/images"}],
    )
    log_in(page, "reviewer", PASSWORD)
    open_workspace(page, article)
    page.keyboard.press("j")
    wait_for_details(page, claim.pk)
    # Meanwhile the claim changes in another tab: the ETag the card holds is stale.
    claims.claim_update(claim=claim, user=reviewer, version=1, text="Changed in another tab")
    card = page.locator(f"#claim-{claim.pk}")
    with page.expect_response(lambda r: "/transitions/" in r.url) as answer:
        card.locator("[data-transition=submit]").click()
    assert answer.value.status == 412
    error = card.locator(".card-error")
    expect(error).to_contain_text("changed since you loaded it")
    expect(card.locator(".card-claim")).to_have_text("Changed in another tab")
    claim.refresh_from_db()
    assert claim.status == Claim.Status.DRAFT

    # The page read the claim again for its ETag: the same move now goes through.
    card.locator("[data-transition=submit]").click()
    card.locator(".status-badge.status-submitted").wait_for()
    claim.refresh_from_db()
    assert (claim.status, claim.version) == (Claim.Status.SUBMITTED, 3)
    assert only_http_errors(page.console_errors) == []
