"""The desk's pages fit a laptop's screen: nothing to scroll sideways at 1,366 px."""

from __future__ import annotations

import pytest

from tests import factories
from tests.browser.conftest import log_in_admin
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def claim_with_sources(article, reviewer, editor):
    claim = factories.approved(article, reviewer, editor, sources=3)
    factories.in_state("changes_requested", article, reviewer, editor, article.body[50:90])
    return claim


def test_the_claim_page_and_the_history_fit_a_laptop_screen(page, editor, claim_with_sources):
    page.set_viewport_size({"width": 1366, "height": 800})
    log_in_admin(page, "editor", PASSWORD)
    page.goto(f"/admin/annotations/claim/{claim_with_sources.pk}/change/")
    page.locator(".inline-related").first.wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    page.goto("/admin/annotations/claimevent/")
    table = page.locator("#result_list")
    table.wait_for()
    headers = table.locator("thead th").all_inner_texts()
    assert [h.strip().lower() for h in headers[-2:]] == ["from → to", "comment or change"]
    # Every column is on screen, not clipped off to the right of the results.
    right = page.evaluate(
        "document.querySelector('#result_list thead th:last-child').getBoundingClientRect().right"
    )
    assert right <= 1366
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    first_row = table.locator("tbody tr").first.inner_text()
    assert "Changes requested" in first_row  # newest first, with the step's labels
    filters = page.locator("#changelist-filter").inner_text()
    assert "Changes requested" in filters and "changes_requested" not in filters
