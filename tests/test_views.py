import html

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_anonymous_users_are_sent_to_log_in(client, article):
    for url in [reverse("annotations:article-list"), article.get_absolute_url()]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_login_page_logs_a_reviewer_in_to_my_work(client, reviewer):
    response = client.post(reverse("login"), {"username": "reviewer", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("annotations:home") == "/"
    assert client.get("/").templates[0].name == "annotations/my_work.html"


def test_article_list_shows_the_seed_titles(client, reviewer, seed_articles):
    client.force_login(reviewer)
    response = client.get(reverse("annotations:article-list"))
    assert response.status_code == 200
    for article in seed_articles.values():
        assert html.escape(article.title) in response.content.decode()


def test_article_list_search_and_pagination(client, reviewer, seed_articles):
    client.force_login(reviewer)
    response = client.get(reverse("annotations:article-list"), {"q": "Qi Qian"})
    assert list(response.context["page"].rows) == []  # byline is not searched…
    response = client.get(reverse("annotations:article-list"), {"q": "Cambricon"})
    assert [a.pk for a in response.context["page"].rows] == [seed_articles["002"].pk]
    response = client.get(reverse("annotations:article-list"), {"page": "999"})
    assert response.status_code == 200  # page numbers are gone: the first page


def test_article_list_query_count_does_not_grow(
    client, reviewer, seed_articles, django_assert_num_queries
):
    client.force_login(reviewer)
    # session, user, the user's own and group permissions in one query (which claims may
    # they see?),
    # the page of articles with their visible claims counted, the count up to its cap,
    # the header's counts (claims, articles, unread notifications: one query)
    with django_assert_num_queries(6):
        client.get(reverse("annotations:article-list"))


def test_article_page_shows_paragraphs_with_offsets(client, reviewer, article):
    client.force_login(reviewer)
    response = client.get(article.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    paragraphs = article.paragraphs()
    assert len(response.context["paragraphs"]) == len(paragraphs)
    offset, text = paragraphs[3]
    assert f'data-offset="{offset}"' in html
    assert article.body[offset : offset + len(text)] == text


def test_article_text_is_escaped(client, reviewer):
    from annotations.importers import import_bytes

    result = import_bytes(b"Title <b>x</b>\n<script>alert(1)</script> body\nmore", origin="x.txt")
    client.force_login(reviewer)
    html = client.get(result.article.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_missing_article_is_404(client, reviewer):
    client.force_login(reviewer)
    assert client.get("/articles/999999/").status_code == 404


def test_the_article_list_counts_only_the_claims_the_reader_may_see(
    client, reviewer, reviewer2, article
):
    """Defect: reviewer2 saw "4 claims" on an article whose workspace showed them 1."""
    from tests import factories

    for n in range(3):
        factories.make_draft(article, reviewer, n=n)  # private to their author
    factories.make_submitted(article, reviewer, n=3)
    client.force_login(reviewer2)
    html = client.get("/articles/").content.decode()
    assert "<span>1 claim</span>" in html
    client.force_login(reviewer)
    assert "4 claims" in client.get("/articles/").content.decode()
