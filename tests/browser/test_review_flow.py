"""The whole review loop in a browser: the reviewer in the workspace, the editor in the admin."""

from __future__ import annotations

import pytest

from annotations.models import Claim
from tests.browser.conftest import log_in, log_in_admin
from tests.browser.test_workspace import SENTENCE, drag, open_workspace, wait_for_claim_count
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def admin_log_in(page, username: str) -> None:
    log_in_admin(page, username, PASSWORD)


def editor_acts(page, claim: Claim, action: str, comment: str = "") -> str:
    """On the claim's admin page, press the button for ``action``; return the message shown."""
    page.goto(f"/admin/annotations/claim/{claim.pk}/change/")
    if comment:
        page.fill("#id_transition_comment", comment)
    page.click(f"button[value={action}]")
    page.wait_for_selector("ul.messagelist li")
    return page.locator("ul.messagelist").inner_text()


def test_reviewer_submits_editor_requests_changes_reviewer_resubmits_editor_approves(
    page, browser, live_server, reviewer, editor, article
):
    # The reviewer records a claim by selecting the words, and submits it.
    log_in(page, "reviewer", PASSWORD)
    open_workspace(page, article)
    drag(page, SENTENCE)
    form = page.locator("#claim-form")
    form.locator("select[name=verdict]").select_option("mostly-true")
    form.locator("textarea[name=rationale]").fill("Satellite images show the plant.")
    form.locator(".source-row").nth(0).locator("input[name=url]").fill("https://example.org/blog")
    form.locator("button[type=submit]").click()
    wait_for_claim_count(page, 1)
    claim = Claim.objects.get()
    card = page.locator(f"#claim-{claim.pk}")
    card.locator("[data-transition=submit]").click()
    card.locator(".status-badge.status-submitted").wait_for()

    # The editor, in the admin, asks for changes with a comment.
    editor_context = browser.new_context(base_url=live_server.url)
    desk = editor_context.new_page()
    desk.set_default_timeout(10_000)
    admin_log_in(desk, "editor")
    message = editor_acts(desk, claim, "request_changes", "Cite the primary source, not a blog.")
    assert "sent back for changes" in message
    assert Claim.objects.get(pk=claim.pk).status == Claim.Status.CHANGES_REQUESTED

    # The reviewer sees the comment, adds the primary source and resubmits.
    page.reload()
    page.wait_for_selector("html[data-workspace-ready]")
    card = page.locator(f"#claim-{claim.pk}")  # the address keeps the claim open
    # Its details, with the editor's comment, come from the API once the card is open.
    card.locator(".callout").wait_for()
    assert "Cite the primary source, not a blog." in card.locator(".callout").inner_text()
    card.locator("[data-action=edit]").click()
    form.locator("[data-action=add-source]").click()
    row = form.locator(".source-row").nth(1)
    row.locator("input[name=url]").fill("https://www.ft.com/content/chips")
    row.locator("input[name=title]").fill("Financial Times report")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("#claim-form", state="hidden")
    card.locator("[data-transition=submit]", has_text="Resubmit").click()
    card.locator(".status-badge.status-submitted").wait_for()

    # The editor approves; the admin's history shows every step.
    assert "approved" in editor_acts(desk, claim, "approve").lower()
    claim.refresh_from_db()
    assert claim.status == Claim.Status.APPROVED and claim.approved_by == editor
    desk.goto(f"/admin/annotations/claim/{claim.pk}/change/")
    history = desk.locator("body").inner_text()
    for step in ["Draft → Submitted", "Submitted → Changes requested",
                 "Changes requested → Submitted", "Submitted → Approved"]:  # fmt: skip
        assert step in history, step
    assert "Cite the primary source, not a blog." in history
    steps = [(e.from_status, e.to_status) for e in claim.events.order_by("at", "id")]
    assert steps == [
        ("draft", "submitted"),
        ("submitted", "changes_requested"),
        ("changes_requested", "changes_requested"),  # the author's fix, recorded as an edit
        ("changes_requested", "submitted"),
        ("submitted", "approved"),
    ]
    assert page.console_errors == []
    editor_context.close()
