"""The full-text index: search finds every word, similar ranks by what is shared."""

from __future__ import annotations

import pytest
from django.db import connection

from annotations import search
from annotations.models import Claim
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def claims(seed_articles, reviewer):
    texts = {
        "ban": "The US banned Nvidia from selling its H20 chips to China",
        "charge": "Nvidia took a $5.5 billion charge on unsold H20 inventory",
        "huawei": "Huawei is building an advanced chip production line in Shenzhen",
        "asml": "ASML is one of the few foundries able to make AI processors",
    }
    article = seed_articles["000"]
    return {
        key: factories.make_draft(article, reviewer, n=i, text=text)
        for i, (key, text) in enumerate(texts.items())
    }


def test_search_needs_every_word_stemmed_and_any_case(claims):
    found = set(Claim.objects.search("NVIDIA chips").values_list("pk", flat=True))
    assert found == {claims["ban"].pk}  # "chips" matches "chips", not "chip" alone
    assert list(Claim.objects.search("banning nvidia")) == [claims["ban"]]  # stems
    assert not Claim.objects.search("nvidia xylophone").exists()


def test_text_with_no_word_is_looked_for_as_it_is(claims):
    assert list(Claim.objects.search("$5.5")) == [claims["charge"]]


def test_the_index_follows_edits_and_deletions(claims, reviewer):
    from annotations.claims import claim_update

    claim_update(claim=claims["asml"], user=reviewer, version=None, text="ASML makes lithography")
    assert list(Claim.objects.search("lithography")) == [claims["asml"]]
    assert not Claim.objects.search("foundries processors").exists()
    claims["huawei"].appearances.all().delete()
    claims["huawei"].delete()
    assert not Claim.objects.search("Shenzhen").exists()


def test_similar_ranks_a_paraphrase_first(claims):
    ranked = search.similar("China can no longer buy the H20 from Nvidia, Washington says")
    assert ranked[0].id == claims["ban"].pk
    assert 0 < ranked[-1].score <= ranked[0].score <= 1
    within = search.similar("H20", within=[claims["charge"].pk])
    assert [r.id for r in within] == [claims["charge"].pk]
    assert search.similar("the of and") == []


def test_the_sqlite_index_survives_a_table_rebuild(claims):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite-only: its index follows the table through triggers")
    with connection.cursor() as cursor:
        for name in search.SQLITE_TRIGGERS:
            cursor.execute(f"DROP TRIGGER {name}")  # what a table-rebuilding migration does
    Claim.objects.filter(pk=claims["asml"].pk).update(claim="Completely new wording here")
    search.install(connection)  # as post_migrate does
    assert list(Claim.objects.search("completely wording")) == [claims["asml"]]
