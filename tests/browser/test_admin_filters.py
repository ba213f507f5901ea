"""The claim list's article filter, typed into in a real browser (admin_lists.py)."""

from __future__ import annotations

import pytest

from tests import factories
from tests.browser.conftest import log_in_admin
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_typing_a_title_in_the_article_filter_filters_the_claims(
    page, live_server, editor, reviewer, seed_articles
):
    wanted = seed_articles["002"]
    mine = factories.make_submitted(wanted, reviewer)
    other = factories.make_submitted(seed_articles["001"], reviewer)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in_admin(page, "editor", PASSWORD)
    page.goto(live_server.url + "/admin/annotations/claim/?status__exact=submitted")
    page.locator(".autocomplete-filter .select2-selection").click()
    page.locator(".select2-search__field").fill(wanted.title.split()[-1])
    page.locator(".select2-results__option", has_text=wanted.title[:30]).first.click()
    page.wait_for_url(f"**article__id__exact={wanted.pk}**")
    assert "status__exact=submitted" in page.url
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 1
    assert mine.claim[:20] in rows.first.inner_text()
    assert other.claim[:20] not in page.locator("#result_list").inner_text()
    assert errors == []
