"""Where a claim was made: attach it to spans of other articles, confirm, remove, split, merge.

One claim, many appearances. The primary appearance is the claim's own span: this
module is the one place that writes appearances, and it copies the primary one into
the claim's columns (``sync_primary``), so every list reads a claim's first appearance
in the claim's own row. Adding an appearance to a published claim publishes nothing by
itself. Every appearance but a new claim's own span is *proposed* by one person and
confirmed by another editor, whatever the claim's state (four-eyes): only confirmed
appearances are published. Every change to a claim's appearances is an event naming
who made it (a change of content: its actor may not approve the claim), and a change
to what is published moves ``updated_at`` so incremental sync sends it again.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from annotations.access import can_edit_claim, can_read_claim, can_use_workspace, is_editor
from annotations.locking import lock_claim
from annotations.models import Appearance, Article, Claim, ClaimEvent, touch_claims
from annotations.spans import make_quote

S = Claim.Status
A = Appearance.State

ALREADY_HERE = "This claim already appears in this article: open it there instead."
NOT_READABLE = "You cannot see this claim, so you cannot attach it here."
NO_WORKSPACE = "You need reviewer or editor rights to attach claims to articles."
CONFIRM_OWN = (
    "You proposed this appearance, so you cannot confirm it: another editor must (four-eyes rule)."
)
CONFIRM_EDITORS = "Only editors confirm where a claim appeared."
NOT_PROPOSED = "This appearance is already confirmed."
REMOVE_LAST = (
    "This is the claim's only confirmed appearance: a claim must appear somewhere. Confirm "
    "another one first, delete the draft, or retract the claim."
)
REMOVE_RIGHTS = "Only editors, or the claim's author while it is editable, may remove appearances."
SPLIT_LAST = (
    "This is the claim's only confirmed appearance: there is nothing to split it from "
    "(confirm another one first)."
)
EDITORS_ONLY = "Only editors may merge or split claims."
MERGE_SELF = "A claim cannot be merged into itself."
MERGE_GONE = "Claim {pk} was merged into claim {into} already: merge into that one."
MERGED_REASON = "Merged into claim {pk}: the same claim, checked once."
MERGE_INTO_UNPUBLISHED = (
    "Claim {gone} is published and claim {keep} is not: its readers would be sent to a "
    "check nobody has approved. Merge claim {keep} into claim {gone} instead, or have "
    "claim {keep} approved first."
)


def sync_primary(claim: Claim, appearance: Appearance) -> None:
    """Copy the primary appearance's span into the claim's own columns."""
    claim.article_id = appearance.article_id
    claim.start, claim.end = appearance.start, appearance.end
    claim.exact, claim.prefix, claim.suffix = appearance.exact, appearance.prefix, appearance.suffix
    Claim.objects.filter(pk=claim.pk).update(
        article_id=claim.article_id,
        start=claim.start,
        end=claim.end,
        exact=claim.exact,
        prefix=claim.prefix,
        suffix=claim.suffix,
        updated_at=timezone.now(),
    )


def create_primary(claim: Claim, user) -> Appearance:
    """A new claim's own span as its first appearance (``claims.claim_create`` calls it)."""
    return Appearance.objects.create(
        claim=claim,
        article_id=claim.article_id,
        start=claim.start,
        end=claim.end,
        exact=claim.exact,
        prefix=claim.prefix,
        suffix=claim.suffix,
        primary=True,
        state=A.CONFIRMED,
        proposed_by=user,
        confirmed_by=user,
        confirmed_at=timezone.now(),
    )


def move_appearance(
    appearance: Appearance, body: str, start: int | None, end: int | None, exact: str | None
) -> None:
    """A new span for an appearance on its own article (validated like a new claim's)."""
    quote = make_quote(body, start, end, exact)
    appearance.start, appearance.end = quote.start, quote.end
    appearance.exact, appearance.prefix, appearance.suffix = (
        quote.exact,
        quote.prefix,
        quote.suffix,
    )
    appearance.anchor_state = Appearance.Anchor.ANCHORED
    appearance.save(update_fields=["start", "end", "exact", "prefix", "suffix", "anchor_state"])
    if appearance.primary:
        sync_primary(appearance.claim, appearance)


def describe(appearance: Appearance) -> dict:
    """What an event says of an appearance: where, and the words."""
    return {
        "article": appearance.article_id,
        "start": appearance.start,
        "end": appearance.end,
        "exact": appearance.exact[:200],
    }


def _record(
    claim: Claim, user, comment: str, appearance: Appearance, *, wrote: bool = True
) -> None:
    """An appearance step in the claim's history; ``wrote``: it changed where the claim
    is said to appear (a confirmation does not)."""
    ClaimEvent.objects.record(
        claim=claim,
        actor=user,
        kind=ClaimEvent.Kind.APPEARANCE,
        comment=comment,
        changes={"appearance": describe(appearance)},
        wrote_content=wrote,
    )


def appearance_attach(
    *, claim: Claim, user, article: Article, start: int, end: int, exact: str | None = None
) -> Appearance:
    """Propose that ``claim`` is also made in ``article`` at this span.

    It is published only once an editor other than ``user`` confirms it, whatever the
    claim's state: the proposer's word alone never reaches readers.
    """
    if not can_use_workspace(user):
        raise PermissionDenied(NO_WORKSPACE)
    if not can_read_claim(user, claim):
        raise PermissionDenied(NOT_READABLE)
    quote = make_quote(article.body, start, end, exact)
    with transaction.atomic():
        current = lock_claim(claim.pk, None)
        appearance = Appearance(
            claim=current,
            article=article,
            start=quote.start,
            end=quote.end,
            exact=quote.exact,
            prefix=quote.prefix,
            suffix=quote.suffix,
            state=A.PROPOSED,
            proposed_by=user,
        )
        try:
            with transaction.atomic():
                appearance.save()
        except IntegrityError:
            raise ValidationError({"article": ALREADY_HERE}) from None
        comment = f"Appearance proposed (waits for another editor): {article.title[:120]}"
        _record(current, user, comment, appearance)
    return appearance


def appearance_confirm(*, appearance: Appearance, user) -> Appearance:
    """A second editor confirms a proposed appearance: it is now part of the claim (on a
    published one, published, and sync sends the claim again)."""
    if not is_editor(user):
        raise PermissionDenied(CONFIRM_EDITORS)
    with transaction.atomic():
        current = (
            Appearance.objects.select_for_update()
            .select_related("claim", "article")
            .get(pk=appearance.pk)
        )
        if current.state != A.PROPOSED:
            raise ValidationError(NOT_PROPOSED)
        if current.proposed_by_id == user.pk:
            raise PermissionDenied(CONFIRM_OWN)
        current.state, current.confirmed_by, current.confirmed_at = (
            A.CONFIRMED,
            user,
            timezone.now(),
        )
        current.save(update_fields=["state", "confirmed_by", "confirmed_at"])
        comment = f"Appearance confirmed: {current.article.title[:120]}"
        _record(current.claim, user, comment, current, wrote=False)
        touch_claims(Claim.objects.filter(pk=current.claim_id))
    return current


def confirmed_successor(claim: Claim, leaving: Appearance) -> Appearance | None:
    """The appearance that stands for the claim once ``leaving`` goes: a confirmed one,
    never a proposal (its words would stand as the claim's quote unseen)."""
    others = claim.appearances.exclude(pk=leaving.pk).filter(state=A.CONFIRMED)
    return others.order_by("id").first()


def appearance_remove(*, appearance: Appearance, user) -> None:
    """Take an appearance off its claim; the claim keeps at least one."""
    with transaction.atomic():
        claim = lock_claim(appearance.claim_id, None)
        if not (is_editor(user) or can_edit_claim(user, claim)):
            raise PermissionDenied(REMOVE_RIGHTS)
        current = Appearance.objects.select_related("article").get(pk=appearance.pk)
        successor = confirmed_successor(claim, current)
        if successor is None and current.state == A.CONFIRMED:
            raise ValidationError(REMOVE_LAST)
        current.delete()
        if current.primary and successor is not None:  # a primary one is confirmed
            Appearance.objects.filter(pk=successor.pk).update(primary=True)
            successor.primary = True
            sync_primary(claim, successor)
        _record(claim, user, f"Appearance removed: {current.article.title[:120]}", current)
        touch_claims(Claim.objects.filter(pk=claim.pk))


def appearance_split(*, appearance: Appearance, user) -> Claim:
    """The claim said here is a different one: a new draft claim, by ``user``, with this
    appearance as its own (and the original's claimant and date); the original keeps
    the rest."""
    if not is_editor(user):
        raise PermissionDenied(EDITORS_ONLY)
    with transaction.atomic():
        original = lock_claim(appearance.claim_id, None)
        current = Appearance.objects.select_related("article").get(pk=appearance.pk)
        successor = confirmed_successor(original, current)
        if successor is None:
            raise ValidationError(SPLIT_LAST)
        new = Claim.objects.create(
            article=current.article,
            start=current.start,
            end=current.end,
            exact=current.exact,
            prefix=current.prefix,
            suffix=current.suffix,
            claim=current.exact,
            author=user,
            claimant_id=original.claimant_id,
            claim_date=original.claim_date,
        )
        was_primary = current.primary
        Appearance.objects.filter(pk=current.pk).update(
            claim=new, primary=True, state=A.CONFIRMED, confirmed_by=user,
            confirmed_at=timezone.now(),
        )  # fmt: skip
        if was_primary:
            Appearance.objects.filter(pk=successor.pk).update(primary=True)
            sync_primary(original, successor)
        _record(original, user, f"Split off into claim {new.pk}", current)
        touch_claims(Claim.objects.filter(pk=original.pk))
    return new


def claims_merge(*, survivor: Claim, other: Claim, user) -> Claim:
    """Two claims turned out to be the same: ``other``'s appearances move to ``survivor``
    (but for articles where it already appears), and ``other`` is withdrawn, pointing at
    the survivor: a tombstone in the export, its public page redirects."""
    if not is_editor(user):
        raise PermissionDenied(EDITORS_ONLY)
    if survivor.pk == other.pk:
        raise ValidationError(MERGE_SELF)
    with transaction.atomic():
        keep = lock_claim(survivor.pk, None)
        gone = lock_claim(other.pk, None)
        for claim in (keep, gone):
            if claim.merged_into_id is not None:
                raise ValidationError(MERGE_GONE.format(pk=claim.pk, into=claim.merged_into_id))
        if gone.status == S.APPROVED and keep.status != S.APPROVED:
            raise ValidationError(MERGE_INTO_UNPUBLISHED.format(gone=gone.pk, keep=keep.pk))
        present = set(keep.appearances.values_list("article_id", flat=True))
        for appearance in gone.appearances.exclude(article_id__in=present):
            # Moved by one editor: proposed, until another confirms it on the survivor.
            Appearance.objects.filter(pk=appearance.pk).update(
                claim=keep, primary=False, state=A.PROPOSED, proposed_by=user,
                confirmed_by=None, confirmed_at=None,
            )  # fmt: skip
            _record(keep, user, f"Appearance moved here from claim {gone.pk}", appearance)
        previous = gone.status
        now = timezone.now()
        Claim.objects.filter(pk=gone.pk).update(
            merged_into=keep,
            status=S.RETRACTED,
            retracted_at=now,
            retraction_reason=MERGED_REASON.format(pk=keep.pk),
            updated_at=now,
        )
        ClaimEvent.objects.record(
            claim=gone,
            actor=user,
            kind=ClaimEvent.Kind.TRANSITION,
            from_status=previous,
            to_status=S.RETRACTED,
            comment=MERGED_REASON.format(pk=keep.pk),
            correction_of=(gone.verdict.label if gone.verdict else "")
            if previous == S.APPROVED
            else None,
        )
        touch_claims(Claim.objects.filter(pk=keep.pk))
    return Claim.objects.get(pk=keep.pk)
