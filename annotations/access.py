"""Who may do what: the table in DESIGN.md, written once and asked by admin, API and pages."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Q, QuerySet

from annotations.models import Claim

EDITABLE_BY_AUTHOR = {Claim.Status.DRAFT, Claim.Status.CHANGES_REQUESTED}
PRIVATE = {Claim.Status.DRAFT}


def is_editor(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm("annotations.review_claim"))


def can_use_workspace(user) -> bool:
    """Reviewers, editors and admins: people who read articles and write claims."""
    return bool(user and user.is_authenticated and user.has_perm("annotations.add_claim"))


def can_read_claim(user, claim: Claim) -> bool:
    """Drafts are private to their author (and editors); everything else is shared on the desk."""
    if not can_use_workspace(user):
        return False
    return claim.status not in PRIVATE or claim.author_id == user.pk or is_editor(user)


def can_edit_claim(user, claim: Claim) -> bool:
    if not can_use_workspace(user):
        return False
    if is_editor(user):
        return claim.status != Claim.Status.RETRACTED
    return claim.author_id == user.pk and claim.status in EDITABLE_BY_AUTHOR


def can_delete_claim(user, claim: Claim) -> bool:
    """Only a draft that never entered review: once it has history, the history stays."""
    if claim.status != Claim.Status.DRAFT or claim.submitted_at is not None:
        return False
    return can_use_workspace(user) and (claim.author_id == user.pk or is_editor(user))


def visible_claims(user, queryset=None):
    """The claims this user may read, as a queryset filter."""
    queryset = Claim.objects.all() if queryset is None else queryset
    if not can_use_workspace(user):
        return queryset.none()
    if is_editor(user):
        return queryset
    return queryset.filter(~Q(status__in=PRIVATE) | Q(author_id=user.pk))


def people_with_perm(codename: str) -> QuerySet:
    """Active users holding ``annotations.<codename>`` through a group, directly or as superuser."""
    perm = Permission.objects.filter(codename=codename, content_type__app_label="annotations")
    granted = Q(is_superuser=True) | Q(groups__permissions__in=perm) | Q(user_permissions__in=perm)
    return get_user_model().objects.filter(granted, is_active=True).distinct().order_by("username")
