"""Claims as the reviewer workspace sees them: a lean list, and the full claim on request.

The workspace page embeds the lean list (what highlights, counts, filters and card
summaries need) and the workspace API serves it by default; an opened card asks for
one claim in full: our export JSON plus its state, version, history and what the
reader may do, with the reason for each action refused. Both are built from rows,
with the reader's permissions asked once per request, so a list of a thousand claims
costs a fixed number of queries and no model instance.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from annotations import workflow
from annotations.access import (
    Capabilities,
    RowFacts,
    can_delete_claim,
    can_edit_claim,
    can_resolve_anchor,
)
from annotations.models import Appearance, Claim, ClaimEvent, Source, visibility, writers_of
from annotations.publishing.people import display_name, person, person_of
from annotations.publishing.rows import ClaimBuilder, claim_rows
from annotations.publishing.scale import Bounds
from annotations.publishing.uris import Links
from annotations.richtext import rationale_source

# The keys of one lean claim (tests check that nothing else slips in).
LEAN_FIELDS = (
    "id", "start", "end", "status", "claim", "verdict", "author", "source_count",
    "appearance", "appearance_state", "anchor_state",
)  # fmt: skip
# What the full representation can add on request (``?expand=sources,events``).
EXPANDABLE = ("sources", "events")
WORKSPACE_COLUMNS = (
    "version", "submitted_at", "anchor_score", "rationale_markdown",
    "assignee_id", "assignee__first_name", "assignee__last_name", "assignee__username",
)  # fmt: skip


def with_source_count(claims: QuerySet[Claim]) -> QuerySet[Claim]:
    """Each claim's number of sources, counted per row (no GROUP BY over the claim's columns)."""
    counted = (
        Source.objects.filter(claim_id=OuterRef("pk"))
        .order_by()
        .values("claim_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return claims.annotate(source_count=Coalesce(Subquery(counted, output_field=IntegerField()), 0))


def in_text_order(claims: QuerySet[Claim]) -> QuerySet[Claim]:
    return claims.order_by("start", "end", "id")


def appearing_in(article_id: int, user) -> QuerySet[Claim]:
    """The claims ``user`` may read that appear (confirmed or proposed) in the article."""
    return Claim.objects.filter(
        pk__in=Appearance.objects.filter(article_id=article_id).values("claim_id")
    ).visible_to(user)


def lean_claims(user, article_id: int) -> list[dict[str, Any]]:
    """The claims that appear in the article and that ``user`` may read, in text order,
    lean, with their span in this article, in one query: the appearances filtered on
    their claim's visibility (no subquery over the claims), the verdict as its slug
    (the page looks up its label and colour in the scale it has loaded).
    """
    condition = visibility(user, via="claim__")
    if condition is None:
        return []
    counted = (
        Source.objects.filter(claim_id=OuterRef("claim_id"))
        .order_by()
        .values("claim_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    rows = (
        Appearance.objects.filter(condition, article_id=article_id)
        .annotate(source_count=Coalesce(Subquery(counted, output_field=IntegerField()), 0))
        .order_by("start", "end", "claim_id")
        .values_list(
            "claim_id", "start", "end", "claim__status", "claim__claim", "claim__verdict__slug",
            "claim__author__first_name", "claim__author__last_name", "claim__author__username",
            "source_count", "id", "state", "anchor_state",
        )
    )  # fmt: skip
    return [
        lean(claim_id, start, end, status, text, verdict, display_name(first, last, username),
             source_count, appearance, state, anchor_state)
        for (
            claim_id, start, end, status, text, verdict, first, last, username,
            source_count, appearance, state, anchor_state,
        ) in rows
    ]  # fmt: skip


def lean_new_claim(claim: Claim) -> dict[str, Any]:
    """A claim ``claims.claim_create`` just made, as ``lean_claims`` lists it, from what
    it wrote (its first appearance, its sources): no query."""
    here = claim.primary_appearance  # type: ignore[attr-defined]  # set by claim_create
    return lean(
        claim.pk, here.start, here.end, claim.status, claim.claim,
        claim.verdict.slug if claim.verdict else None, person(claim.author),
        len(claim.saved_sources), here.pk, here.state, here.anchor_state,  # type: ignore[attr-defined]  # as here
    )  # fmt: skip


def lean(claim_id: int, start: int, end: int, status: str, text: str, verdict: str | None,
         author: str | None, source_count: int, appearance: int, appearance_state: str,
         anchor_state: str) -> dict[str, Any]:  # fmt: skip
    """The lean claim's one shape (``LEAN_FIELDS``), whether read in bulk or in hand."""
    return {
        "id": claim_id,
        "start": start,
        "end": end,
        "status": status,
        "claim": text,
        "verdict": verdict,
        "author": author,
        "source_count": source_count,
        "appearance": appearance,
        "appearance_state": appearance_state,
        "anchor_state": anchor_state,
    }


def workspace_rows(claims: QuerySet[Claim]) -> QuerySet[Claim, dict[str, Any]]:
    """Rows holding everything the full workspace representation reads."""
    return claim_rows(with_source_count(claims), *WORKSPACE_COLUMNS, "source_count")


def facts_of_row(row: dict[str, Any], editors: frozenset[int] = frozenset()) -> RowFacts:
    return RowFacts(
        pk=row["id"],
        status=row["status"],
        author_id=row["author_id"],
        submitted_at=row["submitted_at"],
        verdict_id=row["verdict_id"],
        rationale=row["rationale"],
        has_sources=row["source_count"] > 0,
        content_editor_ids=editors,
        anchor_state=row["anchor_state"],
    )


def content_editors(rows: list[dict[str, Any]]) -> dict[int, frozenset[int]]:
    """``Claim.content_editor_ids`` of many rows, in one query: of those waiting for a
    decision, the only ones whose authors the rules ask about (none: no query)."""
    return writers_of([row["id"] for row in rows if row["status"] == Claim.Status.SUBMITTED])


class WorkspaceBuilder:
    """Turns workspace rows into full claims for one reader (their rights asked once)."""

    def __init__(self, user, scale: Bounds, links: Links) -> None:
        self.who = Capabilities.of(user)
        self.claims = ClaimBuilder(scale, links)

    def build(
        self, rows: list[dict[str, Any]], expand: Collection[str] = EXPANDABLE
    ) -> list[dict[str, Any]]:
        ids = [row["id"] for row in rows]
        related = self.claims.related(ids)
        history = self.events(ids) if "events" in expand else {}
        editors = content_editors(rows)
        items = []
        for row in rows:
            item = self.claims.claim(row, related)
            # Every appearance, proposed ones too, with its review and anchoring state.
            item["appearances"] = [
                {**appearance, **related.review[appearance["id"]]}
                for appearance in [
                    *related.appearances.get(row["id"], []),
                    *related.pending.get(row["id"], []),
                ]
            ]
            if "sources" not in expand:
                del item["sources"]
            item.update(self.state(row))
            if "events" in expand:
                item["events"] = history.get(row["id"], [])
            facts = facts_of_row(row, editors.get(row["id"], frozenset()))
            item["permissions"] = self.permissions(facts)
            items.append(item)
        return items

    def state(self, row: dict[str, Any]) -> dict[str, Any]:
        when = self.claims.when
        return {
            "status": row["status"],
            "version": row["version"],
            "author_id": row["author_id"],
            "assignee": person_of(row, "assignee"),
            "submitted_at": when(row["submitted_at"]),
            "retracted_at": when(row["retracted_at"]),
            "retraction_reason": row["retraction_reason"],
            # What the form edits: the Markdown typed, or one made from an older HTML rationale.
            "rationale_markdown": rationale_source(row["rationale_markdown"], row["rationale"]),
            "anchor_state": row["anchor_state"],
            "anchor_score": row["anchor_score"],
        }

    def events(self, ids: Iterable[int]) -> dict[int, list[dict[str, Any]]]:
        """Every claim's history, oldest first, grouped by claim (one query)."""
        history: dict[int, list] = defaultdict(list)
        rows = (
            ClaimEvent.objects.filter(claim_id__among=list(ids))
            .order_by("at", "id")
            .values_list(
                "claim_id", "at", "actor_id", "actor__first_name", "actor__last_name",
                "actor__username", "kind", "from_status", "to_status", "comment", "changes",
            )
        )  # fmt: skip
        for claim_id, at, actor_id, first, last, username, *rest in rows:
            kind, from_status, to_status, comment, changes = rest
            history[claim_id].append(
                {
                    "at": self.claims.when(at),
                    "actor": display_name(first, last, username) if actor_id else None,
                    "kind": kind,
                    "from_status": from_status,
                    "to_status": to_status,
                    "comment": comment,
                    "changes": changes,
                }
            )
        return history

    def permissions(self, facts: RowFacts) -> dict[str, Any]:
        allowed, blocked = workflow.available_actions(self.who, facts)
        return {
            "edit": can_edit_claim(self.who, facts),
            "delete": can_delete_claim(self.who, facts),
            "actions": [t.action for t in allowed],
            "blocked": [{"action": b.action, "reason": b.reason} for b in blocked],
            "anchor": facts.anchor_state != "anchored" and can_resolve_anchor(self.who, facts),
        }
