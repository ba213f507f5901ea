import pytest

from tests.browser.conftest import log_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_reviewer_logs_in_sees_the_five_articles_and_opens_one(page, reviewer, seed_articles):
    log_in(page, "reviewer", PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Articles").click()
    page.wait_for_url("**/articles/")
    titles = page.locator(".article-title").all_inner_texts()
    assert sorted(titles) == sorted(a.title for a in seed_articles.values())
    page.click(f"text={seed_articles['003'].title}")
    page.wait_for_selector("#article-body")
    assert page.locator("h1").inner_text() == seed_articles["003"].title
    body_text = page.locator("#article-body").inner_text()
    assert "Huang Renxun arrived in Taiwan, China" in body_text
    assert "Statement:" not in body_text
    assert page.console_errors == []
