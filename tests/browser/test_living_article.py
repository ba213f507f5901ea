"""A living article in a browser: an editor refreshes it from its changed web page, the
desk's queue lists the claim whose words changed, its author selects the words again in
the workspace, and the public page says the article was edited after the check."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotations.importers import import_url
from annotations.models import Claim
from tests import factories
from tests.browser.conftest import log_in, log_in_admin
from tests.browser.test_workspace import POINT_JS, open_workspace
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

PAGE = Path(__file__).resolve().parent.parent / "fixtures" / "pages" / "news_article.html"
QUOTE = "its revenue grew 12 percent in 2024"
NEW_WORDS = "its revenue grew 9 percent in 2024"


def select(page, phrase: str) -> None:
    """Drag over ``phrase`` in the article text (no form opens while re-selecting)."""
    page.evaluate("() => window.scrollTo(0, 0)")
    start = page.evaluate(POINT_JS, [phrase, "start"])
    end = page.evaluate(POINT_JS, [phrase, "end"])
    assert start and end, f"phrase not found on the page: {phrase!r}"
    page.mouse.move(start["x"], start["y"])
    page.mouse.down()
    page.mouse.move(end["x"], end["y"], steps=6)
    page.mouse.up()


def test_an_edited_sentence_is_refreshed_queued_reselected_and_noticed(
    page, browser, live_server, pages, reviewer, editor
):
    html = PAGE.read_bytes()
    url = pages.page("/story", html)
    article = import_url(url).article
    claim = factories.approved(article, reviewer, editor, QUOTE)
    # The publisher edits the checked sentence.
    pages.page("/story", html.replace(b"grew 12 percent", b"grew 9 percent"))

    # The editor refreshes the article from its source in the desk.
    desk = browser.new_context(base_url=live_server.url).new_page()
    desk.set_default_timeout(15_000)
    log_in_admin(desk, "editor", PASSWORD)
    desk.goto("/admin/annotations/article/")
    desk.check(f"input[name=_selected_action][value='{article.pk}']")
    desk.select_option("select[name=action]", "refresh_from_source")
    desk.click("button[name=index]")
    desk.wait_for_url("**/admin/annotations/job/*/change/")
    desk.locator("text=1 of 1").wait_for()

    # The desk's queue lists the claim.
    desk.goto("/admin/")
    desk.click("text=Text changed under these claims")
    desk.locator(f"#result_list a[href*='/claim/{claim.pk}/change/']").wait_for()
    assert "found approximately" in desk.locator("#result_list").inner_text()

    # The author sees it apart in the workspace, with the old words, and selects again.
    log_in(page, "reviewer", PASSWORD)
    open_workspace(page, article)
    card = page.locator(f"#changed-list #claim-{claim.pk}")
    card.locator("button[data-action=toggle]").click()
    notice = card.locator(".anchor-notice")
    notice.wait_for()
    assert QUOTE in notice.inner_text() and NEW_WORDS in notice.inner_text()
    notice.locator("button[data-action=anchor-reselect]").click()
    page.locator("html[data-reselecting]").wait_for()
    select(page, "The company said its revenue grew 9 percent")
    page.locator(f"#claim-list #claim-{claim.pk}").wait_for()
    page.locator("#changed-claims[hidden]").wait_for(state="attached")
    claim.refresh_from_db()
    assert claim.anchor_state == "anchored"
    assert claim.exact == "The company said its revenue grew 9 percent"

    # The public page keeps the check, with the notice.
    public = browser.new_context(base_url=live_server.url).new_page()
    public.goto(f"/checks/{claim.pk}/{claim.slug}/")
    notice = public.locator("#text-changed")
    notice.wait_for()
    text = notice.inner_text()
    assert "The article was edited after this check, on" in text
    assert "The company said its revenue grew 9 percent" in text
    assert QUOTE in text
    assert Claim.objects.get(pk=claim.pk).status == Claim.Status.APPROVED
    assert page.console_errors == []
