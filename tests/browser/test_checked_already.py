"""Has this been checked already? A reviewer selects a sentence that repeats a claim
approved on another article, sees it suggested, attaches it; a second editor confirms;
the public page of the article highlights it."""

from __future__ import annotations

import pytest

from annotations.models import Appearance
from tests import factories
from tests.browser.conftest import log_in, log_in_admin
from tests.browser.test_workspace import drag, open_workspace
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

REPEAT = "was forced to record a $5.5 billion"


def test_a_repeated_claim_is_suggested_attached_confirmed_and_highlighted(
    page, seed_articles, reviewer, editor, editor2
):
    checked = factories.approved(
        seed_articles["000"], reviewer, editor, "the company lost $5.5 billion in revenue",
        claim="Nvidia took a $5.5 billion hit because of the H20 export licences",
    )  # fmt: skip
    article = seed_articles["001"]
    log_in(page, "reviewer", PASSWORD)
    open_workspace(page, article)
    drag(page, "was forced", "record a $5.5 billion")
    suggestion = page.locator(f"#checked-already-list li[data-claim='{checked.pk}']")
    suggestion.wait_for()
    assert "Nvidia took a $5.5 billion hit" in suggestion.inner_text()
    assert suggestion.locator("a", has_text="Open the check").get_attribute("href").endswith(
        f"/checks/{checked.pk}/{checked.slug}/"
    )
    suggestion.locator("button", has_text="Attach here").click()
    page.locator(f"#claim-{checked.pk}").wait_for()
    page.wait_for_selector("#claim-form", state="hidden")
    appearance = Appearance.objects.get(claim=checked, article=article)
    assert appearance.exact == REPEAT
    assert appearance.state == Appearance.State.PROPOSED
    assert page.console_errors == []

    # A second editor confirms it on the desk; the public article page then highlights it.
    page.context.clear_cookies()
    log_in_admin(page, "editor2", PASSWORD)
    page.goto(f"/admin/annotations/claim/{checked.pk}/change/")
    page.click(f"button[value='confirm:{appearance.pk}']")
    page.wait_for_selector("ul.messagelist li")
    assert "Appearance confirmed" in page.locator("ul.messagelist").inner_text()
    page.goto(f"/checks/articles/{article.pk}/")
    highlight = page.locator(f"#claim-{checked.pk}")
    highlight.wait_for()
    assert "$5.5 billion" in highlight.inner_text()
