"""Who may do what: the table in DESIGN.md, written once and asked by admin, API and pages.

Every rule takes the person either as a user or as their ``Capabilities``: a list
of a thousand claims asks the user's permissions once and then decides each claim
from its facts, by the same functions a single claim goes through.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Q, QuerySet

from annotations.models import (
    PRIVATE_STATUSES,
    REVIEW_PERMISSION,
    WORKSPACE_PERMISSION,
    Claim,
)

EDITABLE_BY_AUTHOR = {Claim.Status.DRAFT, Claim.Status.CHANGES_REQUESTED}
PRIVATE = set(PRIVATE_STATUSES)


@dataclass(frozen=True)
class Capabilities:
    """What one person may do on the desk, asked of the permission system once."""

    user_id: int | None
    workspace: bool
    editor: bool
    retract: bool
    assign: bool

    @classmethod
    def of(cls, user) -> Capabilities:
        if not (user and user.is_authenticated):
            return cls(None, False, False, False, False)
        return cls(
            user_id=user.pk,
            workspace=user.has_perm(WORKSPACE_PERMISSION),
            editor=user.has_perm(REVIEW_PERMISSION),
            retract=user.has_perm("annotations.retract_claim"),
            assign=user.has_perm("annotations.assign_claim"),
        )


class ClaimFacts(Protocol):
    """What the rules read of a claim: a Claim, or a row-built ``facts_of_row``."""

    # Read-only properties, so a frozen RowFacts and a Claim's cached properties both fit.
    @property
    def pk(self) -> int: ...
    @property
    def status(self) -> str: ...
    @property
    def author_id(self) -> int: ...
    @property
    def submitted_at(self) -> datetime | None: ...
    @property
    def verdict_id(self) -> int | None: ...
    @property
    def rationale(self) -> str: ...
    @property
    def has_sources(self) -> bool: ...
    @property
    def content_editor_ids(self) -> frozenset[int]: ...


@dataclass(frozen=True)
class RowFacts:
    """A claim's facts from a ``.values()`` row, for lists that never build instances."""

    pk: int
    status: str
    author_id: int
    submitted_at: datetime | None
    verdict_id: int | None
    rationale: str
    has_sources: bool
    content_editor_ids: frozenset[int] = frozenset()
    anchor_state: str = "anchored"


def capabilities(who) -> Capabilities:
    return who if isinstance(who, Capabilities) else Capabilities.of(who)


def is_editor(user) -> bool:
    return capabilities(user).editor


def can_use_workspace(user) -> bool:
    """Reviewers, editors and admins: people who read articles and write claims."""
    return capabilities(user).workspace


def can_read_claim(user, claim: ClaimFacts) -> bool:
    """Drafts are private to their author (and editors); everything else is shared on the desk."""
    who = capabilities(user)
    if not who.workspace:
        return False
    return claim.status not in PRIVATE or claim.author_id == who.user_id or who.editor


# A published claim is changed only through review: retracted, reopened as a draft,
# changed, submitted and approved by an editor who did not change it (four-eyes).
NOT_EDITABLE = {Claim.Status.APPROVED, Claim.Status.RETRACTED}


def can_edit_claim(user, claim: ClaimFacts) -> bool:
    who = capabilities(user)
    if not who.workspace:
        return False
    if who.editor:
        return claim.status not in NOT_EDITABLE
    return claim.author_id == who.user_id and claim.status in EDITABLE_BY_AUTHOR


def can_resolve_anchor(user, claim: ClaimFacts) -> bool:
    """Who answers for a quote the changed text moved or lost: its author or an editor,
    in any state but retracted (a published check's author re-selects its words too)."""
    who = capabilities(user)
    if not who.workspace or claim.status == Claim.Status.RETRACTED:
        return False
    return who.editor or claim.author_id == who.user_id


def can_delete_claim(user, claim: ClaimFacts) -> bool:
    """Only a draft that never entered review: once it has history, the history stays."""
    if claim.status != Claim.Status.DRAFT or claim.submitted_at is not None:
        return False
    who = capabilities(user)
    return who.workspace and (claim.author_id == who.user_id or who.editor)


def visible_claims(user, queryset=None):
    """The claims this user may read (``ClaimQuerySet.visible_to``)."""
    queryset = Claim.objects.all() if queryset is None else queryset
    return queryset.visible_to(user)


def people_with_perm(codename: str) -> QuerySet:
    """Active users holding ``annotations.<codename>`` through a group, directly or as superuser."""
    perm = Permission.objects.filter(codename=codename, content_type__app_label="annotations")
    granted = Q(is_superuser=True) | Q(groups__permissions__in=perm) | Q(user_permissions__in=perm)
    return get_user_model().objects.filter(granted, is_active=True).distinct().order_by("username")
