import pytest
from django.core.management import call_command
from django.db import connection

from annotations.models import Article, Claim, ClaimEvent, Source

pytestmark = pytest.mark.django_db


def test_the_generator_makes_approved_claims_anchored_to_their_text(capsys):
    call_command("generate_bench_data", articles=3, claims=25, sources=2, article_chars=1500,
                 seed=7, batch=10)  # fmt: skip
    assert "generated 3 articles and 25 claims" in capsys.readouterr().out
    assert Article.objects.count() == 3
    assert Claim.objects.filter(status="approved", approved_by__isnull=False).count() == 25
    assert Source.objects.count() == 50
    assert ClaimEvent.objects.count() == 50  # submitted, approved
    for claim in Claim.objects.select_related("article"):
        assert claim.article.body[claim.start : claim.end] == claim.exact
        assert claim.exact.strip() == claim.exact


def test_the_generated_text_depends_only_on_the_seed():
    import random

    from annotations.management.commands.generate_bench_data import article_text

    assert article_text(random.Random(3), 800) == article_text(random.Random(3), 800)
    assert article_text(random.Random(3), 800) != article_text(random.Random(4), 800)


def test_the_generator_leaves_planner_statistics_behind():
    """Without them, PostgreSQL plans each export page as a sort of every approved claim.

    (Other tests' runs make other counts: 12 can only come from this one.)
    """

    def claim_statistics() -> float | None:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'annotations_claim'")
                return cursor.fetchone()[0]
            cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
            if not cursor.fetchone():
                return None
            cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = 'annotations_claim'")
            row = cursor.fetchone()
            return float(row[0].split()[0]) if row else None

    call_command("generate_bench_data", articles=2, claims=12, sources=1, article_chars=800,
                 seed=3, batch=10)  # fmt: skip
    # PostgreSQL keeps statistics through a rollback: 12 is this run's count, not a leftover.
    assert claim_statistics() == 12
