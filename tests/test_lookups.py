"""annotations.lookups: ``field__among`` gives what ``field__in`` gives, in one parameter."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotations.lookups import any_of
from annotations.models import Appearance, Claim
from tests import factories

pytestmark = pytest.mark.django_db


def test_among_finds_what_in_finds(seed_articles, reviewer):
    claims = [factories.make_draft(seed_articles["000"], reviewer, n=i) for i in range(3)]
    ids = [claims[0].pk, claims[2].pk, 999_999]
    assert set(Claim.objects.filter(pk__among=ids)) == {claims[0], claims[2]}
    among = Appearance.objects.filter(claim_id__among=ids).values_list("claim_id", flat=True)
    assert sorted(among) == sorted(
        Appearance.objects.filter(claim_id__in=ids).values_list("claim_id", flat=True)
    )
    assert list(Claim.objects.filter(pk__among=[])) == []
    assert list(Claim.objects.filter(pk__among=[None])) == []
    subquery = Claim.objects.filter(pk=claims[1].pk).values("pk")
    assert list(Claim.objects.filter(pk__among=subquery)) == [claims[1]]


def test_a_thousand_ids_are_one_parameter_on_postgresql(seed_articles, reviewer):
    claim = factories.make_draft(seed_articles["000"], reviewer)
    with CaptureQueriesContext(connection) as queries:
        found = list(Claim.objects.filter(pk__among=[claim.pk, *range(10**6, 10**6 + 999)]))
    assert found == [claim]
    sql = queries.captured_queries[0]["sql"]
    if connection.vendor == "postgresql":
        assert "= ANY(" in sql and sql.count("%s") == 0
    else:
        assert " IN (" in sql


def test_raw_sql_spells_it_the_same_way():
    assert any_of('"claim_id"', [1, 2], "postgresql") == ('"claim_id" = ANY(%s)', ([1, 2],))
    assert any_of('"claim_id"', [1, 2], "sqlite") == ('"claim_id" IN (%s, %s)', (1, 2))
