"""Creating, editing and deleting claims: the rules every path (API, admin, forms) shares.

Every write names the version it read. The version is checked and bumped in
one ``UPDATE … WHERE version = n`` inside the transaction, so two writers who
read the same version cannot both win, on PostgreSQL and on SQLite alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from annotations import embeddings, notifications
from annotations.access import can_delete_claim, can_edit_claim, can_use_workspace
from annotations.appearances import create_primary, move_appearance
from annotations.locking import STALE, StaleVersion, lock_claim
from annotations.models import AnchorState, Article, Claim, Claimant, ClaimEvent, Source, Verdict
from annotations.richtext import rationale_source, render_markdown
from annotations.spans import make_quote

__all__ = ["STALE", "StaleVersion", "claim_create", "claim_delete", "claim_update", "lock_claim"]

NOT_YOURS = "Only the claim's author or an editor may change it, and only while it is editable."
PUBLISHED_LOCKED = (
    "This check is published, so it cannot be changed in place: a second editor must see "
    "every change before readers do. Retract it with a reason, reopen it as a draft, make "
    "the change and submit it for review."
)
CANNOT_DELETE = (
    "Only a draft that has never been submitted can be deleted, by its author or an editor."
)
NO_WORKSPACE = "You need reviewer or editor rights to write claims."
SOURCE_NOT_FOUND = "Source {id} does not belong to this claim."

NO_SUCH_APPEARANCE = (
    "This claim does not appear in article {article}: attach it there first, or move it "
    "where it appears."
)

# Fields whose change on a claim under review or published is recorded in its history.
TRACKED = ("claim", "verdict", "rationale", "start", "end", "claimant", "claim_date")


def claim_create(
    *,
    article: Article,
    user,
    start: int,
    end: int,
    exact: str | None = None,
    text: str = "",
    verdict: Verdict | None = None,
    rationale: str = "",
    sources: Sequence[dict[str, Any]] = (),
    claimant: Claimant | None = None,
    claim_date: date | None = None,
) -> Claim:
    """A new draft on a span of ``article``: that span is its first appearance.

    The claim returned carries that appearance (``primary_appearance``) and its sources
    as saved (``saved_sources``).
    """
    if not can_use_workspace(user):
        raise PermissionDenied(NO_WORKSPACE)
    quote = make_quote(article.body, start, end, exact)
    with transaction.atomic():
        obj = Claim(
            article=article,
            author=user,
            start=quote.start,
            end=quote.end,
            exact=quote.exact,
            prefix=quote.prefix,
            suffix=quote.suffix,
            claim=(text or "").strip() or quote.exact,
            verdict=verdict,
            rationale=render_markdown(rationale),
            rationale_markdown=rationale or "",
            claimant=claimant,
            claim_date=claim_date,
        )
        # Its check constraints hold by construction (a span from make_quote, a draft
        # needs no approver) and the database enforces them; verdict and claimant are
        # rows the caller read: no round trip to test any of them again.
        obj.full_clean(
            exclude=["article", "author", "verdict", "claimant"], validate_constraints=False
        )
        obj.save()
        appearance = create_primary(obj, user)
        saved = _replace_sources(obj, sources, new=True)
        embed_after_commit(obj.pk)
    # What was written with it, for an answer made without reading it back.
    obj.primary_appearance, obj.saved_sources = appearance, saved  # type: ignore[attr-defined]  # read by the answer
    return obj


def claim_update(
    *,
    claim: Claim,
    user,
    version: int | None,
    sources: Sequence[dict[str, Any]] | None = None,
    **fields: Any,
) -> Claim:
    """Change a claim's span, text, verdict, rationale, claimant, date and sources in one
    transaction.

    ``fields`` may hold ``start``/``end``/``exact`` (with ``article``: the appearance in
    that article moves; without: the claim's own, primary one), ``text`` (the claim as
    stated), ``verdict``, ``rationale`` (Markdown, rendered by ``richtext.render_markdown``),
    ``claimant`` and ``claim_date``.
    Every change is recorded as an event with the fields changed and who changed them,
    drafts included: whoever changed a claim's content counts as one of its authors and
    may not approve it (``workflow``'s four-eyes rule). A published claim is not changed
    in place (``access.can_edit_claim``): readers see nothing a second editor has not.
    """
    if not can_edit_claim(user, claim):
        # Before the version: no claim shown to who may not edit.
        raise PermissionDenied(_refusal(claim))
    with transaction.atomic():
        current = lock_claim(claim.pk, version)
        if not can_edit_claim(user, current):
            raise PermissionDenied(_refusal(current))
        before = _snapshot(current)
        if "start" in fields or "end" in fields or "exact" in fields:
            _move_span(current, fields)
        if "text" in fields:
            current.claim = (fields["text"] or "").strip() or current.exact
        if "verdict" in fields:
            current.verdict = fields["verdict"]
        source = fields.get("rationale")
        if source is not None and source != rationale_source(
            current.rationale_markdown, current.rationale
        ):
            # Only a changed rationale is rendered again: an older HTML one sent back as
            # the Markdown it was opened with stays exactly as it was.
            current.rationale = render_markdown(source)
            current.rationale_markdown = source
        if "claimant" in fields:
            current.claimant = fields["claimant"]
        if "claim_date" in fields:
            current.claim_date = fields["claim_date"]
        current.full_clean(exclude=["article", "author"])
        current.save()
        if sources is not None:
            _replace_sources(current, sources)
        after = _snapshot(current)
        _record_edit(current, user, before, after)
        if before["claim"] != after["claim"] or "start" in fields:
            embed_after_commit(current.pk)
    return current


def embed_after_commit(pk: int) -> None:
    """The claim's sentence vector, once its wording is saved (the optional engine)."""
    if embeddings.available():
        transaction.on_commit(lambda: embeddings.refresh([pk]))


def _move_span(claim: Claim, fields: dict[str, Any]) -> None:
    """Move the claim's appearance in ``fields["article"]`` (default: its primary one)."""
    article_id = fields.get("article") or claim.article_id
    appearance = claim.appearances.select_related("article").filter(article_id=article_id).first()
    if appearance is None:
        raise ValidationError({"article": NO_SUCH_APPEARANCE.format(article=article_id)})
    move_appearance(
        appearance,
        appearance.article.body,
        fields.get("start", appearance.start),
        fields.get("end", appearance.end),
        fields.get("exact"),
    )
    if appearance.primary:  # the copy in the claim's columns, for what follows
        claim.start, claim.end, claim.exact = appearance.start, appearance.end, appearance.exact
        claim.prefix, claim.suffix = appearance.prefix, appearance.suffix
        # Words chosen on the current text: anchored, whatever a revision had done.
        claim.anchor_state, claim.anchor_score = AnchorState.ANCHORED, None


def claim_delete(*, claim: Claim, user, version: int | None) -> None:
    if not can_delete_claim(user, claim):
        raise PermissionDenied(CANNOT_DELETE)
    with transaction.atomic():
        current = lock_claim(claim.pk, version)
        if not can_delete_claim(user, current):
            raise PermissionDenied(CANNOT_DELETE)
        current.sources.all().delete()
        current.appearances.all().delete()
        current.delete()


def _snapshot(claim: Claim) -> dict[str, Any]:
    data = {name: getattr(claim, name) for name in ("claim", "rationale", "start", "end")}
    data["verdict"] = claim.verdict.label if claim.verdict else None
    data["claimant"] = claim.claimant.name if claim.claimant else None
    data["claim_date"] = claim.claim_date.isoformat() if claim.claim_date else None
    data["sources"] = [
        {"url": s.url, "title": s.title, "stance": s.stance} for s in claim.sources.all()
    ]
    return data


def _refusal(claim: Claim) -> str:
    return PUBLISHED_LOCKED if claim.status == Claim.Status.APPROVED else NOT_YOURS


# States in which a change of content is news for the people around the claim: under
# review, its author and the editors deciding it are told.
NOTIFIED_STATES = {Claim.Status.SUBMITTED, Claim.Status.CHANGES_REQUESTED}
WHEN: dict[str, str] = {
    Claim.Status.DRAFT: "in the draft",
    Claim.Status.SUBMITTED: "in review",
    Claim.Status.CHANGES_REQUESTED: "in review",
    Claim.Status.REJECTED: "after rejection",
}


def _record_edit(claim: Claim, user, before: dict, after: dict) -> None:
    """Every edit is an event naming the fields changed and who changed them, in every
    state: the history shows who wrote what, and the four-eyes rule reads it."""
    changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if not changes:
        return
    when = WHEN[claim.status]  # the states can_edit_claim lets anyone change
    event = ClaimEvent.objects.record(
        claim=claim,
        actor=user,
        kind=ClaimEvent.Kind.EDIT,
        comment=f"Changed {when}: " + ", ".join(sorted(changes)),
        changes=changes,
        wrote_content=True,
    )
    if claim.status in NOTIFIED_STATES:
        notifications.claim_edited(claim=claim, actor=user, comment=event.comment)


def _replace_sources(
    claim: Claim, sources: Sequence[dict[str, Any]], *, new: bool = False
) -> list[Source]:
    """Make the claim's sources exactly ``sources``, in that order (returned, saved).

    Items with an ``id`` update that source; items without one are created;
    sources not named are removed. Field errors come back per item. A ``new`` claim
    has none yet: nothing to read or remove.
    """
    existing = {} if new else {s.pk: s for s in claim.sources.all()}
    keep: list[Source] = []
    errors: list[str] = []
    for position, item in enumerate(sources, start=1):
        data = dict(item)
        source_id = data.pop("id", None)
        if source_id is not None:
            source = existing.get(source_id)
            if source is None:
                errors.append(f"Source {position}: " + SOURCE_NOT_FOUND.format(id=source_id))
                continue
        else:
            source = Source(claim=claim)
        for name, value in data.items():
            setattr(source, name, "" if value is None and name != "accessed_on" else value)
        source.order = position
        try:
            source.full_clean(exclude=["claim"])
        except ValidationError as exc:
            errors += [
                f"Source {position}, {field}: {message}"
                for field, messages in exc.message_dict.items()
                for message in messages
            ]
        keep.append(source)
    if errors:
        raise ValidationError({"sources": errors})
    if not new:
        kept_ids = {s.pk for s in keep if s.pk}
        Source.objects.filter(claim=claim).exclude(pk__in=kept_ids).delete()
    for source in keep:
        source.save()
    return keep
