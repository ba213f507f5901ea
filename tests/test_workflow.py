"""Every transition and every refusal, through the workflow module itself."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import timezone

from annotations import claims, workflow
from annotations.models import AppendOnlyError, Article, Claim, ClaimEvent, Verdict
from tests import factories
from tests.factories import make_approved, make_draft, make_submitted
from tests.threads import race

pytestmark = pytest.mark.django_db

S = Claim.Status


def transition_error(**kwargs) -> workflow.TransitionError:
    with pytest.raises(workflow.TransitionError) as caught:
        workflow.claim_transition(**kwargs)
    return caught.value


# -- submit ------------------------------------------------------------------------------------


def test_the_author_submits_a_complete_draft_and_an_event_records_it(article, reviewer):
    claim = make_draft(article, reviewer)
    before = timezone.now()
    claim = workflow.claim_transition(claim=claim, user=reviewer, action="submit")
    assert claim.status == S.SUBMITTED
    assert claim.submitted_at >= before
    (event,) = claim.events.all()
    assert (event.actor, event.kind, event.from_status, event.to_status) == (
        reviewer,
        ClaimEvent.Kind.TRANSITION,
        S.DRAFT,
        S.SUBMITTED,
    )
    assert event.at == claim.submitted_at


def test_submitting_needs_a_verdict_a_rationale_and_a_source(article, reviewer):
    claim = make_draft(article, reviewer, complete=False)
    error = transition_error(claim=claim, user=reviewer, action="submit")
    assert error.code == "incomplete"
    assert error.message == workflow.SUBMIT_INCOMPLETE.format(
        missing="a verdict, a rationale and at least one source"
    )
    claim.refresh_from_db()
    assert claim.status == S.DRAFT
    assert not claim.events.exists()


def test_submitting_names_only_what_is_missing(article, reviewer):
    claim = make_draft(article, reviewer, sources=[])
    error = transition_error(claim=claim, user=reviewer, action="submit")
    assert error.message == "Before submitting, add at least one source."


def test_another_reviewer_cannot_submit_someone_elses_draft(article, reviewer, reviewer2):
    claim = make_draft(article, reviewer)
    error = transition_error(claim=claim, user=reviewer2, action="submit")
    assert (error.code, error.message) == (
        "forbidden",
        workflow.NOT_AUTHOR.format(label="submit for review"),
    )


# -- approve, reject, request changes -------------------------------------------------------


def test_an_editor_approves_and_is_stamped_as_the_approver(article, reviewer, editor):
    claim = make_submitted(article, reviewer)
    claim = workflow.claim_transition(claim=claim, user=editor, action="approve")
    claim.refresh_from_db()
    assert claim.status == S.APPROVED
    assert claim.approved_by == editor
    assert claim.approved_at is not None
    event = claim.events.last()
    assert (event.actor, event.from_status, event.to_status) == (editor, S.SUBMITTED, S.APPROVED)


@pytest.mark.parametrize("action", ["approve", "reject", "request_changes", "retract"])
def test_a_reviewer_may_not_decide_on_a_claim(article, reviewer, reviewer2, editor, action):
    claim = make_submitted(article, reviewer)
    if action == "retract":
        claim = workflow.claim_transition(claim=claim, user=editor, action="approve")
    error = transition_error(claim=claim, user=reviewer2, action=action, comment="Looks off.")
    assert error.code == "forbidden"
    label = workflow.TRANSITIONS[action].label.lower()
    assert error.message == workflow.NOT_PERMITTED.format(label=label)


@pytest.mark.parametrize("action", ["approve", "reject", "request_changes"])
def test_an_editor_cannot_decide_on_their_own_claim(article, editor, action):
    claim = make_submitted(article, editor)
    error = transition_error(claim=claim, user=editor, action=action, comment="Mine.")
    assert error.code == "four_eyes"
    label = workflow.TRANSITIONS[action].label.lower()
    assert error.message == workflow.FOUR_EYES.format(label=label)
    claim.refresh_from_db()
    assert claim.status == S.SUBMITTED


def test_even_an_admin_cannot_approve_their_own_claim(article, admin_user):
    claim = make_submitted(article, admin_user)
    error = transition_error(claim=claim, user=admin_user, action="approve")
    assert error.code == "four_eyes"


def test_another_editor_approves_an_editors_claim(article, editor, editor2):
    claim = make_submitted(article, editor)
    claim = workflow.claim_transition(claim=claim, user=editor2, action="approve")
    assert (claim.status, claim.approved_by) == (S.APPROVED, editor2)


@pytest.mark.parametrize("action", ["reject", "request_changes", "retract"])
@pytest.mark.parametrize("comment", ["", "   \n"])
def test_rejecting_requesting_changes_and_retracting_need_a_comment(
    article, reviewer, editor, action, comment
):
    claim = make_submitted(article, reviewer)
    if action == "retract":
        claim = workflow.claim_transition(claim=claim, user=editor, action="approve")
    error = transition_error(claim=claim, user=editor, action=action, comment=comment)
    label = workflow.TRANSITIONS[action].label.lower()
    assert (error.code, error.message) == ("comment", workflow.NEEDS_COMMENT.format(label=label))


def test_an_editor_rejects_with_a_reason_the_event_keeps(article, reviewer, editor):
    claim = make_submitted(article, reviewer)
    claim = workflow.claim_transition(
        claim=claim, user=editor, action="reject", comment="  Not a checkable claim.  "
    )
    assert claim.status == S.REJECTED
    event = claim.events.last()
    assert (event.to_status, event.comment) == (S.REJECTED, "Not a checkable claim.")


def test_changes_requested_then_the_author_fixes_and_resubmits(article, reviewer, editor):
    claim = make_submitted(article, reviewer)
    claim = workflow.claim_transition(
        claim=claim, user=editor, action="request_changes", comment="Cite the original survey."
    )
    assert claim.status == S.CHANGES_REQUESTED
    claim = workflow.claim_transition(claim=claim, user=reviewer, action="submit")
    assert claim.status == S.SUBMITTED
    steps = [(e.from_status, e.to_status, e.comment) for e in claim.events.all()]
    assert steps == [
        (S.DRAFT, S.SUBMITTED, ""),
        (S.SUBMITTED, S.CHANGES_REQUESTED, "Cite the original survey."),
        (S.CHANGES_REQUESTED, S.SUBMITTED, ""),
    ]


# -- wrong states --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "action", "message"),
    [
        (
            S.DRAFT,
            "approve",
            "A claim that is draft cannot be approved; this is possible only from submitted.",
        ),
        (
            S.APPROVED,
            "submit",
            "A claim that is approved cannot be submitted; "
            "this is possible only from changes requested or draft.",
        ),
        (
            S.SUBMITTED,
            "retract",
            "A claim that is submitted cannot be retracted; this is possible only from approved.",
        ),
        (
            S.APPROVED,
            "reopen",
            "A claim that is approved cannot be reopened; this is possible only from retracted.",
        ),
        (
            S.APPROVED,
            "reject",
            "A claim that is approved cannot be rejected; this is possible only from submitted.",
        ),
    ],
)
def test_a_move_from_the_wrong_state_is_refused_with_the_reason(
    article, reviewer, editor, status, action, message
):
    claim = make_draft(article, reviewer)
    if status != S.DRAFT:
        claim = workflow.claim_transition(claim=claim, user=reviewer, action="submit")
    if status == S.APPROVED:
        claim = workflow.claim_transition(claim=claim, user=editor, action="approve")
    error = transition_error(claim=claim, user=editor, action=action, comment="Because.")
    assert (error.code, error.message) == ("state", message)
    claim.refresh_from_db()
    assert claim.status == status


def test_an_unknown_action_is_refused_and_the_choices_named(article, reviewer):
    claim = make_draft(article, reviewer)
    error = transition_error(claim=claim, user=reviewer, action="publish")
    assert error.code == "unknown"
    assert "'publish'" in error.message and "request_changes" in error.message


# -- retract and reopen ------------------------------------------------------------------------


def test_retracting_records_a_correction_with_the_previous_verdict(article, reviewer, editor):
    claim = make_approved(article, reviewer, editor)
    claim = workflow.claim_transition(
        claim=claim, user=editor, action="retract", comment="The survey was withdrawn."
    )
    claim.refresh_from_db()
    assert claim.status == S.RETRACTED
    assert claim.retraction_reason == "The survey was withdrawn."
    assert claim.retracted_at is not None
    event = claim.events.last()
    assert event.is_correction
    assert event.previous_verdict == "False"
    assert (event.actor, event.from_status, event.to_status) == (editor, S.APPROVED, S.RETRACTED)


def test_the_author_reopens_a_retracted_claim_as_a_draft(article, reviewer, editor):
    claim = make_approved(article, reviewer, editor)
    claim = workflow.claim_transition(claim=claim, user=editor, action="retract", comment="Wrong.")
    claim = workflow.claim_transition(claim=claim, user=reviewer, action="reopen")
    assert claim.status == S.DRAFT
    assert claim.events.last().to_status == S.DRAFT


def test_another_reviewer_cannot_reopen_a_retracted_claim(article, reviewer, reviewer2, editor):
    claim = make_approved(article, reviewer, editor)
    claim = workflow.claim_transition(claim=claim, user=editor, action="retract", comment="Wrong.")
    error = transition_error(claim=claim, user=reviewer2, action="reopen")
    assert error.code == "forbidden"


# -- the history -------------------------------------------------------------------------------


def test_the_whole_life_of_a_claim_is_in_its_events(article, reviewer, editor, editor2):
    claim = make_submitted(article, reviewer)
    for user, action, comment in [
        (editor, "request_changes", "Add the date."),
        (reviewer, "submit", ""),
        (editor2, "approve", ""),
        (editor, "retract", "Source withdrawn."),
        (reviewer, "reopen", ""),
    ]:
        claim = workflow.claim_transition(claim=claim, user=user, action=action, comment=comment)
    events = list(claim.events.order_by("at", "id"))
    assert [(e.actor.username, e.from_status, e.to_status, e.comment) for e in events] == [
        ("reviewer", S.DRAFT, S.SUBMITTED, ""),
        ("editor", S.SUBMITTED, S.CHANGES_REQUESTED, "Add the date."),
        ("reviewer", S.CHANGES_REQUESTED, S.SUBMITTED, ""),
        ("editor2", S.SUBMITTED, S.APPROVED, ""),
        ("editor", S.APPROVED, S.RETRACTED, "Source withdrawn."),
        ("reviewer", S.RETRACTED, S.DRAFT, ""),
    ]
    assert [e.at for e in events] == sorted(e.at for e in events)


def test_claim_events_cannot_be_changed_or_deleted(article, reviewer):
    claim = make_submitted(article, reviewer)
    event = claim.events.get()
    event.comment = "rewritten history"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        ClaimEvent.objects.filter(pk=event.pk).update(comment="rewritten")
    with pytest.raises(AppendOnlyError):
        ClaimEvent.objects.filter(pk=event.pk).delete()
    assert ClaimEvent.objects.get(pk=event.pk).comment == ""


def test_a_published_claim_is_not_changed_in_place(article, reviewer, editor, editor2):
    """Defect: an editor could change a published check's verdict alone; readers saw it
    with no second editor having seen it."""
    claim = make_approved(article, reviewer, editor)
    with pytest.raises(PermissionDenied, match="Retract it with a reason, reopen it"):
        claims.claim_update(
            claim=claim,
            user=editor2,
            version=claim.version,
            verdict=Verdict.objects.get(slug="misleading"),
        )
    claim.refresh_from_db()
    assert claim.verdict.slug == "false" and claim.version == 3
    assert not claim.events.filter(kind=ClaimEvent.Kind.EDIT).exists()


# -- what buttons to show ----------------------------------------------------------------------


def actions_for(user, claim: Claim) -> list[str]:
    return [t.action for t in workflow.allowed_actions(user, claim)]


def test_allowed_actions_are_what_this_user_may_do_now(article, reviewer, reviewer2, editor):
    claim = make_draft(article, reviewer)
    assert actions_for(reviewer, claim) == ["submit"]
    assert actions_for(reviewer2, claim) == []
    claim = workflow.claim_transition(claim=claim, user=reviewer, action="submit")
    assert actions_for(reviewer, claim) == []
    assert actions_for(editor, claim) == ["approve", "reject", "request_changes"]
    claim = workflow.claim_transition(claim=claim, user=editor, action="approve")
    assert actions_for(editor, claim) == ["retract"]
    assert actions_for(reviewer, claim) == []


def test_an_editor_is_offered_no_decision_on_their_own_claim(article, editor):
    claim = make_submitted(article, editor)
    assert actions_for(editor, claim) == []


# -- stale callers -----------------------------------------------------------------------------


def test_a_transition_with_an_old_version_is_refused_and_changes_nothing(
    article, reviewer, editor, editor2
):
    claim = make_submitted(article, reviewer)
    seen = claim.version
    workflow.claim_assign(claim=claim, user=editor, assignee=editor2)  # moves the version
    with pytest.raises(claims.StaleVersion) as caught:
        workflow.claim_transition(claim=claim, user=editor2, action="approve", version=seen)
    assert "changed since you loaded it" in str(caught.value)
    claim.refresh_from_db()
    assert claim.status == S.SUBMITTED
    assert claim.events.filter(kind=ClaimEvent.Kind.TRANSITION).count() == 1


def test_without_a_version_the_status_the_caller_saw_must_still_hold(
    article, reviewer, editor, editor2
):
    seen = make_submitted(article, reviewer)
    workflow.claim_transition(claim=Claim.objects.get(pk=seen.pk), user=editor, action="approve")
    with pytest.raises(claims.StaleVersion):
        workflow.claim_transition(claim=seen, user=editor2, action="reject", comment="No.")
    seen.refresh_from_db()
    assert (seen.status, seen.approved_by) == (S.APPROVED, editor)


# -- assignment --------------------------------------------------------------------------------


def test_an_editor_assigns_a_claim_and_the_history_says_so(article, reviewer, editor, editor2):
    claim = make_submitted(article, reviewer)
    claim = workflow.claim_assign(claim=claim, user=editor, assignee=editor2)
    assert claim.assignee == editor2
    event = claim.events.last()
    assert (event.kind, event.actor, event.comment) == (
        ClaimEvent.Kind.ASSIGNMENT,
        editor,
        "Assigned to editor2",
    )


def test_a_reviewer_cannot_assign(article, reviewer, editor):
    claim = make_submitted(article, reviewer)
    with pytest.raises(workflow.TransitionError) as caught:
        workflow.claim_assign(claim=claim, user=reviewer, assignee=editor)
    assert caught.value.code == "forbidden"
    with pytest.raises(workflow.TransitionError):
        workflow.article_assign(article=article, user=reviewer, assignee=reviewer)


# -- articles ----------------------------------------------------------------------------------


def test_the_assignee_opening_a_new_article_starts_work_on_it(article, reviewer, reviewer2, editor):
    workflow.article_assign(article=article, user=editor, assignee=reviewer)
    workflow.article_opened(article=article, user=reviewer2)
    article.refresh_from_db()
    assert article.queue_status == Article.Queue.NEW  # not theirs
    workflow.article_opened(article=article, user=reviewer)
    article.refresh_from_db()
    assert article.queue_status == Article.Queue.IN_PROGRESS


def test_opening_a_done_article_leaves_it_done(article, reviewer):
    Article.objects.filter(pk=article.pk).update(queue_status="done", assignee=reviewer)
    article.refresh_from_db()
    workflow.article_opened(article=article, user=reviewer)
    article.refresh_from_db()
    assert article.queue_status == Article.Queue.DONE


def test_an_article_is_done_only_when_all_its_claims_are_decided(article, reviewer, editor):
    claim = make_submitted(article, reviewer)
    with pytest.raises(workflow.TransitionError) as caught:
        workflow.article_mark_done(article=article, user=editor)
    assert caught.value.code == "state"
    assert caught.value.message == workflow.ARTICLE_NOT_DONE.format(count=1)
    article.refresh_from_db()
    assert article.queue_status == Article.Queue.NEW
    workflow.claim_transition(claim=claim, user=editor, action="reject", comment="Opinion.")
    workflow.article_mark_done(article=article, user=editor)
    article.refresh_from_db()
    assert article.queue_status == Article.Queue.DONE


def test_a_reviewer_cannot_mark_an_article_done(article, reviewer):
    with pytest.raises(workflow.TransitionError) as caught:
        workflow.article_mark_done(article=article, user=reviewer)
    assert (caught.value.code, caught.value.message) == ("forbidden", workflow.NOT_EDITOR)


# -- two editors at once -----------------------------------------------------------------------


SHARED_CACHE = (
    "SQLite's in-memory test database shares one cache between threads, which locks "
    "tables instead of waiting for the writer; give the test database a file name "
    "(DATABASES['default']['TEST']['NAME']) to run this test on SQLite."
)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("second", ["reject", "approve"])
def test_two_editors_deciding_at_once_exactly_one_wins(article, reviewer, editor, editor2, second):
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip(SHARED_CACHE)
    claim = make_submitted(article, reviewer)
    version = claim.version
    results = race(
        lambda: workflow.claim_transition(
            claim=Claim.objects.get(pk=claim.pk), user=editor, action="approve", version=version
        ),
        lambda: workflow.claim_transition(
            claim=Claim.objects.get(pk=claim.pk),
            user=editor2,
            action=second,
            comment="Not convinced.",
            version=version,
        ),
    )
    winners = [r for r in results if isinstance(r, Claim)]
    losers = [r for r in results if isinstance(r, claims.StaleVersion)]
    assert (len(winners), len(losers)) == (1, 1), results
    claim.refresh_from_db()
    assert claim.status == winners[0].status
    assert claim.version == version + 1
    decisions = claim.events.exclude(to_status=S.SUBMITTED)
    assert [e.to_status for e in decisions] == [claim.status]


def test_claims_are_assigned_to_editors_only(article, reviewer, reviewer2, editor, editor2):
    claim = make_submitted(article, reviewer)
    error = transition_error_of(workflow.claim_assign, claim=claim, user=editor, assignee=reviewer2)
    assert error.message == workflow.ASSIGN_CLAIM_TO.format(name="reviewer2")
    assert workflow.claim_assign(claim=claim, user=editor, assignee=editor2).assignee == editor2
    assert ClaimEvent.objects.filter(claim=claim, kind=ClaimEvent.Kind.ASSIGNMENT).count() == 1


def test_articles_are_assigned_to_people_who_can_use_the_workspace(article, editor, reviewer,
                                                                    outsider):  # fmt: skip
    error = transition_error_of(
        workflow.article_assign, article=article, user=editor, assignee=outsider
    )
    assert error.message == workflow.ASSIGN_ARTICLE_TO.format(name="outsider")
    workflow.article_assign(article=article, user=editor, assignee=reviewer)
    assert Article.objects.get(pk=article.pk).assignee == reviewer


def test_reviewers_cannot_assign(article, reviewer, reviewer2):
    error = transition_error_of(
        workflow.article_assign, article=article, user=reviewer, assignee=reviewer2
    )
    assert error.code == "forbidden"


def transition_error_of(function, **kwargs) -> workflow.TransitionError:
    with pytest.raises(workflow.TransitionError) as caught:
        function(**kwargs)
    return caught.value


def test_what_is_blocked_and_why_is_said_for_the_buttons(article, reviewer, reviewer2, editor):
    from annotations.workflow import available_actions

    incomplete = factories.make_draft(article, reviewer, complete=False)
    allowed, blocked = available_actions(reviewer, incomplete)
    assert allowed == []
    assert [(b.action, b.reason) for b in blocked] == [
        ("submit", "Before submitting, add a verdict, a rationale and at least one source.")
    ]
    # Someone with no right to a move is not shown it at all.
    assert available_actions(reviewer2, incomplete) == ([], [])
    own = factories.make_submitted(article, editor, n=1)
    allowed, blocked = available_actions(editor, own)
    assert {b.action for b in blocked} == {"approve", "reject", "request_changes"}
    assert all("four-eyes" in b.reason for b in blocked)


# -- four-eyes on edits ----------------------------------------------------------------------


def test_an_editor_who_rewrote_a_submitted_claim_cannot_approve_it(
    article, reviewer, editor, editor2
):
    """Defect: an editor could rewrite a reviewer's submitted claim and approve it, published
    under the reviewer's name, with no event recording the edit."""
    claim = make_submitted(article, reviewer)
    claims.claim_update(
        claim=claim,
        user=editor,
        version=None,
        text="EDITOR REWROTE THIS CLAIM",
        verdict=Verdict.objects.get(slug="true"),
    )
    edit = ClaimEvent.objects.filter(claim=claim, kind=ClaimEvent.Kind.EDIT).get()
    assert edit.actor == editor
    assert set(edit.changes) == {"claim", "verdict"}
    assert edit.changes["verdict"] == ["False", "True"]
    assert not edit.is_correction  # nothing was published yet
    error = transition_error(claim=Claim.objects.get(pk=claim.pk), user=editor, action="approve")
    assert error.code == "four_eyes" and "another editor" in error.message
    approved = workflow.claim_transition(
        claim=Claim.objects.get(pk=claim.pk), user=editor2, action="approve"
    )
    assert approved.approved_by == editor2


def test_the_authors_own_changes_do_not_bar_the_editor(article, reviewer, editor):
    claim = make_submitted(article, reviewer)
    claim = workflow.claim_transition(
        claim=claim, user=editor, action="request_changes", comment="Say which plant."
    )
    claims.claim_update(claim=claim, user=reviewer, version=None, text="The Dongguan plant")
    assert ClaimEvent.objects.filter(claim=claim, kind=ClaimEvent.Kind.EDIT).count() == 1
    claim = workflow.claim_transition(
        claim=Claim.objects.get(pk=claim.pk), user=reviewer, action="submit"
    )
    claim = workflow.claim_transition(claim=claim, user=editor, action="approve")
    assert claim.status == S.APPROVED


def test_a_draft_edit_is_recorded_with_who_made_it(article, reviewer):
    claim = make_draft(article, reviewer)
    claims.claim_update(claim=claim, user=reviewer, version=None, text="Reworded")
    (event,) = ClaimEvent.objects.filter(claim=claim)
    assert (event.kind, event.actor, event.wrote_content) == (ClaimEvent.Kind.EDIT, reviewer, True)
    assert event.comment == "Changed in the draft: claim"
    assert event.changes["claim"][1] == "Reworded"


def test_an_editor_who_rewrote_a_reviewers_draft_cannot_approve_it(
    article, reviewer, editor, editor2
):
    """Defect: an editor PATCHed a reviewer's draft (new wording and verdict), submitted
    and approved it alone; the history showed only the submit and the approval."""
    claim = make_draft(article, reviewer)
    claims.claim_update(
        claim=claim, user=editor, version=None, text="EDITOR WORDS",
        verdict=Verdict.objects.get(slug="true"),
    )  # fmt: skip
    edit = claim.events.get(kind=ClaimEvent.Kind.EDIT)
    assert edit.actor == editor and set(edit.changes) == {"claim", "verdict"}
    claim = workflow.claim_transition(claim=Claim.objects.get(pk=claim.pk), user=editor,
                                      action="submit")  # fmt: skip
    error = transition_error(claim=claim, user=editor, action="approve")
    assert error.code == "four_eyes" and "you cannot approve it" in error.message
    assert Claim.objects.get(pk=claim.pk).status == S.SUBMITTED
    claim = workflow.claim_transition(claim=claim, user=editor2, action="approve")
    assert claim.approved_by == editor2


def test_one_editor_cannot_retract_reopen_rewrite_and_republish_alone(
    article, reviewer, editor, editor2
):
    """Defect: one editor re-published an approved check with new wording and verdict."""
    claim = make_approved(article, reviewer, editor2)
    claim = workflow.claim_transition(claim=claim, user=editor, action="retract", comment="Redo")
    claim = workflow.claim_transition(claim=claim, user=editor, action="reopen")
    claims.claim_update(claim=claim, user=editor, version=None, text="NEW WORDS",
                        verdict=Verdict.objects.get(slug="true"))  # fmt: skip
    claim = workflow.claim_transition(claim=Claim.objects.get(pk=claim.pk), user=editor,
                                      action="submit")  # fmt: skip
    error = transition_error(claim=claim, user=editor, action="approve")
    assert error.code == "four_eyes"
    # The editor who approved it before, and changed nothing, may approve it again.
    assert workflow.claim_transition(claim=claim, user=editor2, action="approve").status == (
        S.APPROVED
    )


def test_reopening_and_resubmitting_unchanged_needs_no_third_editor(
    article, reviewer, editor, editor2
):
    claim = make_approved(article, reviewer, editor2)
    claim = workflow.claim_transition(claim=claim, user=editor, action="retract", comment="Hold")
    claim = workflow.claim_transition(claim=claim, user=editor, action="reopen")
    claim = workflow.claim_transition(claim=claim, user=editor, action="submit")
    assert workflow.claim_transition(claim=claim, user=editor, action="approve").status == (
        S.APPROVED
    )
