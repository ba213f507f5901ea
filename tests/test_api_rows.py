"""The row builder writes exactly what ClaimSerializer (the documented shape) writes."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone
from rest_framework.utils.encoders import JSONEncoder

from annotations.api.filters import exportable, verdict_scale
from annotations.api.rows import ClaimBuilder, claim_rows, row_fingerprint
from annotations.api.serializers import ClaimSerializer, TombstoneSerializer, claim_queryset
from annotations.claims import claim_update
from annotations.models import Article, Claim, Source, Verdict
from annotations.workflow import claim_transition
from tests import factories
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def dumps(value) -> str:
    return json.dumps(value, cls=JSONEncoder, ensure_ascii=False, separators=(",", ":"))


def serializer_output(claims: list[Claim]) -> list[str]:
    context = {"request": None, "scale_bounds": verdict_scale()[1]}
    by_id = claim_queryset().in_bulk([c.pk for c in claims])
    return [
        dumps(
            ClaimSerializer(by_id[c.pk], context=context).data
            if by_id[c.pk].status == Claim.Status.APPROVED
            else TombstoneSerializer(by_id[c.pk], context=context).data
        )
        for c in claims
    ]


def builder_output(claims: list[Claim]) -> list[str]:
    rows = list(claim_rows(Claim.objects.filter(pk__in=[c.pk for c in claims])).order_by("id"))
    by_id = {row["id"]: row for row in rows}
    items = ClaimBuilder(verdict_scale()[1]).build([by_id[c.pk] for c in claims])
    return [dumps(item) for item in items]


@pytest.fixture
def claims_of_every_shape(seed_articles, reviewer, editor) -> list[Claim]:
    """Approved claims that exercise each optional part of the representation."""
    plain = factories.approved(seed_articles["000"], reviewer, editor, rationale="<p>x</p>")
    Source.objects.filter(claim=plain).delete()  # an empty list of sources, too
    # Two sources in a chosen order, one with every field; unicode everywhere.
    rich = factories.approved(
        seed_articles["001"],
        reviewer,
        editor,
        claim="Zhōngguó 𝐀 chips “doubled” — 😀",
        rationale='<p>First &amp; <a href="https://example.org/x">second</a></p><ul><li>a</li></ul>',
        sources=2,
    )
    Source.objects.filter(claim=rich).update(accessed_on=date(2026, 1, 2))
    first = Source.objects.filter(claim=rich).order_by("order", "id").first()
    Source.objects.filter(pk=first.pk).update(
        archived_url="https://web.archive.org/x", publisher="Ünïcode Press", order=99
    )
    # A verdict without a rating, a correction (verdict changed after approval).
    unrated = factories.approved(seed_articles["002"], reviewer, editor)
    claim_update(claim=unrated, user=editor, version=None, verdict=Verdict.objects.get(slug="true"))
    Verdict.objects.filter(slug="true").update(rating_value=None)
    # No verdict at all; the author with a full name; an article with an original URL
    # and a publication date; and the approver with no name.
    named = make_user("named-reviewer", "Reviewers", first_name="Ana", last_name="Lima")
    no_verdict = factories.approved(seed_articles["003"], named, editor)
    Claim.objects.filter(pk=no_verdict.pk).update(verdict=None)
    Article.objects.filter(pk=seed_articles["003"].pk).update(
        source_url="https://news.example.org/a",
        published_at=datetime(2025, 3, 4, 5, 6, 7, 890123, tzinfo=UTC),
    )
    # A retracted claim: a tombstone.
    withdrawn = factories.approved(seed_articles["004"], reviewer, editor, sources=1)
    claim_transition(claim=withdrawn, user=editor, action="retract", comment="Wrong figure.")
    return [plain, rich, unrated, no_verdict, withdrawn]


def test_every_shape_is_written_byte_for_byte_as_the_serializer_writes_it(claims_of_every_shape):
    expected = serializer_output(claims_of_every_shape)
    assert builder_output(claims_of_every_shape) == expected
    # The fixture really covers what it claims to cover.
    items = [json.loads(line) for line in expected]
    assert items[1]["sources"][0]["publisher"] == "Example News"  # the reordered one is last
    assert items[1]["sources"][1]["archived_url"] == "https://web.archive.org/x"
    assert items[1]["sources"][0]["accessed_on"] == "2026-01-02"
    assert items[2]["verdict"]["rating_value"] is None and items[2]["corrections"]
    assert items[3]["verdict"] is None and items[3]["author"] == "Ana Lima"
    assert items[3]["article"]["published_at"] == "2025-03-04T05:06:07.890123Z"
    assert items[3]["article"]["url"] == "https://news.example.org/a"
    assert items[4]["status"] == "retracted" and "claim" not in items[4]


def test_times_are_written_in_the_configured_time_zone(claims_of_every_shape, settings):
    settings.TIME_ZONE = "America/Sao_Paulo"
    with timezone.override("America/Sao_Paulo"):
        expected = serializer_output(claims_of_every_shape)
        assert builder_output(claims_of_every_shape) == expected
    assert "-03:00" in expected[0]


def test_the_row_fingerprint_moves_with_what_the_representation_shows(article, reviewer, editor):
    claim = factories.approved(article, reviewer, editor)

    def fingerprint() -> list:
        return row_fingerprint(claim_rows(exportable()).get(pk=claim.pk))

    before = fingerprint()
    Article.objects.filter(pk=article.pk).update(updated_at=timezone.now() + timedelta(seconds=1))
    after_article = fingerprint()
    Verdict.objects.filter(pk=claim.verdict_id).update(label="Quite false")
    after_verdict = fingerprint()
    editor.first_name = "Edna"
    editor.save()
    after_approver = fingerprint()
    assert len({json.dumps(f, default=str) for f in (before, after_article, after_verdict)}) == 3
    assert after_approver[-1] == "Edna" and after_verdict[-1] != "Edna"
