"""The desk's lists at any size: filters that list no whole table, counts that stop at a
cap, sorting that follows an index (annotations/admin_lists.py)."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.urls import reverse

from annotations import bounded
from annotations.models import Article
from tests.conftest import make_user
from tests.factories import make_approved, make_draft, make_submitted

pytestmark = pytest.mark.django_db

CLAIMS = reverse("admin:annotations_claim_changelist")
ARTICLES = reverse("admin:annotations_article_changelist")
EVENTS = reverse("admin:annotations_claimevent_changelist")
AUTOCOMPLETE = reverse("admin:autocomplete")


def filter_choices(response, title: str) -> list[str]:
    """The entries a sidebar filter offers, "All" first."""
    spec = next(s for s in response.context["cl"].filter_specs if s.title == title)
    return [str(choice["display"]) for choice in spec.choices(response.context["cl"])]


def test_author_and_assignee_filters_list_only_the_desks_people(
    client, editor, editor2, reviewer, reviewer2, outsider, article
):
    former = make_user("former", "Reviewers")
    make_submitted(article, former)
    former.groups.clear()  # left the desk: their claims stay, their name leaves the filter
    make_user("inactive", "Editors", is_active=False)
    client.force_login(editor)
    response = client.get(CLAIMS)
    desk = ["editor", "editor2", "reviewer", "reviewer2"]
    assert filter_choices(response, "author") == ["All", *desk]
    assert filter_choices(response, "assignee") == ["All", "editor", "editor2", "-"]


def test_the_article_filter_is_typed_into_and_lists_no_titles(
    client, editor, reviewer, seed_articles
):
    make_submitted(seed_articles["001"], reviewer)
    client.force_login(editor)
    html = client.get(CLAIMS).content.decode()
    select = re.search(r"<select[^>]*data-filter-param=\"article__id__exact\"[^>]*>.*?</select>",
                       html, re.S)  # fmt: skip
    assert select, "the article filter's search box is missing"
    box = select.group(0)
    assert f'data-ajax--url="{AUTOCOMPLETE}"' in box
    assert 'data-model-name="claim"' in box and 'data-field-name="article"' in box
    assert box.count("<option") == 1  # the empty one: no article is listed
    assert "annotations/admin/autocomplete_filter.js" in html
    assert "admin/js/autocomplete.js" in html
    chosen = seed_articles["001"]
    html = client.get(CLAIMS, {"article__id__exact": chosen.pk, "status__exact": "submitted"})
    box = re.search(r"<select[^>]*data-filter-param[^>]*>.*?</select>", html.content.decode(),
                    re.S).group(0)  # fmt: skip
    assert f'<option value="{chosen.pk}" selected>' in box
    assert 'data-filter-base="?status__exact=submitted"' in box


def test_the_article_search_box_finds_titles_not_bodies(client, editor, seed_articles):
    client.force_login(editor)
    article = seed_articles["002"]
    word = article.title.split()[-1]
    params = {"app_label": "annotations", "model_name": "claim", "field_name": "article"}
    found = client.get(AUTOCOMPLETE, {**params, "term": word}).json()
    assert {"id": str(article.pk), "text": article.title} in found["results"]
    only_in_a_body = next(
        w for w in article.body.split() if len(w) > 6 and w.isalpha()
        and not Article.objects.filter(title__icontains=w).exists()
    )  # fmt: skip
    assert client.get(AUTOCOMPLETE, {**params, "term": only_in_a_body}).json()["results"] == []
    # The articles' own search box still searches the text.
    listed = client.get(ARTICLES, {"q": only_in_a_body}).context["cl"].result_list
    assert article in list(listed)


def test_a_list_longer_than_the_cap_says_more_than_and_offers_no_select_all(
    client, editor, reviewer, article, monkeypatch
):
    for n in range(5):
        make_draft(article, reviewer, n=n)
    monkeypatch.setattr(bounded, "COUNT_CAP", 3)
    monkeypatch.setattr(bounded, "planned_rows", lambda queryset: None)  # counted, not estimated
    client.force_login(editor)
    response = client.get(CLAIMS, {"q": "the"})
    html = unescape(response.content.decode())
    assert "More than 3 claims: the pages hold the first 3." in html
    assert "more than 3 results" in html
    assert "select the objects across all pages" not in html
    assert response.context["cl"].result_count == 3
    monkeypatch.setattr(bounded, "COUNT_CAP", 1000)
    html = client.get(CLAIMS).content.decode()
    assert "5 claims" in html and "More than" not in html


def test_only_indexed_columns_sort_and_ties_break_the_same_way(client, editor, reviewer, article):
    for n in range(3):
        make_submitted(article, reviewer, n=n)
    client.force_login(editor)
    response = client.get(CLAIMS)
    cl = response.context["cl"]
    sortable = [h["text"] for h in _headers(response) if h["sortable"]]
    assert sortable == ["age"]
    age = cl.list_display.index("age")
    ascending = client.get(CLAIMS, {"o": str(age)}).context["cl"].queryset.query.order_by
    assert ascending[-1] == "pk"  # not Django's "-pk" against an ascending column
    descending = client.get(CLAIMS, {"o": f"-{age}"}).context["cl"].queryset.query.order_by
    assert descending[-1] == "-pk"
    assert [h["text"] for h in _headers(client.get(ARTICLES)) if h["sortable"]] == [
        "priority",
        "due date",
    ]
    assert [h["text"] for h in _headers(client.get(EVENTS)) if h["sortable"]] == ["at"]


def _headers(response) -> list[dict]:
    from django.contrib.admin.templatetags.admin_list import result_headers

    return [h for h in result_headers(response.context["cl"]) if h["text"] != ""]


def test_the_article_list_has_no_date_hierarchy_and_reads_publishers_from_the_index(
    client, editor, reviewer, seed_articles
):
    Article.objects.filter(pk=seed_articles["001"].pk).update(publisher="b.example.org")
    make_submitted(seed_articles["000"], reviewer)
    client.force_login(editor)
    response = client.get(ARTICLES)
    assert response.context["cl"].date_hierarchy is None
    publishers = sorted({a.publisher for a in Article.objects.all() if a.publisher})
    assert filter_choices(response, "publisher")[1:] == publishers
    row = next(a for a in response.context["cl"].result_list if a.pk == seed_articles["000"].pk)
    assert row.claims_submitted == 1 and row.claims_draft == 0


def test_the_desk_at_a_glance_says_more_than_past_the_cap(
    client, editor, reviewer, article, monkeypatch
):
    for n in range(4):
        make_submitted(article, reviewer, n=n)
    make_approved(article, reviewer, editor, n=5)
    monkeypatch.setattr(bounded, "COUNT_CAP", 3)
    client.force_login(editor)
    html = unescape(client.get(reverse("admin:index")).content.decode())
    waiting = re.search(r"Claims waiting for review</a></th>\s*<td>([^<]+)</td>", html)
    assert waiting.group(1) == "more than 3"
    approved = re.search(r"Approved in the past 7 days</a></th>\s*<td>([^<]+)</td>", html)
    assert approved.group(1) == "1"


def test_the_reviewers_group_is_what_puts_an_author_in_the_filter(client, editor, reviewer):
    newcomer = make_user("newcomer")
    client.force_login(editor)
    assert filter_choices(client.get(CLAIMS), "author") == ["All", "editor", "reviewer"]
    newcomer.groups.add(Group.objects.get(name="Reviewers"))
    assert "newcomer" in filter_choices(client.get(CLAIMS), "author")


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="estimates are PostgreSQL's planner's"
)
def test_a_search_past_the_cap_shows_the_planners_estimate(
    client, editor, reviewer, article, monkeypatch
):
    for n in range(40):
        make_draft(article, reviewer, n=n, rationale="<p>The ministry's report says so.</p>")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE annotations_claim")
    monkeypatch.setattr(bounded, "COUNT_CAP", 5)
    client.force_login(editor)
    response = client.get(CLAIMS, {"q": "ministry report"})
    tally = response.context["cl"].paginator.tally
    assert tally.about and 20 <= tally.n <= 80, tally
    html = unescape(response.content.decode())
    assert f"About {tally.n} claims: the pages hold the first 5." in html
    assert f"about {tally.n} results" in html
    assert len(response.context["cl"].result_list) == 40  # the page itself is exact


def test_a_column_the_list_does_not_offer_to_sort_by_is_not_sorted_by(
    client, editor, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(editor)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/admin/annotations/claim/?o=7").status_code == 200  # the assignee
    selects = [q["sql"] for q in queries.captured_queries if 'FROM "annotations_claim"' in q["sql"]]
    assert selects and not any('ORDER BY "annotations_claim"."assignee_id"' in s for s in selects)
