import pytest
from django.core.management import call_command
from django.db import connection

from annotations.models import Article, Claim, ClaimEvent, Source
from annotations.richtext import render_markdown
from bench.management.commands.generate_bench_data import Command, article_text

pytestmark = pytest.mark.django_db


def generate(**options) -> None:
    """The command belongs to the ``bench`` app, which only bench/settings.py installs:
    call it by its class, as ``manage.py`` does under the bench settings."""
    call_command(Command(), **options)


def test_the_generator_makes_approved_claims_anchored_to_their_text(capsys):
    generate(articles=3, claims=25, sources=2, article_chars=1500, seed=7, batch=10)
    assert "generated 3 articles and 25 claims" in capsys.readouterr().out
    assert Article.objects.count() == 3
    assert Claim.objects.filter(status="approved", approved_by__isnull=False).count() == 25
    assert Source.objects.count() == 50
    assert ClaimEvent.objects.count() == 50  # submitted, approved
    for claim in Claim.objects.select_related("article"):
        assert claim.article.body[claim.start : claim.end] == claim.exact
        assert claim.exact.strip() == claim.exact
        # Rationales as the workspace writes them: Markdown, and that rendered.
        assert claim.rationale == render_markdown(claim.rationale_markdown) != ""
        (appearance,) = claim.appearances.all()
        assert appearance.primary and (appearance.start, appearance.end) == (claim.start, claim.end)


def test_the_generator_leaves_a_share_in_review_and_in_draft_with_their_history():
    generate(articles=4, claims=400, sources=1, article_chars=1500, seed=5, submitted=0.2,
             drafts=0.05)  # fmt: skip
    counts = {s: Claim.objects.filter(status=s).count() for s in ("approved", "submitted", "draft")}
    assert sum(counts.values()) == 400
    assert 50 <= counts["submitted"] <= 110 and 5 <= counts["draft"] <= 40
    assert not Claim.objects.filter(status="draft", submitted_at__isnull=False).exists()
    assert not Claim.objects.filter(status="submitted", approved_at__isnull=False).exists()
    assert ClaimEvent.objects.count() == counts["submitted"] + 2 * counts["approved"]
    assert not ClaimEvent.objects.filter(claim__status="submitted", to_status="approved").exists()


def test_the_generator_refuses_shares_that_add_up_to_more_than_everything():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="together ≤ 1"):
        generate(articles=1, claims=1, submitted=0.7, drafts=0.5)


def test_the_generated_text_depends_only_on_the_seed():
    import random

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

    generate(articles=2, claims=12, sources=1, article_chars=800, seed=3, batch=10)
    # PostgreSQL keeps statistics through a rollback: 12 is this run's count, not a leftover.
    assert claim_statistics() == 12


def test_production_manage_py_does_not_list_the_generator_and_the_bench_settings_do():
    from tests.test_settings import run_manage

    production = run_manage("help", "--commands", DJANGO_DEBUG="true")
    assert production.returncode == 0, production.stderr
    assert "import_articles" in production.stdout.split()
    assert "generate_bench_data" not in production.stdout
    bench = run_manage("help", "--commands", DJANGO_SETTINGS_MODULE="bench.settings")
    assert bench.returncode == 0, bench.stderr
    assert "generate_bench_data" in bench.stdout.split()
