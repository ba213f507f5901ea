"""Claimants: one row per real person or organisation, found by name however it is spelt,
offered as the reviewer types, merged by an editor when two turn out to be one."""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, QuerySet, Value, When
from django.utils import timezone

from annotations.access import can_use_workspace, is_editor
from annotations.models import Claim, Claimant, claimant_key

NO_NAME = "Give the claimant's name."
NO_WORKSPACE = "You need reviewer or editor rights to name claimants."
EDITORS_MERGE = "Only editors may merge claimants."
MERGE_SELF = "A claimant cannot be merged into itself."
SUGGESTIONS = 10


def current(claimant: Claimant) -> Claimant:
    """The claimant a merged one now lives on as."""
    seen = set()
    while claimant.merged_into_id is not None and claimant.pk not in seen:
        seen.add(claimant.pk)
        claimant = cast(Claimant, claimant.merged_into)  # merged_into_id is set
    return claimant


def claimant_find_or_create(
    *,
    user,
    name: str,
    kind: str = Claimant.Kind.PERSON,
    description: str = "",
    same_as: Iterable[str] = (),
) -> Claimant:
    """The claimant of this name (case, accents and punctuation aside), made if new."""
    if not can_use_workspace(user):
        raise PermissionDenied(NO_WORKSPACE)
    key = claimant_key(name or "")
    if not key:
        raise ValidationError({"name": NO_NAME})
    found = Claimant.objects.filter(key=key).first()
    if found is not None:
        return current(found)
    claimant = Claimant(
        name=" ".join(name.split())[:200],
        kind=kind,
        description=(description or "").strip()[:300],
        same_as=list(same_as),
    )
    claimant.full_clean(exclude=["key"])
    try:
        with transaction.atomic():
            claimant.save()
    except IntegrityError:  # someone named them at the same moment
        return current(Claimant.objects.get(key=key))
    return claimant


def claimant_suggestions(text: str, limit: int = SUGGESTIONS) -> QuerySet[Claimant]:
    """Claimants whose name contains what was typed, those that start with it first."""
    key = claimant_key(text or "")
    if not key:
        return Claimant.objects.none()
    starts = Case(When(key__startswith=key, then=Value(0)), default=Value(1))
    return (
        Claimant.objects.current()
        .filter(key__contains=key)
        .annotate(rank=starts)
        .order_by("rank", "name", "id")[:limit]
    )


def claimants_merge(*, keep: Claimant, merge: Claimant, user) -> Claimant:
    """``merge`` is the same as ``keep``: its claims (and its sameAs links) move over, and
    its page and name now lead to ``keep``. Claims moved count as changed for sync."""
    if not is_editor(user):
        raise PermissionDenied(EDITORS_MERGE)
    keep, merge = current(keep), current(merge)
    if keep.pk == merge.pk:
        raise ValidationError(MERGE_SELF)
    with transaction.atomic():
        Claim.objects.filter(claimant=merge).update(claimant=keep, updated_at=timezone.now())
        Claimant.objects.filter(merged_into=merge).update(merged_into=keep)
        keep.same_as = list(dict.fromkeys([*keep.same_as, *merge.same_as]))
        if not keep.description:
            keep.description = merge.description
        keep.save(update_fields=["same_as", "description"])
        Claimant.objects.filter(pk=merge.pk).update(merged_into=keep)
    return keep


__all__ = [
    "claimant_find_or_create",
    "claimant_suggestions",
    "claimants_merge",
    "current",
]
