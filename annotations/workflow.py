"""State transitions of claims and articles: the one place their rules live.

Admin actions, admin buttons, the API and the reviewer pages all call
``claim_transition``; each successful call writes exactly one ClaimEvent.
"""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass

from django.db import transaction
from django.utils import timezone

from annotations import notifications
from annotations.access import ClaimFacts, can_use_workspace, capabilities, is_editor
from annotations.locking import StaleVersion, lock_claim
from annotations.models import Article, Claim, ClaimEvent

S = Claim.Status


class TransitionError(Exception):
    """A move the rules refuse; the message says why and what to do."""

    def __init__(self, message: str, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: frozenset[str]
    target: str
    _: KW_ONLY  # what the move demands is said by name in the table
    editor_only: bool = False
    four_eyes: bool = False
    needs_comment: bool = False


TRANSITIONS = {
    t.action: t
    for t in [
        Transition(
            "submit", "Submit for review", frozenset({S.DRAFT, S.CHANGES_REQUESTED}), S.SUBMITTED
        ),
        Transition(
            "approve", "Approve", frozenset({S.SUBMITTED}), S.APPROVED,
            editor_only=True, four_eyes=True,
        ),
        Transition(
            "reject", "Reject", frozenset({S.SUBMITTED}), S.REJECTED,
            editor_only=True, four_eyes=True, needs_comment=True,
        ),
        Transition(
            "request_changes", "Request changes", frozenset({S.SUBMITTED}), S.CHANGES_REQUESTED,
            editor_only=True, four_eyes=True, needs_comment=True,
        ),
        Transition(
            "retract", "Retract", frozenset({S.APPROVED}), S.RETRACTED,
            editor_only=True, needs_comment=True,
        ),
        Transition("reopen", "Reopen as draft", frozenset({S.RETRACTED}), S.DRAFT),
    ]
}  # fmt: skip

NOT_PERMITTED = "You may not {label} this claim: only editors may {label}."
NOT_AUTHOR = "Only the claim's author or an editor may {label} it."
FOUR_EYES = (
    "You wrote this claim, so you cannot {label} it: another editor must review it "
    "(four-eyes rule)."
)
EDITED_IN_REVIEW = (
    "You wrote or changed part of this claim (its wording, verdict, rationale, sources, "
    "claimant, date or where it appears), so you cannot approve it: another editor must "
    "review what you wrote (four-eyes rule)."
)
WRONG_STATE = "A claim that is {state} cannot be {done}; this is possible only from {allowed}."
NEEDS_COMMENT = "Say why: a comment is required to {label}."
SUBMIT_INCOMPLETE = "Before submitting, add {missing}."
UNKNOWN_ACTION = "Unknown action {action!r}; choose one of {choices}."
ARTICLE_NOT_DONE = (
    "The article still has {count} undecided claim(s) (draft, submitted or changes "
    "requested): decide them before marking it done."
)
NOT_EDITOR = "Only editors may do this."
QUOTE_UNANCHORED = (
    "The article's text changed under this quote: accept the place found, or select the "
    "words again, before you {label} it."
)
ASSIGN_CLAIM_TO = "Claims are assigned to editors, who review them; {name} is not an editor."
ASSIGN_ARTICLE_TO = "{name} cannot use the workspace, so cannot work on an article."

DONE = {
    "submit": "submitted",
    "approve": "approved",
    "reject": "rejected",
    "request_changes": "sent back for changes",
    "retract": "retracted",
    "reopen": "reopened",
}


def check_transition(user, claim: ClaimFacts, action: str, comment: str = "") -> Transition:
    """Raise TransitionError unless ``user`` may apply ``action`` to ``claim`` now.

    ``user`` may be a user or their ``access.Capabilities``; ``claim`` a Claim or
    the facts of a row (``access.RowFacts``): lists decide every claim by this one rule.
    """
    who = capabilities(user)
    transition = check_role(who, claim, action)
    label = transition.label.lower()
    if claim.status not in transition.sources:
        allowed = " or ".join(Claim.Status(s).label.lower() for s in sorted(transition.sources))
        raise TransitionError(
            WRONG_STATE.format(
                state=Claim.Status(claim.status).label.lower(), done=DONE[action], allowed=allowed
            ),
            "state",
        )
    if transition.four_eyes and claim.author_id == who.user_id:
        raise TransitionError(FOUR_EYES.format(label=label), "four_eyes")
    if action == "approve" and who.user_id in claim.content_editor_ids:
        raise TransitionError(EDITED_IN_REVIEW, "four_eyes")
    if transition.needs_comment and not (comment or "").strip():
        raise TransitionError(NEEDS_COMMENT.format(label=label), "comment")
    if action in ("submit", "approve") and getattr(claim, "anchor_state", "anchored") != "anchored":
        raise TransitionError(QUOTE_UNANCHORED.format(label=label), "incomplete")
    if action == "submit":
        missing = []
        if claim.verdict_id is None:
            missing.append("a verdict")
        if not claim.rationale.strip():
            missing.append("a rationale")
        if not claim.has_sources:
            missing.append("at least one source")
        if missing:
            raise TransitionError(SUBMIT_INCOMPLETE.format(missing=and_list(missing)), "incomplete")
    return transition


def check_role(user, claim: ClaimFacts, action: str) -> Transition:
    """The part of ``check_transition`` about who may make this move at all."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise TransitionError(
            UNKNOWN_ACTION.format(action=action, choices=", ".join(TRANSITIONS)), "unknown"
        )
    who = capabilities(user)
    label = transition.label.lower()
    permitted = who.retract if transition.action == "retract" else who.editor
    if transition.editor_only and not permitted:
        raise TransitionError(NOT_PERMITTED.format(label=label), "forbidden")
    if not transition.editor_only and claim.author_id != who.user_id and not who.editor:
        raise TransitionError(NOT_AUTHOR.format(label=label), "forbidden")
    return transition


def and_list(items: list[str]) -> str:
    """ "a, b and c": how a person lists what is missing."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


# Refusals a person can act on (complete the claim; ask another editor): the page shows
# these actions disabled, with the reason, rather than hiding them.
SHOWN_WHEN_BLOCKED = {"incomplete", "four_eyes"}


@dataclass(frozen=True)
class Blocked:
    action: str
    reason: str


def available_actions(user, claim: ClaimFacts) -> tuple[list[Transition], list[Blocked]]:
    """The transitions ``user`` could apply now (comments aside), and those that apply
    to the claim's state but are refused for a reason the user can do something about."""
    allowed: list[Transition] = []
    blocked: list[Blocked] = []
    who = capabilities(user)
    for action, transition in TRANSITIONS.items():
        if claim.status not in transition.sources:
            continue  # refused for its role or its state: neither is shown (nor worded)
        try:
            check_transition(who, claim, action, comment="-")
        except TransitionError as exc:
            if exc.code in SHOWN_WHEN_BLOCKED:
                blocked.append(Blocked(action, exc.message))
            continue
        allowed.append(transition)
    return allowed, blocked


def allowed_actions(user, claim: ClaimFacts) -> list[Transition]:
    """The transitions this user could apply now (comments aside), for buttons."""
    return available_actions(user, claim)[0]


def claim_transition(
    *, claim: Claim, user, action: str, comment: str = "", version: int | None = None
) -> Claim:
    """Apply one transition atomically and record it. Exactly one concurrent caller wins.

    With ``version``, the claim must still be at that version (else StaleVersion).
    Without it, the claim must still be in the state the caller saw (``claim.status``).
    """
    seen_status = claim.status
    # Who may not make this move at all hears so before any version check, which would
    # otherwise answer with the claim as it now is.
    check_role(user, claim, action)
    with transaction.atomic():
        current = lock_claim(claim.pk, version)
        if version is None and current.status != seen_status:
            raise StaleVersion(current, claim.version)
        transition = check_transition(user, current, action, comment)
        now = timezone.now()
        previous = current.status
        current.status = transition.target
        update_fields = ["status", "updated_at"]
        correction_of = None
        if action == "submit":
            current.submitted_at = now
            update_fields.append("submitted_at")
        elif action == "approve":
            current.approved_by, current.approved_at = user, now
            # Approved on the words as they now read: an earlier text change is behind it.
            current.text_changed_at, current.quote_as_checked = None, ""
            update_fields += ["approved_by", "approved_at", "text_changed_at", "quote_as_checked"]
        elif action == "retract":
            current.retracted_at, current.retraction_reason = now, (comment or "").strip()
            update_fields += ["retracted_at", "retraction_reason"]
            correction_of = current.verdict.label if current.verdict else ""
        current.updated_at = now
        current.save(update_fields=update_fields)
        ClaimEvent.objects.record(
            claim=current,
            actor=user,
            kind=ClaimEvent.Kind.TRANSITION,
            from_status=previous,
            to_status=transition.target,
            comment=comment,
            correction_of=correction_of,
            at=now,
        )
        notifications.claim_transitioned(claim=current, actor=user, action=action, comment=comment)
    return current


def claim_assign(*, claim: Claim, user, assignee) -> Claim:
    if not user.has_perm("annotations.assign_claim"):
        raise TransitionError(NOT_EDITOR, "forbidden")
    if assignee is not None and not is_editor(assignee):
        raise TransitionError(ASSIGN_CLAIM_TO.format(name=assignee.get_username()), "assignee")
    with transaction.atomic():
        current = lock_claim(claim.pk, None)
        previous = current.assignee_id
        current.assignee = assignee
        current.save(update_fields=["assignee"])
        ClaimEvent.objects.record(
            claim=current,
            actor=user,
            kind=ClaimEvent.Kind.ASSIGNMENT,
            comment=f"Assigned to {assignee.get_username()}" if assignee else "Unassigned",
            changes={"assignee": assignee.get_username() if assignee else None},
        )
        if assignee is not None and assignee.pk != previous:
            notifications.claim_assigned(claim=current, actor=user, assignee=assignee)
    return current


def article_assign(*, article: Article, user, assignee) -> Article:
    if not user.has_perm("annotations.assign_claim"):
        raise TransitionError(NOT_EDITOR, "forbidden")
    if assignee is not None and not can_use_workspace(assignee):
        raise TransitionError(ASSIGN_ARTICLE_TO.format(name=assignee.get_username()), "assignee")
    with transaction.atomic():
        previous = Article.objects.filter(pk=article.pk).values_list("assignee_id", flat=True)
        changed = assignee is not None and assignee.pk != previous.first()
        Article.objects.filter(pk=article.pk).update(assignee=assignee, updated_at=timezone.now())
        article.refresh_from_db(fields=["assignee", "updated_at"])
        if changed:
            notifications.article_assigned(article=article, actor=user, assignee=assignee)
    return article


def article_opened(*, article: Article, user) -> None:
    """The assignee opening a new article starts work on it."""
    if article.queue_status == Article.Queue.NEW and article.assignee_id == user.pk:
        Article.objects.filter(pk=article.pk, queue_status=Article.Queue.NEW).update(
            queue_status=Article.Queue.IN_PROGRESS, updated_at=timezone.now()
        )
        article.queue_status = Article.Queue.IN_PROGRESS


UNDECIDED = [S.DRAFT, S.SUBMITTED, S.CHANGES_REQUESTED]


def check_article_done(article: Article) -> None:
    """An article is done only when every claim on it is decided."""
    undecided = article.claims.filter(status__in=UNDECIDED).count()
    if undecided:
        raise TransitionError(ARTICLE_NOT_DONE.format(count=undecided), "state")


def article_mark_done(*, article: Article, user) -> Article:
    if not is_editor(user):
        raise TransitionError(NOT_EDITOR, "forbidden")
    with transaction.atomic():
        check_article_done(article)
        Article.objects.filter(pk=article.pk).update(
            queue_status=Article.Queue.DONE, updated_at=timezone.now()
        )
    article.queue_status = Article.Queue.DONE
    return article


__all__ = [
    "TRANSITIONS",
    "Blocked",
    "StaleVersion",
    "TransitionError",
    "allowed_actions",
    "available_actions",
    "article_assign",
    "article_mark_done",
    "check_article_done",
    "article_opened",
    "check_transition",
    "claim_assign",
    "claim_transition",
]
