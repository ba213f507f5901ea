"""The workflow's rules through ``POST /api/v1/workspace/claims/{id}/transitions/``."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from annotations import workflow
from annotations.models import Claim
from tests.factories import (
    make_approved,
    make_draft,
    make_submitted,
)

pytestmark = pytest.mark.django_db

S = Claim.Status


def url(claim: Claim) -> str:
    return reverse("api:claim-transitions", args=[claim.pk])


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def post(user, claim: Claim, **data):
    return api(user).post(url(claim), data, format="json")


def status_of(claim: Claim) -> str:
    return Claim.objects.values_list("status", flat=True).get(pk=claim.pk)


# -- success -----------------------------------------------------------------------------------


def test_the_author_submits_and_gets_the_claim_back_with_its_new_version(article, reviewer):
    claim = make_draft(article, reviewer)
    response = post(reviewer, claim, action="submit", version=claim.version)
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["version"]) == ("submitted", claim.version + 1)
    assert response["ETag"].startswith(f'"claim-{claim.pk}-v{claim.version + 1}-')
    assert [e["to_status"] for e in body["events"]] == ["submitted"]


def test_an_editor_approves_another_persons_claim(article, reviewer, editor):
    claim = make_submitted(article, reviewer)
    response = post(editor, claim, action="approve", version=claim.version)
    assert response.status_code == 200
    assert response.json()["status"] == "approved"
    assert response.json()["approved_by"] == "editor"


def test_the_author_sees_the_editors_comment_and_resubmits(article, reviewer, editor):
    claim = make_submitted(article, reviewer)
    sent_back = post(editor, claim, action="request_changes", comment="Name the survey.")
    assert sent_back.status_code == 200
    card = api(reviewer).get(reverse("api:workspace-claim", args=[claim.pk])).json()
    assert card["events"][-1]["comment"] == "Name the survey."
    assert card["permissions"]["actions"] == ["submit"]
    resubmitted = post(reviewer, claim, action="submit", version=card["version"])
    assert resubmitted.status_code == 200
    assert resubmitted.json()["status"] == "submitted"


# -- 403: not yours to decide ------------------------------------------------------------------


@pytest.mark.parametrize("action", ["approve", "reject", "request_changes"])
def test_a_reviewer_may_not_decide_403(article, reviewer, reviewer2, action):
    claim = make_submitted(article, reviewer)
    response = post(reviewer2, claim, action=action, comment="Hmm.")
    assert response.status_code == 403
    label = workflow.TRANSITIONS[action].label.lower()
    assert response.json() == {
        "detail": workflow.NOT_PERMITTED.format(label=label),
        "code": "forbidden",
    }
    assert status_of(claim) == S.SUBMITTED


def test_a_reviewer_may_not_retract_403(article, reviewer, editor):
    claim = make_approved(article, reviewer, editor)
    response = post(reviewer, claim, action="retract", comment="I changed my mind.")
    assert (response.status_code, response.json()["code"]) == (403, "forbidden")
    assert status_of(claim) == S.APPROVED


@pytest.mark.parametrize("action", ["approve", "reject", "request_changes"])
def test_four_eyes_an_editor_cannot_decide_on_their_own_claim_403(article, editor, action):
    claim = make_submitted(article, editor)
    response = post(editor, claim, action=action, comment="Fine by me.")
    assert response.status_code == 403
    label = workflow.TRANSITIONS[action].label.lower()
    assert response.json() == {
        "detail": workflow.FOUR_EYES.format(label=label),
        "code": "four_eyes",
    }
    assert status_of(claim) == S.SUBMITTED


def test_people_outside_the_workspace_are_refused(article, reviewer, outsider, client):
    claim = make_submitted(article, reviewer)
    assert post(outsider, claim, action="approve").status_code == 403
    assert client.post(url(claim), {"action": "approve"}).status_code in (401, 403)


def test_someone_elses_draft_is_not_found(article, reviewer, reviewer2):
    claim = make_draft(article, reviewer)
    assert post(reviewer2, claim, action="submit").status_code == 404


# -- 400: say why ------------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["reject", "request_changes"])
def test_rejecting_or_requesting_changes_without_a_comment_400(article, reviewer, editor, action):
    claim = make_submitted(article, reviewer)
    response = post(editor, claim, action=action, comment="  ")
    assert response.status_code == 400
    label = workflow.TRANSITIONS[action].label.lower()
    assert response.json() == {
        "detail": workflow.NEEDS_COMMENT.format(label=label),
        "code": "comment",
    }
    assert status_of(claim) == S.SUBMITTED


def test_retracting_without_a_reason_400(article, reviewer, editor):
    claim = make_approved(article, reviewer, editor)
    response = post(editor, claim, action="retract")
    assert (response.status_code, response.json()["code"]) == (400, "comment")


def test_an_unknown_action_400(article, reviewer):
    claim = make_draft(article, reviewer)
    response = post(reviewer, claim, action="publish")
    assert response.status_code == 400
    assert "action" in response.json()


# -- 409: not possible now, and why ------------------------------------------------------------


def test_approving_a_draft_is_a_409_with_the_reason(article, reviewer, editor):
    claim = make_draft(article, reviewer)
    response = post(editor, claim, action="approve")
    assert response.status_code == 409
    assert response.json() == {
        "detail": "A claim that is draft cannot be approved; this is possible only from submitted.",
        "code": "state",
    }


def test_submitting_an_incomplete_draft_is_a_409_naming_what_is_missing(article, reviewer):
    claim = make_draft(article, reviewer, complete=False)
    response = post(reviewer, claim, action="submit")
    assert response.status_code == 409
    assert response.json() == {
        "detail": "Before submitting, add a verdict, a rationale and at least one source.",
        "code": "incomplete",
    }


def test_retracting_with_a_reason_records_a_correction(article, reviewer, editor):
    claim = make_approved(article, reviewer, editor)
    response = post(editor, claim, action="retract", comment="The survey was withdrawn.")
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["retraction_reason"]) == ("retracted", "The survey was withdrawn.")
    assert body["corrections"][0]["previous_verdict"] == "False"


# -- stale: 409 for a version field, 412 for If-Match ------------------------------------------


def test_a_stale_version_field_is_a_409_with_the_claim_as_it_now_is(
    article, reviewer, editor, editor2
):
    claim = make_submitted(article, reviewer)
    loaded = claim.version
    assert (
        post(editor2, claim, action="reject", comment="Opinion.", version=loaded).status_code == 200
    )
    response = post(editor, claim, action="approve", version=loaded)
    assert response.status_code == 409
    body = response.json()
    assert "changed since you loaded it" in body["detail"]
    assert (body["current"]["status"], body["current"]["version"]) == ("rejected", loaded + 1)
    assert status_of(claim) == S.REJECTED


def test_a_stale_if_match_is_a_412(article, reviewer, editor, editor2):
    claim = make_submitted(article, reviewer)
    stale = f'"claim-{claim.pk}-v{claim.version}"'
    workflow.claim_assign(claim=claim, user=editor2, assignee=editor)  # moves the version
    client = api(editor)
    response = client.post(url(claim), {"action": "approve"}, format="json", HTTP_IF_MATCH=stale)
    assert response.status_code == 412
    assert response.json()["current"]["version"] == claim.version + 1
    assert status_of(claim) == S.SUBMITTED


def test_a_fresh_if_match_goes_through(article, reviewer, editor):
    claim = make_submitted(article, reviewer)
    fresh = f'"claim-{claim.pk}-v{claim.version}"'
    client = api(editor)
    response = client.post(url(claim), {"action": "approve"}, format="json", HTTP_IF_MATCH=fresh)
    assert response.status_code == 200


def test_an_editors_rewrite_of_a_submitted_claim_is_recorded_and_bars_their_approval(
    reviewer, editor, editor2, article
):
    claim = make_submitted(article, reviewer)
    detail = reverse("api:workspace-claim", args=[claim.pk])
    response = api(editor).patch(
        detail,
        {"claim": "EDITOR REWROTE THIS CLAIM", "verdict": "true", "version": claim.version},
        format="json",
    )
    assert response.status_code == 200
    edit = response.json()["events"][-1]
    assert edit["kind"] == "edit" and edit["actor"] == "editor"
    assert set(edit["changes"]) == {"claim", "verdict"}
    blocked = response.json()["permissions"]["blocked"]
    assert "approve" in {b["action"] for b in blocked}
    assert "approve" not in response.json()["permissions"]["actions"]
    refused = post(editor, claim, action="approve")
    assert refused.status_code == 403 and refused.json()["code"] == "four_eyes"
    assert status_of(claim) == S.SUBMITTED
    assert post(editor2, claim, action="approve").status_code == 200
