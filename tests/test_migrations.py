"""Migrations carry existing data over: a database filled with the schema before claimants
and appearances comes out with every claim's span as its first appearance, ids and public
addresses unchanged, and the search index holding the old claims."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from annotations import tallies

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("annotations", "0002_default_scale_and_groups")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def latest():
    executor = MigrationExecutor(connection)
    return [key for key in executor.loader.graph.leaf_nodes() if key[0] == "annotations"]


@pytest.fixture
def old_schema():
    """The database at the schema before claimants and appearances; at the newest again
    afterwards, whatever the test did (the next tests need it)."""
    yield migrate(BEFORE)
    migrate(latest())


def test_every_claim_becomes_its_own_first_appearance(client, old_schema):
    old = old_schema
    User = old.get_model("auth", "User")
    Article = old.get_model("annotations", "Article")
    Claim = old.get_model("annotations", "Claim")
    Verdict = old.get_model("annotations", "Verdict")
    author = User.objects.create(username="old-reviewer")
    approver = User.objects.create(username="old-editor")
    body = "Headline\nNvidia lost 5.5 billion in revenue. 🎉 Huawei builds chips in Shenzhen."
    article = Article.objects.create(
        title="Headline", body=body, raw_text=body, content_hash="a" * 64, origin="old.txt"
    )
    now = timezone.now()
    made = []
    for words, status in [("Nvidia lost 5.5 billion", "approved"), ("Huawei builds", "draft")]:
        start = body.index(words)
        made.append(
            Claim.objects.create(
                article=article, start=start, end=start + len(words), exact=words,
                prefix=body[max(0, start - 32):start], suffix=body[start + len(words):][:32],
                claim=f"Claim about {words}", author=author, status=status,
                verdict=Verdict.objects.get_or_create(slug="false", defaults={"label": "False"})[0],
                approved_by=approver if status == "approved" else None,
                approved_at=now if status == "approved" else None,
            )
        )  # fmt: skip
    new = migrate(latest())
    Appearance = new.get_model("annotations", "Appearance")
    NewClaim = new.get_model("annotations", "Claim")
    for claim in made:
        (appearance,) = Appearance.objects.filter(claim_id=claim.pk)
        kept = NewClaim.objects.get(pk=claim.pk)
        assert appearance.primary and appearance.state == "confirmed"
        assert (appearance.article_id, appearance.start, appearance.end, appearance.exact) == (
            kept.article_id, kept.start, kept.end, kept.exact,
        )  # fmt: skip
        assert appearance.prefix == claim.prefix and appearance.suffix == claim.suffix
        assert kept.claimant_id is None and kept.claim_date is None
    published = Appearance.objects.get(claim_id=made[0].pk)
    assert published.confirmed_by_id == approver.pk
    # The search index holds the claims that were there before it.
    from annotations.models import Claim as LiveClaim

    assert list(LiveClaim.objects.search("Huawei").values_list("pk", flat=True)) == [made[1].pk]
    # Same id, same public address, the span as its first appearance in the export.
    from django.contrib.auth.models import User as LiveUser

    client.force_login(LiveUser.objects.get(username="old-editor"))
    item = client.get(f"/api/v1/claims/{made[0].pk}/").json()
    assert item["uri"].endswith(f"/checks/{made[0].pk}/")
    assert item["appearances"][0]["quote"]["exact"] == "Nvidia lost 5.5 billion"
    assert client.get(f"/checks/{made[0].pk}/").status_code == 301


def test_the_desk_tallies_count_the_history_recorded_before_them(transactional_db):
    """Migration 0014 counts every transition already recorded, as the workflow would have."""
    old = migrate([("annotations", "0013_waiting_queue_index")])
    try:
        User = old.get_model("auth", "User")
        Article = old.get_model("annotations", "Article")
        Claim = old.get_model("annotations", "Claim")
        Event = old.get_model("annotations", "ClaimEvent")
        Verdict = old.get_model("annotations", "Verdict")
        reviewer = User.objects.create(username="old-reviewer")
        editor = User.objects.create(username="old-editor")
        false = Verdict.objects.get_or_create(slug="false", defaults={"label": "False"})[0]
        body = "Headline\nNvidia lost 5.5 billion in revenue."
        article = Article.objects.create(
            title="Headline", body=body, raw_text=body, content_hash="b" * 64, origin="old.txt"
        )
        submitted = timezone.now() - timedelta(days=3)
        claims = [
            Claim.objects.create(
                article=article, start=9, end=32, exact=body[9:32], claim=f"Claim {n}",
                author=reviewer, status=status, verdict=false, submitted_at=submitted,
                approved_by=editor if status == "approved" else None,
                approved_at=submitted + timedelta(hours=2) if status == "approved" else None,
            )
            for n, status in enumerate(["approved", "changes_requested"])
        ]  # fmt: skip
        answered = submitted + timedelta(hours=2)
        for claim in claims:
            Event.objects.create(
                claim=claim,
                actor=reviewer,
                kind="transition",
                from_status="draft",
                to_status="submitted",
                at=submitted,
            )
            Event.objects.create(
                claim=claim,
                actor=editor,
                kind="transition",
                from_status="submitted",
                to_status=claim.status,
                at=answered,
            )
            Event.objects.create(claim=claim, actor=editor, kind="edit", at=answered)  # fmt: skip
        new = migrate(latest())
        Tally = new.get_model("annotations", "TransitionTally")
        found = {
            (t.day, t.to_status, t.actor_id, t.verdict_id, t.wait_bucket): t.n
            for t in Tally.objects.all()
        }
        two_hours = tallies.wait_bucket(2 * 3600)
        assert found == {
            (tallies.day_of(submitted), "submitted", reviewer.pk, 0, tallies.NO_WAIT): 2,
            (tallies.day_of(answered), "approved", editor.pk, false.pk, two_hours): 1,
            (tallies.day_of(answered), "changes_requested", editor.pk, 0, two_hours): 1,
        }
    finally:
        migrate(latest())
