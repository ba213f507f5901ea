"""The one builder: every exported claim is our JSON built from a row, and the documented
schema (``api.serializers``, which only describes) names exactly the fields it builds."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from annotations.models import Article, Claim, Source, Verdict
from annotations.publishing.rows import ClaimBuilder, claim_rows, row_fingerprint
from annotations.publishing.scale import verdict_scale
from annotations.publishing.uris import Links
from annotations.publishing.workspace import WorkspaceBuilder, lean_claims, workspace_rows
from annotations.workflow import claim_transition
from tests import factories
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def built(claims: list[Claim]) -> list[dict[str, Any]]:
    rows = list(claim_rows(Claim.objects.filter(pk__in=[c.pk for c in claims])).order_by("id"))
    by_id = {row["id"]: row for row in rows}
    return ClaimBuilder(verdict_scale()[1], Links("http://testserver")).build(
        [by_id[c.pk] for c in claims]
    )


@pytest.fixture(scope="module")
def schema(django_db_blocker) -> dict[str, Any]:
    from django.test import Client

    with django_db_blocker.unblock():
        return Client().get("/api/schema/", {"format": "json"}).json()["components"]["schemas"]


def properties(schema: dict[str, Any], name: str) -> dict[str, Any]:
    return schema[name]["properties"]


def resolve(schema: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any] | None:
    """The component an object property refers to (through allOf / items / nullable)."""
    if "$ref" in spec:
        component = schema[spec["$ref"].rsplit("/", 1)[1]]
        return component if "properties" in component else None  # not an enum
    for key in ("allOf", "oneOf", "anyOf"):
        for part in spec.get(key, []):
            found = resolve(schema, part)
            if found:
                return found
    if spec.get("type") == "array" and "items" in spec:
        return resolve(schema, spec["items"])
    return None


def assert_same_names(schema: dict[str, Any], component: str, value: Any, where: str = "") -> None:
    """``value``'s keys are exactly the component's properties, all the way down."""
    documented = properties(schema, component)
    items = value if isinstance(value, list) else [value]
    for item in items:
        assert set(item) == set(documented), f"{where or component}: {set(item) ^ set(documented)}"
        for key, spec in documented.items():
            nested = resolve(schema, spec)
            if nested is not None and item[key] not in (None, []):
                name = next(n for n, c in schema.items() if c is nested)
                assert_same_names(schema, name, item[key], f"{where or component}.{key}")


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
    editor2 = make_user("corrector", "Editors", is_staff=True)
    factories.corrected(unrated, editor2, editor, verdict=Verdict.objects.get(slug="true"))
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


def test_every_shape_is_built_with_exactly_the_documented_fields(claims_of_every_shape, schema):
    items = built(claims_of_every_shape)
    for item in items[:4]:
        assert_same_names(schema, "Claim", item)
    assert_same_names(schema, "Tombstone", items[4])
    # The fixture really covers what it claims to cover.
    assert items[1]["sources"][0]["publisher"] == "Example News"  # the reordered one is last
    assert items[1]["sources"][1]["archived_url"] == "https://web.archive.org/x"
    assert items[1]["sources"][0]["accessed_on"] == "2026-01-02"
    assert items[2]["verdict"]["rating_value"] is None and items[2]["corrections"]
    assert items[3]["verdict"] is None and items[3]["author"] == "Ana Lima"
    assert items[3]["article"]["published_at"] == "2025-03-04T05:06:07.890123Z"
    assert items[3]["article"]["url"] == "https://news.example.org/a"
    assert items[4]["status"] == "retracted" and "claim" not in items[4]


def test_the_workspace_shapes_are_the_documented_ones(claims_of_every_shape, schema, editor):
    rows = list(workspace_rows(Claim.objects.filter(pk__in=[c.pk for c in claims_of_every_shape])))
    full = WorkspaceBuilder(editor, verdict_scale()[1], Links("http://testserver")).build(rows)
    for item in full:
        assert_same_names(schema, "WorkspaceClaim", item)
    lean = lean_claims(editor, claims_of_every_shape[0].article_id)
    assert lean and all(set(item) == set(properties(schema, "LeanClaim")) for item in lean)


def test_times_are_written_in_the_configured_time_zone(claims_of_every_shape, settings):
    settings.TIME_ZONE = "America/Sao_Paulo"
    with timezone.override("America/Sao_Paulo"):
        items = built(claims_of_every_shape)
    assert items[0]["approved_at"].endswith("-03:00")
    assert items[3]["article"]["published_at"] == "2025-03-04T02:06:07.890123-03:00"
    assert (
        items[0]["updated_at"]
        == timezone.localtime(
            claims_of_every_shape[0].updated_at, timezone.get_fixed_timezone(-180)
        ).isoformat()
    )


def test_the_same_claim_reads_the_same_in_the_list_the_detail_and_the_stream(
    claims_of_every_shape, editor
):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=editor).key}")
    listed = client.get("/api/v1/claims/", {"updated_since": "2000-01-01"}).json()["results"]
    streamed = [
        json.loads(line)
        for line in b"".join(
            client.get("/api/v1/claims/export.jsonl", {"updated_since": "2000-01-01"})
        )
        .decode()
        .splitlines()
        if line
    ]
    assert listed == streamed
    for item in listed:
        detail = client.get(f"/api/v1/claims/{item['id']}/")
        assert detail.json() == item


def test_the_row_fingerprint_moves_with_what_the_representation_shows(article, reviewer, editor):
    claim = factories.approved(article, reviewer, editor)

    def fingerprint() -> list:
        return row_fingerprint(claim_rows(Claim.objects.approved()).get(pk=claim.pk))

    before = fingerprint()
    Article.objects.filter(pk=article.pk).update(updated_at=timezone.now() + timedelta(seconds=1))
    after_article = fingerprint()
    Verdict.objects.filter(pk=claim.verdict_id).update(label="Quite false")
    after_verdict = fingerprint()
    editor.first_name = "Edna"
    editor.save()
    after_approver = fingerprint()
    assert len({json.dumps(f, default=str) for f in (before, after_article, after_verdict)}) == 3
    assert after_approver[-2] == "Edna" and after_verdict[-2] != "Edna"
