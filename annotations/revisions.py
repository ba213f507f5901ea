"""Revisions of an article's text, and what they do to the claims anchored on it.

``article_revise`` keeps the new text as a revision (append-only), moves the article
to it and looks for every claim's quote on it (``anchoring.reanchor``), whatever the
claims' states: moved, found approximately (fuzzy, for a person to confirm) or
orphaned. Nothing is deleted; the revision left behind keeps the offsets that index
it (``ClaimAnchor``).

``quote_reanchor`` is the one function that writes an anchoring result to a stored
span, so that when claims can appear in several articles (appearances), only it
changes. ``claim_anchor_resolve`` is the reviewer's answer: accept the place found,
or select the words again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from annotations.access import can_resolve_anchor
from annotations.anchoring import ANCHORED, FUZZY, ORPHANED, Anchor, Selector, reanchor
from annotations.appearances import move_appearance, sync_primary
from annotations.locking import lock_claim
from annotations.models import Appearance, Article, ArticleRevision, Claim, ClaimAnchor, ClaimEvent

MOVED = "The article's text changed (revision {number}): the quote moved, its words unchanged."
FOUND_APPROXIMATELY = (
    "The article's text changed (revision {number}): the quote was found only approximately "
    "(score {score:.2f}); check that it still says what was checked."
)
NOT_FOUND = (
    "The article's text changed (revision {number}): the quote was not found; select the "
    "words again, or retract the check."
)
ACCEPTED = "The place found on the changed text was accepted."
RESELECTED = "The words were selected again on the changed text."
NOT_YOURS = "Only the claim's author or an editor may re-anchor it, and not once it is retracted."
NOTHING_TO_RESOLVE = "This claim's quote is anchored on the current text: there is nothing to fix."
ORPHAN_NEEDS_WORDS = (
    "The quote was not found on the current text, so there is no place to accept: "
    "select the words again (start, end, exact), or retract the check."
)


@dataclass
class RevisionOutcome:
    revision: ArticleRevision
    states: dict[str, int] = field(default_factory=lambda: {ANCHORED: 0, FUZZY: 0, ORPHANED: 0})

    @property
    def summary(self) -> str:
        """ "revision 3; claims: 2 anchored, 1 fuzzy, 0 orphaned" for the import's line."""
        text = f"revision {self.revision.number}"
        if sum(self.states.values()):
            text += "; claims: " + ", ".join(f"{n} {state}" for state, n in self.states.items())
        return text


def latest_revision(article: Article) -> ArticleRevision:
    """The article's newest revision (made from its columns if it has none yet)."""
    revision = article.revisions.order_by("-number").first()
    if revision is None:
        revision = ArticleRevision.objects.create(
            article=article,
            number=1,
            title=article.title,
            body=article.body,
            raw_text=article.raw_text,
            content_hash=article.content_hash,
            created_at=article.imported_at,
            created_by=article.imported_by,
        )
    return revision


def article_revise(
    *,
    article: Article,
    user,
    fields: dict[str, Any],
    raw_text: str,
    encoding: str = "utf-8",
    fetched_url: str = "",
) -> RevisionOutcome:
    """Keep the new text as a revision, move the article to it, re-anchor its claims.

    ``fields`` are the article's columns from the new import (body, title, hash…).
    Runs in the caller's transaction, as one step: all of it happens or none.
    """
    with transaction.atomic():
        previous = latest_revision(article)
        old_length = len(article.body)
        now = timezone.now()
        for name, value in fields.items():
            setattr(article, name, value)
        article.revised_at = now
        article.save()
        revision = ArticleRevision.objects.create(
            article=article,
            number=previous.number + 1,
            title=article.title,
            body=article.body,
            raw_text=raw_text,
            encoding=encoding,
            content_hash=article.content_hash,
            fetched_url=fetched_url,
            created_by=user,
            created_at=now,
        )
        outcome = RevisionOutcome(revision)
        # Every appearance of a claim in this article: a claim's first one or another.
        for appearance in (
            Appearance.objects.filter(article=article).select_related("claim").order_by("pk")
        ):
            anchor = quote_reanchor(
                appearance=appearance, previous=previous, revision=revision,
                old_length=old_length, user=user,
            )  # fmt: skip
            outcome.states[anchor.state] += 1
    return outcome


def quote_reanchor(
    *,
    appearance: Appearance,
    previous: ArticleRevision,
    revision: ArticleRevision,
    old_length: int,
    user,
) -> Anchor:
    """Find an appearance's quote on ``revision`` and store where it is (the one writer of
    a re-anchored span; a claim's first appearance is copied into the claim's columns).
    The offsets it had on ``previous`` are kept there (a claim appears once per article,
    so one claim and one revision name it)."""
    claim = appearance.claim
    ClaimAnchor.objects.update_or_create(
        claim=claim,
        revision=previous,
        defaults={
            "start": appearance.start,
            "end": appearance.end,
            "exact": appearance.exact,
            "prefix": appearance.prefix,
            "suffix": appearance.suffix,
            "state": appearance.anchor_state,
        },
    )
    selector = Selector(appearance.exact, appearance.prefix, appearance.suffix, appearance.start)
    anchor = reanchor(selector, revision.body, old_length=old_length)
    span = (anchor.start, anchor.end) if anchor.found else (appearance.start, appearance.end)
    unchanged = (
        span == (appearance.start, appearance.end)
        and anchor.exact == appearance.exact
        and anchor.state == appearance.anchor_state
    )
    if unchanged and anchor.state == ANCHORED:
        return anchor
    current = lock_claim(claim.pk, None)  # a new version: an edit begun before is stale
    before: dict[str, Any] = {
        "start": appearance.start,
        "end": appearance.end,
        "exact": appearance.exact,
        "anchor_state": appearance.anchor_state,
    }
    words_changed = anchor.state == ORPHANED or anchor.exact != appearance.exact
    if anchor.found:
        appearance.start, appearance.end = anchor.start, anchor.end  # type: ignore[assignment]  # found: both set
        appearance.exact, appearance.prefix, appearance.suffix = (
            anchor.exact, anchor.prefix, anchor.suffix,
        )  # fmt: skip
    appearance.anchor_state = anchor.state
    appearance.save(update_fields=["start", "end", "exact", "prefix", "suffix", "anchor_state"])
    if appearance.primary:
        sync_primary(current, appearance)
        current.anchor_state, current.anchor_score = anchor.state, anchor.score
    if words_changed:
        current.text_changed_at = revision.created_at
        current.quote_as_checked = current.quote_as_checked or before["exact"]
    current.save(
        update_fields=["anchor_state", "anchor_score", "text_changed_at", "quote_as_checked"]
    )
    after = {
        "start": appearance.start,
        "end": appearance.end,
        "exact": appearance.exact,
        "anchor_state": appearance.anchor_state,
    }
    note = {ANCHORED: MOVED, FUZZY: FOUND_APPROXIMATELY, ORPHANED: NOT_FOUND}[anchor.state]
    ClaimEvent.objects.record(
        claim=current,
        actor=user,
        kind=ClaimEvent.Kind.ANCHOR,
        comment=note.format(number=revision.number, score=anchor.score),
        changes={
            **{k: [before[k], after[k]] for k in after if before[k] != after[k]},
            "revision": revision.number,
            "article": appearance.article_id,
            "score": anchor.score,
        },
    )
    return anchor


def claim_anchor_resolve(
    *,
    claim: Claim,
    user,
    version: int | None,
    start: int | None = None,
    end: int | None = None,
    exact: str | None = None,
) -> Claim:
    """The reviewer's answer to a changed text: accept the place found (no span), or
    select the words again (``start``/``end``, and ``exact`` as the page shows it).

    A claim not yet published forgets the text change once resolved (it will be checked
    on the new words); a published one keeps it, for the notice on its public page.
    """
    if not can_resolve_anchor(user, claim):
        raise PermissionDenied(NOT_YOURS)
    with transaction.atomic():
        current = lock_claim(claim.pk, version)
        if not can_resolve_anchor(user, current):
            raise PermissionDenied(NOT_YOURS)
        if current.anchor_state == ANCHORED:
            raise ValidationError({"anchor_state": NOTHING_TO_RESOLVE})
        before = {"start": current.start, "end": current.end, "exact": current.exact}
        if start is None and end is None:
            if current.anchor_state == ORPHANED:
                raise ValidationError({"start": ORPHAN_NEEDS_WORDS})
            note = ACCEPTED
        else:
            first = current.appearances.get(primary=True)
            move_appearance(first, current.article.body, start, end, exact)
            current.start, current.end, current.exact = first.start, first.end, first.exact
            current.prefix, current.suffix = first.prefix, first.suffix
            note = RESELECTED
        was = current.anchor_state
        current.appearances.filter(primary=True).update(anchor_state=ANCHORED)
        current.anchor_state = ANCHORED
        current.anchor_score = None
        if current.approved_at is None:
            current.text_changed_at = None
            current.quote_as_checked = ""
        current.full_clean(exclude=["article", "author"])
        current.save()
        after = {"start": current.start, "end": current.end, "exact": current.exact}
        ClaimEvent.objects.record(
            claim=current,
            actor=user,
            kind=ClaimEvent.Kind.ANCHOR,
            comment=note,
            changes={
                **{k: [before[k], after[k]] for k in after if before[k] != after[k]},
                "anchor_state": [was, ANCHORED],
            },
            # Words selected again are words this person chose: an author's part.
            wrote_content=note == RESELECTED,
        )
    return current
