"""Importing saved pages and web addresses: extraction, exact raw text, idempotency."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command

from annotations import extraction
from annotations.importers import (
    FAILED,
    IMPORTED,
    UNCHANGED,
    UPDATED,
    import_bytes,
    import_paths,
    import_url,
    parse,
)
from annotations.models import Article

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "pages"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def test_a_news_page_keeps_its_article_and_leaves_the_furniture_out():
    result = import_bytes(fixture("news_article.html"), origin="news_article.html")
    assert result.status == IMPORTED
    a = result.article
    assert a.title == "Chipmaker reports record orders as exports slow"
    assert (a.byline, a.publisher) == ("Mei Lin", "The Harbour Times")
    assert a.source_url == (
        "https://www.harbourtimes.example/business/2025/04/02/chipmaker-record-orders"
    )
    assert a.published_at.date().isoformat() == "2025-04-02"
    assert "its revenue grew 12 percent in 2024" in a.body
    assert a.body.rstrip().endswith("a second line would open in 2026.")
    furniture = ["Subscribe now", "Advertisement", "Share on", "Related stories",
                 "Tariffs bite", "23 Comments", "trader_joe", "Reply", "All rights"]  # fmt: skip
    for noise in furniture:
        assert noise not in a.body, noise
    assert a.raw_text.encode("utf-8") == fixture("news_article.html")


def test_a_windows_1252_blog_post_is_kept_byte_for_byte():
    data = fixture("blog_post_cp1252.html")
    result = import_bytes(data, origin="blog_post_cp1252.html")
    a = result.article
    revision = a.revisions.get()
    assert revision.encoding == "cp1252"
    assert a.raw_text.encode(revision.encoding) == data
    assert "“12 million and not a cent more”" in a.body
    assert "The café owners" in a.body
    assert a.byline == "Tomás Ruiz"
    assert a.source_url == "https://civicledger.example/2025/03/bridge-repair-costs"
    for noise in ["Image source", "Article Source", "responses to", "Leave a Reply",
                  "Same story every year", "Recent Posts"]:  # fmt: skip
        assert noise not in a.body, noise


def test_a_wire_story_without_an_article_element():
    a = import_bytes(fixture("wire_story.html"), origin="wire_story.html").article
    assert a.title == "Port strike ends after 11 days"
    assert (a.byline, a.publisher) == ("Ravi Patel", "Wire Service Example")
    assert a.published_at.date().isoformat() == "2025-06-18"
    assert "evening shift 🚢 at all container terminals" in a.body
    for noise in ["Advertisement", "Getty Images", "More from Wire", "Most read", "Print"]:
        assert noise not in a.body, noise


def test_a_page_without_an_article_is_refused_with_a_reason():
    result = import_bytes(fixture("not_an_article.html"), origin="login.html")
    assert (result.status, result.message) == (FAILED, extraction.NOT_A_PAGE)
    assert not Article.objects.exists()


def test_the_same_article_in_a_page_with_other_ads_is_unchanged():
    data = fixture("news_article.html")
    import_bytes(data, origin="a.html")
    other_ad = data.replace(b"Advertisement", b"Advertisement: buy shoes")
    result = import_bytes(other_ad, origin="a.html")
    assert (result.status, Article.objects.count()) == (UNCHANGED, 1)


def test_the_text_importer_leaves_comment_threads_image_credits_and_source_lines_out():
    parsed = parse(
        "A headline about the harbour\n"
        "The port handled a record number of containers last year, officials said.\n"
        "Photo: Reuters\n"
        "(Photo by Jan de Vries/AFP via Getty Images)\n"
        "Image source: Visual China\n"
        "Workers in the clean room. Photo: Harbour Times\n"
        "Traffic is expected to grow again this year.\n"
        "Article Source: https://news.example.org/harbour-record\n"
        "12 Comments\n"
        "jdoe · 3 hours ago\n"
        "I do not believe a word of this.\n"
        "Reply\n"
    )
    assert parsed.body.split("\n") == [
        "A headline about the harbour",
        "The port handled a record number of containers last year, officials said.",
        "Workers in the clean room. Photo: Harbour Times",  # a caption, not a bare credit
        "Traffic is expected to grow again this year.",
    ]
    assert parsed.source_url == "https://news.example.org/harbour-record"
    assert parsed.publisher == "news.example.org"


def test_a_web_address_is_read_and_imported_with_its_final_address(pages, editor):
    pages.route(
        "/story",
        fixture("news_article.html"),
        headers={"Content-Type": "text/html; charset=utf-8", "ETag": '"abc"',
                 "Last-Modified": "Wed, 02 Apr 2025 08:30:00 GMT"},
    )  # fmt: skip
    start = pages.redirect("/s/1", "/story")
    result = import_url(start + "#comments", user=editor)
    assert result.status == IMPORTED
    a = result.article
    assert a.origin == start  # the address as given, without the fragment
    assert a.fetched_url == pages.url("/story")
    assert a.fetched_at is not None and a.checked_at is not None
    assert (a.etag, a.last_modified) == ('"abc"', "Wed, 02 Apr 2025 08:30:00 GMT")
    assert a.raw_text.encode() == fixture("news_article.html")
    revision = a.revisions.get()
    assert (revision.number, revision.fetched_url, revision.created_by) == (
        1, pages.url("/story"), editor,
    )  # fmt: skip


def test_reading_a_known_address_again_sends_its_validators_and_changes_nothing(pages):
    url = pages.route(
        "/story", fixture("news_article.html"),
        headers={"Content-Type": "text/html", "ETag": '"abc"'},
    )  # fmt: skip
    first = import_url(url)
    again = import_url(url)
    assert again.status == UNCHANGED
    assert pages.requests[-1][1]["if-none-match"] == '"abc"'
    assert Article.objects.get().pk == first.article.pk
    assert first.article.revisions.count() == 1


def test_a_changed_page_is_refused_without_update_and_becomes_a_revision_with_it(pages):
    url = pages.page("/story", fixture("news_article.html"))
    import_url(url)
    pages.page("/story", fixture("news_article.html").replace(b"12 percent", b"9 percent"))
    assert "use --update" in import_url(url).message
    result = import_url(url, update=True)
    assert (result.status, result.message) == (UPDATED, "revision 2")
    article = Article.objects.get()
    assert "grew 9 percent" in article.body
    assert article.revisions.count() == 2


def test_the_command_takes_addresses_files_and_folders_together(pages, tmp_path, capsys, settings):
    url = pages.page("/story", fixture("wire_story.html"))
    (tmp_path / "page.html").write_bytes(fixture("news_article.html"))
    (tmp_path / "note.txt").write_text("A headline\nSome text of the article.\nMore.")
    settings.FACTCHECK_FETCH_ALLOW_PRIVATE = True
    with pytest.raises(SystemExit):
        call_command("import_articles", url, str(tmp_path), pages.url("/missing"))
    out, err = capsys.readouterr()
    assert f"{pages.url('/missing')}: the server answered 404 Not Found" in err
    assert out.strip().endswith("imported 3, unchanged 0, failed 1")
    summary = import_paths([url, str(tmp_path)])
    assert str(summary) == "imported 0, unchanged 3, failed 0"
