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


def test_the_steps_that_wrote_a_claims_content_are_marked_by_migration_0015(transactional_db):
    """0015: edits, appearance changes (not confirmations) and words selected again by a
    person wrote content; transitions, assignments and the machine's re-anchoring did not.
    Their actors then may not approve the claim."""
    old = migrate([("annotations", "0014_transition_tallies")])
    try:
        User = old.get_model("auth", "User")
        Article = old.get_model("annotations", "Article")
        Claim = old.get_model("annotations", "Claim")
        Event = old.get_model("annotations", "ClaimEvent")
        reviewer = User.objects.create(username="old-reviewer")
        editor = User.objects.create(username="old-editor")
        body = "Headline\nNvidia lost 5.5 billion in revenue."
        article = Article.objects.create(
            title="Headline", body=body, raw_text=body, content_hash="c" * 64, origin="old.txt"
        )
        claim = Claim.objects.create(
            article=article, start=9, end=32, exact=body[9:32], claim="Nvidia lost",
            author=reviewer, status="submitted", submitted_at=timezone.now(),
        )  # fmt: skip
        steps = {
            "submitted": ("transition", reviewer, "", {}),
            "edited": ("edit", editor, "Changed in review: claim", {"claim": ["a", "b"]}),
            "assigned": ("assignment", editor, "Assigned to old-editor", {}),
            "proposed": ("appearance", editor, "Appearance proposed (waits…): X", {}),
            "removed": ("appearance", editor, "Appearance removed: X", {}),
            "confirmed": ("appearance", reviewer, "Appearance confirmed: X", {}),
            "reselected": ("anchor", editor, "Selected again", {"start": [9, 10]}),
            "accepted": ("anchor", reviewer, "Accepted", {"anchor_state": ["fuzzy", "anchored"]}),
            "re-anchored": ("anchor", None, "Text changed", {"start": [9, 11]}),
        }
        made = {
            name: Event.objects.create(
                claim=claim, actor=actor, kind=kind, comment=comment, changes=changes,
                from_status="submitted", to_status="submitted",
            ).pk
            for name, (kind, actor, comment, changes) in steps.items()
        }  # fmt: skip
        new = migrate(latest())
        wrote = dict(new.get_model("annotations", "ClaimEvent").objects.values_list(
            "pk", "wrote_content"))  # fmt: skip
        assert {name for name, pk in made.items() if wrote[pk]} == {
            "edited", "proposed", "removed", "reselected"
        }
        assert len(wrote) == len(made)  # every step kept
    finally:
        migrate(latest())


def test_jobs_and_emails_left_by_an_outage_are_picked_up_after_migration_0016(transactional_db):
    """0016: a queued job is marked never sent and a running one holds no lease (the sweep
    sends or runs them); an unsent email of the last two days is still due, older ones and
    those emailed are not."""
    old = migrate([("annotations", "0015_event_wrote_content")])
    try:
        User = old.get_model("auth", "User")
        Job = old.get_model("annotations", "Job")
        Notification = old.get_model("annotations", "Notification")
        person = User.objects.create(username="old-person", email="old@example.org")
        now = timezone.now()
        for state in ("queued", "running", "done"):
            Job.objects.create(kind="import", state=state, created_at=now - timedelta(hours=1))
        for age, emailed in [(timedelta(hours=1), None), (timedelta(hours=1), now),
                             (timedelta(days=3), None)]:  # fmt: skip
            Notification.objects.create(
                recipient=person, kind="approved", created_at=now - age, emailed_at=emailed
            )
        new = migrate(latest())
        jobs = new.get_model("annotations", "Job").objects.order_by("pk")
        assert [(j.state, j.sent_at is not None, j.lease_until) for j in jobs] == [
            ("queued", False, None), ("running", True, None), ("done", True, None),
        ]  # fmt: skip
        notifications = new.get_model("annotations", "Notification").objects.order_by("pk")
        assert [n.email_due for n in notifications] == [True, False, False]
    finally:
        migrate(latest())
