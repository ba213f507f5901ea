"""Four-eyes, tried from every side: every way an editor can touch a claim's content,
crossed with every way there is to approve it (or to confirm an appearance).

The rule: what is published (wording, verdict, rationale, sources, claimant, date,
every appearance) has been seen by an editor who wrote or changed none of it. So for
each pair, one editor touches the content and then tries to publish it alone; the
claim must still be unpublished afterwards, and a second editor must then succeed
(the refusal is the rule, not a path that is broken for everyone).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from annotations import appearances, claims, revisions, workflow
from annotations.models import Appearance, Article, Claim
from tests import factories, figures
from tests.test_admin_claims import change_url, form_data

pytestmark = pytest.mark.django_db

S = Claim.Status


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api(user, method: str, url: str, body: dict) -> int:
    response = client_for(user).generic(
        method, url, data=json.dumps(body), content_type="application/json"
    )
    return response.status_code


def fresh(claim: Claim) -> Claim:
    return Claim.objects.get(pk=claim.pk)


def api_submit(editor, claim: Claim) -> Claim:
    url = f"/api/v1/workspace/claims/{claim.pk}/transitions/"
    assert api(editor, "POST", url, {"action": "submit"}) == 200
    return fresh(claim)


def api_patch(editor, target: Claim, **body) -> None:
    url = f"/api/v1/workspace/claims/{target.pk}/"
    assert api(editor, "PATCH", url, {**body, "version": fresh(target).version}) == 200


# -- ways to touch the content: each returns a submitted claim the editor touched --------


def edits_the_draft_through_the_api(o) -> Claim:
    draft = factories.draft(o.article, o.reviewer)
    api_patch(o.editor, draft, claim="The editor's words", verdict="true")
    return api_submit(o.editor, draft)


def edits_in_review_through_the_api(o) -> Claim:
    claim = factories.submitted(o.article, o.reviewer)
    api_patch(o.editor, claim, rationale="The editor's *reasons*.")
    return fresh(claim)


def changes_only_the_sources(o) -> Claim:
    claim = factories.submitted(o.article, o.reviewer)
    api_patch(o.editor, claim, sources=[{"url": "https://example.org/editor", "title": "E"}])
    return fresh(claim)


def changes_only_the_claimant(o) -> Claim:
    claim = factories.submitted(o.article, o.reviewer)
    api_patch(o.editor, claim, claimant={"name": "Someone the editor named"})
    return fresh(claim)


def changes_only_the_date(o) -> Claim:
    claim = factories.submitted(o.article, o.reviewer)
    claims.claim_update(claim=claim, user=o.editor, version=None, claim_date=date(2026, 1, 2))
    return fresh(claim)


def moves_the_quote(o) -> Claim:
    claim = factories.submitted(o.article, o.reviewer)
    start = o.article.body.index(claim.exact) + 1
    api_patch(o.editor, claim, start=start, end=start + 10)
    return fresh(claim)


def edits_in_the_admin_form(o) -> Claim:
    claim = factories.submitted(o.article, o.reviewer)
    client = client_for(o.editor)
    data = form_data(client.get(change_url(claim)))
    data["claim"] = "Reworded in the admin"
    assert client.post(change_url(claim), data).status_code == 302
    return fresh(claim)


def attaches_an_appearance(o) -> Claim:
    claim = factories.submitted(o.article, o.reviewer)
    words = "Nvidia’s H20 chips"
    start = o.other.body.index(words)
    url = f"/api/v1/workspace/claims/{claim.pk}/appearances/"
    body = {"article": o.other.pk, "start": start, "end": start + len(words), "exact": words}
    assert api(o.editor, "POST", url, body) == 201
    return fresh(claim)


def merges_another_claim_into_it(o) -> Claim:
    claim = factories.submitted(o.article, o.reviewer)
    other = factories.draft(o.other, o.reviewer2)
    appearances.claims_merge(survivor=claim, other=other, user=o.editor)
    return fresh(claim)


def republishes_a_check_with_new_words(o) -> Claim:
    claim = factories.approved(o.article, o.reviewer, o.editor2)
    claim = workflow.claim_transition(claim=claim, user=o.editor, action="retract", comment="x")
    claim = workflow.claim_transition(claim=claim, user=o.editor, action="reopen")
    api_patch(o.editor, claim, claim="New words after the retraction", verdict="true")
    return api_submit(o.editor, claim)


def selects_the_words_again(o) -> Claim:
    claim = factories.submitted(o.article, o.reviewer)
    Claim.objects.filter(pk=claim.pk).update(anchor_state="fuzzy")
    start = o.article.body.index(claim.exact) + 2
    revisions.claim_anchor_resolve(
        claim=fresh(claim), user=o.editor, version=None, start=start, end=start + 12
    )
    return fresh(claim)


def writes_it(o) -> Claim:
    return factories.submitted(o.article, o.editor)


TOUCHES: list[Callable] = [
    edits_the_draft_through_the_api, edits_in_review_through_the_api, changes_only_the_sources,
    changes_only_the_claimant, changes_only_the_date, moves_the_quote, edits_in_the_admin_form,
    attaches_an_appearance, merges_another_claim_into_it, republishes_a_check_with_new_words,
    selects_the_words_again, writes_it,
]  # fmt: skip


# -- ways to approve: each tries, as ``user``, to publish ``claim`` ------------------------


def by_the_service(user, claim: Claim) -> None:
    with contextlib.suppress(workflow.TransitionError):
        workflow.claim_transition(claim=claim, user=user, action="approve")


def by_the_api(user, claim: Claim) -> None:
    url = f"/api/v1/workspace/claims/{claim.pk}/transitions/"
    api(user, "POST", url, {"action": "approve", "version": claim.version})


def by_the_admin_button(user, claim: Claim) -> None:
    url = reverse("admin:annotations_claim_transition", args=[claim.pk])
    client_for(user).post(url, {"action": "approve", "version": claim.version})


def by_approve_and_next(user, claim: Claim) -> None:
    url = reverse("admin:annotations_claim_transition", args=[claim.pk])
    client_for(user).post(url, {"next_action": "approve", "version": claim.version})


def by_the_bulk_action(user, claim: Claim) -> None:
    client_for(user).post(
        reverse("admin:annotations_claim_changelist"),
        {"action": "approve", "_selected_action": [claim.pk], "apply": "1",
         f"version_{claim.pk}": claim.version},
    )  # fmt: skip


APPROVALS: list[Callable] = [
    by_the_service, by_the_api, by_the_admin_button, by_approve_and_next, by_the_bulk_action,
]


class Cast:
    def __init__(self, seed_articles, reviewer, reviewer2, editor, editor2):
        self.article: Article = seed_articles["000"]
        self.other: Article = seed_articles["002"]
        self.reviewer, self.reviewer2 = reviewer, reviewer2
        self.editor, self.editor2 = editor, editor2


@pytest.fixture
def cast(seed_articles, reviewer, reviewer2, editor, editor2) -> Cast:
    return Cast(seed_articles, reviewer, reviewer2, editor, editor2)


def test_no_editor_publishes_what_they_touched_by_any_path(cast):
    tried = bypassed = 0
    escapes = []
    for touch in TOUCHES:
        for approve in APPROVALS:
            claim = touch(cast)
            assert claim.status == S.SUBMITTED, touch.__name__
            tried += 1
            figures.add("four-eyes paths", tried=1)
            approve(cast.editor, claim)
            if fresh(claim).status == S.APPROVED:
                bypassed += 1
                escapes.append(f"{touch.__name__} then {approve.__name__}")
            else:  # the refusal is the rule: another editor publishes it by the same path
                approve(cast.editor2, fresh(claim))
                assert fresh(claim).status == S.APPROVED, (touch.__name__, approve.__name__)
    figures.add("four-eyes paths", bypassed=bypassed)
    assert not escapes, "\n".join(escapes)
    assert tried == len(TOUCHES) * len(APPROVALS)


def propose(cast, proposer) -> Appearance:
    claim = factories.approved(cast.article, cast.reviewer, cast.editor2)
    words = "Nvidia’s H20 chips"
    start = cast.other.body.index(words)
    return appearances.appearance_attach(
        claim=claim, user=proposer, article=cast.other, start=start, end=start + len(words)
    )


def confirm_by_the_api(user, appearance: Appearance) -> None:
    api(user, "POST", f"/api/v1/workspace/appearances/{appearance.pk}/confirm/", {})


def confirm_by_the_admin_button(user, appearance: Appearance) -> None:
    url = reverse("admin:annotations_claim_appearance", args=[appearance.claim_id])
    client_for(user).post(url, {"do": f"confirm:{appearance.pk}"})


def confirm_by_the_bulk_action(user, appearance: Appearance) -> None:
    client_for(user).post(
        reverse("admin:annotations_appearance_changelist"),
        {"action": "confirm", "_selected_action": [appearance.pk]},
    )


def test_no_one_confirms_an_appearance_they_proposed_by_any_path(cast):
    bypassed = 0
    paths = [confirm_by_the_api, confirm_by_the_admin_button, confirm_by_the_bulk_action]
    for confirm in paths:
        for proposer, second in ((cast.editor, cast.editor2), (cast.reviewer2, cast.editor)):
            appearance = propose(cast, proposer)
            figures.add("four-eyes paths", tried=1)
            confirm(proposer, appearance)
            state = Appearance.objects.get(pk=appearance.pk).state
            bypassed += state == Appearance.State.CONFIRMED
            confirm(second, appearance)
            assert Appearance.objects.get(pk=appearance.pk).state == Appearance.State.CONFIRMED
    figures.add("four-eyes paths", bypassed=bypassed)
    assert bypassed == 0


def test_the_workspace_lists_say_why_an_editor_who_touched_a_claim_cannot_approve_it(cast):
    """The list's rows are decided in bulk (one query for all their authors): an editor
    who attached an appearance sees approve blocked, with the reason; another does not."""
    claim = attaches_an_appearance(cast)
    url = f"/api/v1/workspace/articles/{cast.article.pk}/claims/?expand=sources"

    def permissions(user) -> dict:
        body = client_for(user).get(url).json()
        items = body["results"] if isinstance(body, dict) else body
        (item,) = [c for c in items if c["id"] == claim.pk]
        return item["permissions"]

    touched = permissions(cast.editor)
    assert "approve" not in touched["actions"]
    assert [b["action"] for b in touched["blocked"]] == ["approve"]
    assert "four-eyes" in touched["blocked"][0]["reason"]
    assert "approve" in permissions(cast.editor2)["actions"]


def test_no_one_re_rates_published_checks_by_renaming_their_verdict(cast):
    """A verdict's label, slug and rating are part of every check rated with it: while one
    is published they cannot change in the admin (form or list), by anyone alone."""
    from annotations.models import Verdict

    factories.approved(cast.article, cast.reviewer, cast.editor2, verdict="false")
    false = Verdict.objects.get(slug="false")
    client = client_for(cast.editor)
    url = reverse("admin:annotations_verdict_change", args=[false.pk])
    form = {"label": "Entirely accurate", "slug": "false", "rating_value": 1, "order": false.order,
            "colour": false.colour, "description": ""}  # fmt: skip
    response = client.post(url, form)
    assert response.status_code == 200 and "Add a new verdict instead" in response.content.decode()
    listing = reverse("admin:annotations_verdict_changelist")
    unused = Verdict.objects.exclude(claims__status="approved").exclude(rating_value=None).first()

    def post_list(ratings: dict) -> None:
        rows = list(Verdict.objects.order_by("order", "id"))
        data = {"form-TOTAL_FORMS": len(rows), "form-INITIAL_FORMS": len(rows), "_save": "Save"}
        for n, verdict in enumerate(rows):
            rating = ratings.get(verdict.pk, verdict.rating_value)
            data |= {f"form-{n}-id": verdict.pk, f"form-{n}-order": verdict.order,
                     f"form-{n}-colour": verdict.colour,
                     f"form-{n}-rating_value": "" if rating is None else rating}  # fmt: skip
        client.post(listing, data)

    post_list({unused.pk: 42})  # the list saves an unused verdict's rating
    assert Verdict.objects.get(pk=unused.pk).rating_value == 42
    post_list({false.pk: 5})
    false.refresh_from_db()
    assert (false.label, false.rating_value) == ("False", 1)
    # Its colour, order and description are the desk's to change; so is an unused verdict.
    client.post(url, {**form, "label": "False", "colour": "#123456", "description": "Wrong."})
    assert Verdict.objects.get(pk=false.pk).colour == "#123456"
    unused.label = "Renamed freely"
    unused.full_clean()
