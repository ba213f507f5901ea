"""/checks/ and /articles/ a page at a time by keyset: Newer and Older, Newest and Oldest,
no page numbers, a count that stops at its cap."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from django.utils import timezone

from annotations import bounded, listing, views
from annotations import published as published_pages
from annotations.models import Article, Claim
from annotations.publishing.keyset import LAST_PAGE, Cursor, page
from tests import factories

pytestmark = pytest.mark.django_db


def checks(article, reviewer, editor, n: int) -> list[Claim]:
    """``n`` approved checks, approved a minute apart (the newest last), some at the same
    moment so that the id breaks the tie."""
    base = timezone.now() - timedelta(days=1)
    made = []
    for i in range(n):
        claim = factories.make_approved(article, reviewer, editor, n=i)
        moment = base + timedelta(minutes=i - i % 3)  # three share each minute
        Claim.objects.filter(pk=claim.pk).update(approved_at=moment)
        made.append(claim)
    return made


def newest_first(claims: list[Claim]) -> list[int]:
    fresh = Claim.objects.filter(pk__in=[c.pk for c in claims])
    return list(fresh.order_by("-approved_at", "-id").values_list("pk", flat=True))


def links(html: str) -> dict[str, str]:
    """The pager's links by their words."""
    found = re.findall(r'<a (?:rel="\w+" )?href="([^"]+)">([^<]+)</a>', html)
    return {text.strip(" ←→«»"): unescape(href) for href, text in found if "?" in href}


def shown(response) -> list[int]:
    return [row.pk for row in response.context["page"].rows]


def test_keyset_pages_walk_a_list_newest_first_both_ways(article, reviewer, editor):
    made = checks(article, reviewer, editor, 8)
    queryset = Claim.objects.approved()
    fields = ("approved_at", "id")
    walked, cursor = [], None
    while True:
        around = page(queryset, cursor, 3, fields, descending=True)
        walked += [c.pk for c in around.rows]
        if around.next is None:
            break
        cursor = around.next
    assert walked == newest_first(made)
    backwards, cursor = [], LAST_PAGE
    while cursor is not None:
        around = page(queryset, cursor, 3, fields, descending=True)
        backwards = [c.pk for c in around.rows] + backwards
        cursor = around.prev
    assert backwards == walked
    oldest = page(queryset, LAST_PAGE, 3, fields, descending=True)
    assert [c.pk for c in oldest.rows] == walked[-3:]
    assert isinstance(oldest.prev, Cursor) and oldest.next is None


def test_the_public_list_is_walked_by_its_older_and_newer_links(
    client, article, reviewer, editor, monkeypatch
):
    made = checks(article, reviewer, editor, 7)
    monkeypatch.setattr(published_pages, "CHECKS_PER_PAGE", 3)
    first = client.get("/checks/")
    assert shown(first) == newest_first(made)[:3]
    html = first.content.decode()
    assert "Page " not in html and "?page=" not in html
    assert set(links(html)) == {"Older", "Oldest"}
    seen, response = shown(first), first
    while "Older" in links(response.content.decode()):
        response = client.get("/checks/" + links(response.content.decode())["Older"])
        seen += shown(response)
    assert seen == newest_first(made)
    assert set(links(response.content.decode())) == {"Newest", "Newer"}
    back = client.get("/checks/" + links(response.content.decode())["Newer"])
    assert shown(back) == newest_first(made)[3:6]
    oldest = client.get("/checks/" + links(html)["Oldest"])
    assert shown(oldest) == newest_first(made)[-3:]


def test_the_links_keep_the_filters_and_the_search(client, article, reviewer, editor, monkeypatch):
    checks(article, reviewer, editor, 5)
    monkeypatch.setattr(published_pages, "CHECKS_PER_PAGE", 2)
    html = client.get("/checks/", {"verdict": "false", "q": "the"}).content.decode()
    older = links(html)["Older"]
    assert "verdict=false" in older and "q=the" in older and "cursor=" in older


def test_a_page_number_is_no_longer_walked_to(client, article, reviewer, editor, monkeypatch):
    made = checks(article, reviewer, editor, 4)
    monkeypatch.setattr(published_pages, "CHECKS_PER_PAGE", 2)
    assert shown(client.get("/checks/", {"page": "3749"})) == newest_first(made)[:2]


@pytest.mark.parametrize("cursor", ["zz", "WyJhIl0", "WyJhIiwiMjAyNCIsMV0", "bm90IGpzb24"])
def test_a_cursor_we_did_not_make_is_a_400_that_says_what_to_do(client, reviewer, article, cursor):
    response = client.get("/checks/", {"cursor": cursor})
    assert response.status_code == 400
    assert "follow its Newer and Older links" in unescape(response.content.decode())
    client.force_login(reviewer)
    response = client.get("/articles/", {"cursor": cursor})
    assert response.status_code == 400
    assert listing.BAD_PAGE_LINK in unescape(response.content.decode())


def test_the_count_stops_at_its_cap(client, article, reviewer, editor, monkeypatch):
    checks(article, reviewer, editor, 4)
    assert "4 fact-checks." in client.get("/checks/").content.decode()
    monkeypatch.setattr(bounded, "COUNT_CAP", 3)
    assert "More than 3 fact-checks." in client.get("/checks/").content.decode()
    one = client.get("/checks/", {"verdict": "true"}).content.decode()
    assert "No published fact-check matches." in one


def test_the_article_list_is_paged_by_import_time(client, reviewer, seed_articles, monkeypatch):
    base = timezone.now() - timedelta(days=2)
    for i, article in enumerate(Article.objects.order_by("id")):
        Article.objects.filter(pk=article.pk).update(imported_at=base + timedelta(hours=i // 2))
    expected = list(Article.objects.order_by("-imported_at", "-id").values_list("pk", flat=True))
    monkeypatch.setattr(views, "ARTICLES_PER_PAGE", 2)
    client.force_login(reviewer)
    response, seen = client.get("/articles/"), []
    while True:
        seen += shown(response)
        older = links(response.content.decode()).get("Older")
        if older is None:
            break
        response = client.get("/articles/" + older)
    assert seen == expected
    html = client.get("/articles/").content.decode()
    assert f"{len(expected)} articles." in html
