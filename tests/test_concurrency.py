"""Lost updates: many writers on one claim at once, through the API, on real connections.

Runs on whichever database the suite uses (SQLite in WAL mode with its busy
timeout, or PostgreSQL): exactly one writer wins per version, the others get
409/412 with the current claim, and nothing is half-written.
"""

from __future__ import annotations

import pytest
from django.db.models import Sum
from django.utils import timezone
from rest_framework.test import APIClient

from annotations.models import Claim, ClaimEvent, TransitionTally
from tests import factories, figures
from tests.threads import race

pytestmark = pytest.mark.django_db(transaction=True)

WRITERS = 8


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_concurrent_edits_one_winner_per_version_nothing_half_written(
    article, reviewer, editor, capsys
):
    claim = factories.draft(article, reviewer, "Chinese enterprises are stepping up")
    url = f"/api/v1/workspace/claims/{claim.pk}/"

    def edit(i):
        user = reviewer if i % 2 else editor
        body = {
            "claim": f"version by writer {i}",
            "sources": [
                {"url": f"https://example.org/w{i}/{n}", "title": f"w{i}-{n}"} for n in range(3)
            ],
        }
        if i % 3 == 0:  # some writers use If-Match, the others a version field
            return client_for(user).patch(
                url, body, format="json", HTTP_IF_MATCH=f'"claim-{claim.pk}-v1"'
            )
        return client_for(user).patch(url, {**body, "version": 1}, format="json")

    responses = race(*[lambda i=i: edit(i) for i in range(WRITERS)])
    assert not [r for r in responses if isinstance(r, Exception)], responses
    codes = [r.status_code for r in responses]
    winners = [i for i, code in enumerate(codes) if code == 200]
    assert len(winners) == 1, codes
    assert sorted(c for c in codes if c != 200) == sorted(
        409 if i % 3 else 412 for i in range(WRITERS) if i != winners[0]
    )
    for response in responses:
        if response.status_code != 200:
            assert "changed since you loaded it" in response.json()["detail"]

    claim.refresh_from_db()
    winner = winners[0]
    assert claim.version == 2
    assert claim.claim == f"version by writer {winner}"
    titles = list(claim.sources.order_by("order").values_list("title", flat=True))
    assert titles == [f"w{winner}-{n}" for n in range(3)]  # one writer's sources, whole
    lost = len(winners) - 1
    figures.add("lost updates", races=1, lost=lost)
    print(
        f"\nconcurrent writers: {WRITERS}, winners: 1, refused: {WRITERS - 1}, lost updates: {lost}"
    )


def test_concurrent_transitions_exactly_one_wins(article, reviewer, editor, editor2):
    claim = factories.submitted(article, reviewer, "Chinese enterprises are stepping up")
    url = f"/api/v1/workspace/claims/{claim.pk}/transitions/"
    moves = [
        (editor, {"action": "approve"}),
        (editor2, {"action": "reject", "comment": "Not checkable."}),
        (editor, {"action": "request_changes", "comment": "Add a source."}),
        (editor2, {"action": "approve"}),
    ] * 2
    calls = [
        lambda u=u, b=b: client_for(u).post(url, {**b, "version": claim.version}, format="json")
        for u, b in moves
    ]
    responses = race(*calls)
    assert not [r for r in responses if isinstance(r, Exception)], responses
    codes = [r.status_code for r in responses]
    assert codes.count(200) == 1 and codes.count(409) == len(moves) - 1, codes
    claim.refresh_from_db()
    events = ClaimEvent.objects.filter(claim=claim, from_status="submitted")
    assert events.count() == 1
    assert claim.status == events.get().to_status
    assert claim.version == 3  # created 1, submitted 2, one decision 3
    figures.add("lost updates", races=1, lost=events.count() - 1)
    print(f"\nconcurrent transitions: {len(moves)}, applied: 1, lost updates: 0")


def test_a_transition_and_an_edit_racing_do_not_both_apply(article, reviewer, editor):
    claim = factories.draft(article, reviewer, "Chinese enterprises are stepping up")
    version = claim.version
    responses = race(
        lambda: client_for(reviewer).post(
            f"/api/v1/workspace/claims/{claim.pk}/transitions/",
            {"action": "submit", "version": version}, format="json"),
        lambda: client_for(editor).patch(
            f"/api/v1/workspace/claims/{claim.pk}/", {"claim": "edited", "version": version},
            format="json"),
    )  # fmt: skip
    codes = sorted(r.status_code for r in responses)
    assert codes == [200, 409], codes
    claim = Claim.objects.get(pk=claim.pk)
    assert claim.version == version + 1
    submitted = claim.status == "submitted"
    edited = claim.claim == "edited"
    assert submitted != edited  # exactly one of the two happened
    figures.add("lost updates", races=1, lost=0)


def test_decisions_at_once_are_each_counted_in_the_desks_tallies(
    article, reviewer, editor, monkeypatch
):
    """Six approvals by one editor at once all add to the same tally row: none is lost,
    none fails on the row another just inserted."""
    moment = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: moment)  # one day for all, whatever the hour
    body = article.body
    claims = [
        factories.submitted(article, reviewer, body[i * 20 : i * 20 + 15].strip() or None)
        for i in range(6)
    ]
    url = "/api/v1/workspace/claims/{}/transitions/"
    responses = race(*[
        lambda c=c: client_for(editor).post(
            url.format(c.pk), {"action": "approve", "version": c.version}, format="json")
        for c in claims
    ])  # fmt: skip
    assert [r.status_code for r in responses] == [200] * 6, responses
    approved = TransitionTally.objects.filter(to_status="approved", actor_id=editor.pk)
    assert approved.aggregate(n=Sum("n"))["n"] == 6
    assert approved.count() == 1  # one day, one verdict, answered at once
