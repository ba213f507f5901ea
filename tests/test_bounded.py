"""Reads bounded whatever the table's size: capped counts and distinct values from an index."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotations import bounded
from annotations.bounded import (
    CappedPaginator,
    Tally,
    count_up_to,
    counts_up_to,
    distinct_values,
)
from annotations.models import Article, Claim
from tests import factories

pytestmark = pytest.mark.django_db


def articles(n: int, publisher: str = "news.example.org", start: int = 0) -> list[Article]:
    return Article.objects.bulk_create(
        Article(
            title=f"Article {i}",
            body="Some words here.",
            raw_text="Some words here.",
            content_hash=f"{i:064d}",
            origin=f"{i}.txt",
            publisher=publisher,
        )
        for i in range(start, start + n)
    )


def test_a_tally_reads_as_a_person_would_say_it():
    assert str(Tally(7)) == "7"
    assert str(Tally(1000, more=True)) == "more than 1,000"
    assert (Tally(1).plural, Tally(2).plural, Tally(0).plural) == (False, True, True)
    assert Tally(1000, more=True).plural


def test_an_estimate_reads_as_one():
    assert str(Tally(48_000, about=True)) == "about 48,000"
    assert Tally(48_000, about=True).capped and Tally(3, more=True).capped
    assert not Tally(3).capped
    assert [bounded.round_estimate(n) for n in (7, 48, 1234, 48_458, 1_049_999)] == [
        7, 48, 1200, 48_000, 1_000_000,
    ]  # fmt: skip


def test_an_estimate_is_asked_only_past_twice_the_cap(monkeypatch):
    articles(12)
    monkeypatch.setattr(bounded, "planned_rows", lambda queryset: 25)
    assert bounded.count_or_estimate(Article.objects.all(), cap=10) == Tally(25, about=True)
    monkeypatch.setattr(bounded, "planned_rows", lambda queryset: 15)
    assert bounded.count_or_estimate(Article.objects.all(), cap=10) == Tally(10, more=True)
    monkeypatch.setattr(bounded, "planned_rows", lambda queryset: None)  # SQLite: counted
    assert bounded.count_or_estimate(Article.objects.all(), cap=20) == Tally(12)


def test_a_count_is_exact_up_to_its_cap_and_more_than_the_cap_past_it():
    articles(12)
    assert count_up_to(Article.objects.all(), cap=12) == Tally(12)
    assert count_up_to(Article.objects.all(), cap=11) == Tally(11, more=True)
    assert count_up_to(Article.objects.filter(title="Article 3"), cap=11) == Tally(1)


def test_a_capped_count_reads_no_more_than_cap_plus_one_rows():
    articles(30)
    with CaptureQueriesContext(connection) as queries:
        count_up_to(Article.objects.all(), cap=10)
    (sql,) = [q["sql"] for q in queries.captured_queries]
    assert "LIMIT 11" in sql


def test_several_capped_counts_take_one_query(reviewer, article):
    factories.make_draft(article, reviewer)
    factories.make_submitted(article, reviewer, n=1)
    factories.make_submitted(article, reviewer, n=2)
    with CaptureQueriesContext(connection) as queries:
        counts = counts_up_to(
            {
                "drafts": Claim.objects.filter(status="draft"),
                "submitted": Claim.objects.filter(status="submitted"),
                "approved": Claim.objects.filter(status="approved"),
                "articles": Article.objects.all(),
            },
            cap=3,
        )
    assert len(queries.captured_queries) == 1
    assert counts == {
        "drafts": Tally(1),
        "submitted": Tally(2),
        "approved": Tally(0),
        "articles": Tally(3, more=True),  # the seed articles number more than three
    }


def test_the_paginator_numbers_the_pages_up_to_the_cap(monkeypatch):
    articles(25)
    monkeypatch.setattr(bounded, "COUNT_CAP", 20)
    paginator = CappedPaginator(Article.objects.order_by("id"), 5)
    assert paginator.tally == Tally(20, more=True)
    assert (paginator.count, paginator.num_pages) == (20, 4)
    assert len(paginator.page(4).object_list) == 5
    small = CappedPaginator(Article.objects.filter(title__in=["Article 1", "Article 2"]), 5)
    assert (small.tally, small.count) == (Tally(2), 2)


def test_distinct_values_are_read_from_the_index_one_at_a_time(reviewer, editor):
    articles(5, "b.example.org")
    articles(3, "a.example.org", start=5)
    articles(2, "", start=8)
    with CaptureQueriesContext(connection) as queries:
        assert distinct_values(Article, "publisher") == ["a.example.org", "b.example.org"]
    (sql,) = [q["sql"] for q in queries.captured_queries]
    assert "WITH RECURSIVE" in sql and "DISTINCT" not in sql
    assert distinct_values(Article, "publisher", limit=1) == ["a.example.org"]


def test_distinct_values_can_keep_only_those_with_related_rows(seed_articles, reviewer, editor):
    checked = seed_articles["000"]
    factories.make_approved(checked, reviewer, editor)
    factories.make_submitted(seed_articles["001"], reviewer)
    Article.objects.filter(pk=seed_articles["001"].pk).update(publisher="unchecked.example.org")
    having = (Claim.objects.approved(), "article__publisher")
    assert distinct_values(Article, "publisher", having=having) == [checked.publisher]
    assert "unchecked.example.org" in distinct_values(Article, "publisher")
