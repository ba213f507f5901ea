"""Articles are searched through a full-text index of their own (title and text): FTS5 on
SQLite, GIN on PostgreSQL, as the claims are (annotations/search.py)."""

from __future__ import annotations

import pytest

from annotations.models import Article

pytestmark = pytest.mark.django_db


def found(text: str) -> set[str]:
    return set(Article.objects.search(text).values_list("origin", flat=True))


def article(origin: str, title: str, body: str) -> Article:
    return Article.objects.create(
        title=title, body=body, raw_text=body, content_hash=origin.ljust(64, "0"), origin=origin
    )


def test_titles_and_texts_are_found_by_every_word_stemmed():
    article("a.txt", "Chip exports doubled", "The ministry published its figures.")
    article("b.txt", "Harvest report", "Exporting grain and chips of wood rose sharply.")
    assert found("chips") == {"a.txt", "b.txt"}  # "chip" and "chips" share a stem
    assert found("ministry figures") == {"a.txt"}  # every word, title or text
    assert found("ministry grain") == set()
    assert found("EXPORTS") == {"a.txt", "b.txt"}


def test_a_changed_article_is_found_by_its_new_words_and_not_its_old_ones():
    changed = article("c.txt", "Old headline", "Nothing to see.")
    changed.title = "Semiconductor tariffs"
    changed.save()
    assert found("semiconductor") == {"c.txt"}
    assert found("headline") == set()
    Article.objects.filter(pk=changed.pk).delete()
    assert found("semiconductor") == set()


def test_text_with_no_searchable_word_is_looked_for_as_it_is():
    article("d.txt", "The %", "Fifty % of it.")
    assert found("%") == {"d.txt"}
