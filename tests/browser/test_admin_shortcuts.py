"""The editor's loop from the keyboard, in Chromium: A, C (with its comment), N."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.utils import timezone

from annotations.models import Claim
from tests import factories
from tests.browser.conftest import log_in_admin
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_editor_works_through_a_list_with_the_keyboard(page, reviewer, editor, seed_articles):
    article = seed_articles["000"]
    names = ["First", "Second", "Third", "Fourth"]
    claims = {name: factories.make_submitted(article, reviewer, n=n, text=name)
              for n, name in enumerate(names)}  # fmt: skip
    now = timezone.now()
    for minutes, name in enumerate(names):  # the list shows the newest change first
        Claim.objects.filter(pk=claims[name].pk).update(updated_at=now - timedelta(minutes=minutes))
    filters = urlencode({"_changelist_filters": "status__exact=submitted"})

    def on(name: str) -> None:
        page.wait_for_url(f"**/admin/annotations/claim/{claims[name].pk}/change/?{filters}")
        page.locator("#claim-workflow").wait_for()

    log_in_admin(page, "editor", PASSWORD)
    page.goto(f"/admin/annotations/claim/{claims['First'].pk}/change/?{filters}")
    shortcuts = page.locator("#claim-shortcuts")
    shortcuts.locator("summary").click()
    assert "Approve and next" in shortcuts.inner_text()

    page.keyboard.press("a")
    on("Second")
    assert (
        "“First” approved. This is the next claim in the list."
        in page.locator("ul.messagelist").inner_text()
    )

    # A key typed into a text box stays text.
    page.fill("#id_claim", "Second, reworded")
    page.keyboard.press("a")
    assert page.locator("#id_claim").input_value() == "Second, reworded" + "a"
    page.keyboard.press("Escape")

    # Requesting changes needs a comment: C puts the cursor there; Ctrl+Enter sends it.
    page.keyboard.press("c")
    page.locator("#claim-queue-hint").wait_for()
    assert page.evaluate("document.activeElement.id") == "id_transition_comment"
    page.keyboard.type("Name the quarter.")
    page.keyboard.press("Control+Enter")
    on("Third")

    page.keyboard.press("n")  # skip
    on("Fourth")
    page.keyboard.press("a")
    page.wait_for_url("**/admin/annotations/claim/?status__exact=submitted")
    assert "That was the last claim in this list" in page.locator("ul.messagelist").inner_text()

    statuses = dict(Claim.objects.values_list("claim", "status"))
    assert statuses == {
        "First": "approved",
        "Second": "changes_requested",
        "Third": "submitted",
        "Fourth": "approved",
    }
    assert Claim.objects.get(claim="Second").events.last().comment == "Name the quarter."
    assert page.console_errors == []
