"""The desk's queues: what is waiting, for whom, and what is late.

Written once here and used by the admin's filters and by the admin index's
"desk at a glance", so a number on the index and the list behind its link agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.db.models import Case, IntegerField, Q, Value, When
from django.urls import reverse
from django.utils import timezone

from annotations import access
from annotations.bounded import Tally, counts_up_to
from annotations.models import Article, Claim

S = Claim.Status
TEXT_CHANGED_PARAMETER = "text_changed"


def published_first() -> Case:
    """0 for an approved claim, 1 for the rest: published checks lead a queue."""
    return Case(
        When(status=S.APPROVED, then=Value(0)), default=Value(1), output_field=IntegerField()
    )


def waiting_for_review(user) -> Q:
    """Submitted claims assigned to ``user`` or to nobody, that ``user`` did not write.

    An editor's own claims never wait for them: the four-eyes rule means they could
    not approve them.
    """
    return Q(status=S.SUBMITTED) & (Q(assignee=user) | Q(assignee__isnull=True)) & ~Q(author=user)


def sent_back_to(user) -> Q:
    """The user's own claims on which an editor requested changes."""
    return Q(status=S.CHANGES_REQUESTED, author=user)


def overdue() -> Q:
    """Articles past their due date that are not done."""
    return Q(due_date__lt=timezone.localdate()) & ~Q(queue_status=Article.Queue.DONE)


def week_start() -> datetime:
    """Midnight seven days ago, local time: the admin's "Past 7 days" date filter."""
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return today - timedelta(days=7)


@dataclass(frozen=True)
class DeskItem:
    label: str
    count: Tally
    url: str


def _url(name: str, **params) -> str:
    return reverse(name) + "?" + urlencode(params)


def desk_at_a_glance(user) -> list[DeskItem]:
    """Claims waiting, sent back, approved this week; overdue articles. One query.

    Each number is counted from an index (status; approval time; anchor state; due date)
    and stops
    past a thousand ("more than 1,000"), so the index costs the same at any size.
    """
    since = week_start()
    counts = counts_up_to(
        {
            "submitted": Claim.objects.filter(status=S.SUBMITTED),
            "mine": Claim.objects.filter(waiting_for_review(user)),
            "changes": Claim.objects.filter(status=S.CHANGES_REQUESTED),
            "approved": Claim.objects.filter(status=S.APPROVED, approved_at__gte=since),
            "text_changed": Claim.objects.filter(anchor_state__in=("fuzzy", "orphaned")),
            "late": Article.objects.filter(overdue()),
        }
    )
    late = counts["late"]
    claims = "admin:annotations_claim_changelist"
    items = [
        DeskItem(
            "Claims waiting for review",
            counts["submitted"],
            _url(claims, status__exact=S.SUBMITTED),
        )
    ]
    if access.is_editor(user):
        items.append(
            DeskItem("… of which waiting for you", counts["mine"], _url(claims, waiting="review"))
        )
    items += [
        DeskItem(
            "Changes requested",
            counts["changes"],
            _url(claims, status__exact=S.CHANGES_REQUESTED),
        ),
        DeskItem(
            "Approved in the past 7 days",
            counts["approved"],
            _url(claims, status__exact=S.APPROVED, approved_at__gte=str(since)),
        ),
        DeskItem(
            "Text changed under these claims",
            counts["text_changed"],
            _url(claims, **{TEXT_CHANGED_PARAMETER: "yes"}),
        ),
        DeskItem(
            "Overdue articles", late, _url("admin:annotations_article_changelist", due="overdue")
        ),
    ]
    return items
