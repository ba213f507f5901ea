"""A reader's path through the public pages, in a real browser."""

import json

import pytest

from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

SENTENCE = "China's telecommunications giant is building an advanced chip production line"


def test_a_reader_follows_a_check_and_its_quote_to_the_highlighted_article(
    page, article, reviewer, editor
):
    check = factories.approved(article, reviewer, editor, SENTENCE,
                               claim="Huawei is building a chip line in Shenzhen")  # fmt: skip
    factories.approved(article, reviewer, editor, "Chinese enterprises are stepping up",
                       verdict="true")  # fmt: skip
    page.goto("/checks/")
    assert page.locator(".check-link").count() == 2
    page.click("text=Huawei is building a chip line in Shenzhen")
    page.wait_for_url(f"**/checks/{check.pk}/{check.slug}/")
    assert "Verdict: False" in page.locator(".verdict-label").inner_text()
    ld = json.loads(page.locator('script[type="application/ld+json"]').text_content())
    assert ld["@type"] == "ClaimReview" and ld["reviewRating"]["alternateName"] == "False"

    page.click("#quote-link")
    page.wait_for_url(f"**/checks/articles/{article.pk}/#claim-{check.pk}")
    target = page.locator(f"#claim-{check.pk}")
    assert target.is_visible()
    assert page.evaluate("() => document.querySelector(':target').id") == f"claim-{check.pk}"
    highlighted = page.eval_on_selector_all(
        f'a.hl[href="/checks/{check.pk}/{check.slug}/"]',
        "els => els.map(e => e.textContent).join('')",
    )
    assert highlighted == "False" + SENTENCE  # the verdict label, then exactly the quote
    target.click()
    page.wait_for_url(f"**/checks/{check.pk}/{check.slug}/")
    assert page.console_errors == []
