"""The desk's queues: what is waiting, for whom, and what is late.

Written once here and used by the admin's filters and by the admin index's
"desk at a glance", so a number on the index and the list behind its link agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone

from annotations import access, notifications
from annotations.bounded import Tally, counts_up_to
from annotations.models import Article, Claim, ClaimEvent, Notification

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


def my_drafts(user) -> Q:
    return Q(status=S.DRAFT, author=user)


def assigned_articles(user) -> Q:
    """Articles assigned to ``user`` that are not done."""
    return Q(assignee=user) & ~Q(queue_status=Article.Queue.DONE)


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


# -- My work: everyone's inbox -----------------------------------------------------------


@dataclass(frozen=True)
class InboxCounts:
    """Each count exact up to a thousand, "more than 1,000" past it (``bounded``)."""

    articles: Tally
    sent_back: Tally
    drafts: Tally
    to_review: Tally | None  # None: not an editor, so nothing waits for their decision
    unread: Tally

    @property
    def waiting(self) -> Tally:
        """What waits for the person to act: the number beside "My work" in the header."""
        parts = [self.articles, self.sent_back, self.to_review or Tally(0)]
        return Tally(sum(t.n for t in parts), more=any(t.more for t in parts))


def inbox_counts(user) -> InboxCounts:
    """The header's numbers in one query of capped counts on indexed columns (claims by
    author and status, the waiting queue, articles by assignee, notifications by
    recipient), so a desk with twenty thousand claims waiting costs what one with twenty
    does; the permission check reads the user's cached permissions."""
    wanted = {
        "articles": Article.objects.filter(assigned_articles(user)),
        "sent_back": Claim.objects.filter(sent_back_to(user)),
        "drafts": Claim.objects.filter(my_drafts(user)),
        "unread": Notification.objects.filter(notifications.unread(user)),
    }
    if access.is_editor(user):
        wanted["to_review"] = Claim.objects.filter(waiting_for_review(user))
    counts = counts_up_to(wanted)
    return InboxCounts(
        articles=counts["articles"],
        sent_back=counts["sent_back"],
        drafts=counts["drafts"],
        to_review=counts.get("to_review"),
        unread=counts["unread"],
    )


# How many of each list My work shows; the counts say how many there are in all.
INBOX_LIMIT = 25


@dataclass(frozen=True)
class SentBack:
    claim: Claim
    comment: str
    by: str
    at: datetime | None


@dataclass(frozen=True)
class MyWork:
    counts: InboxCounts
    articles: list[Article]
    sent_back: list[SentBack]
    drafts: list[Claim]
    to_review: list[Claim] | None


def _claims() -> QuerySet:
    return Claim.objects.select_related("article", "verdict").defer(
        "article__body", "article__raw_text"
    )


def my_work(user, limit: int = INBOX_LIMIT) -> MyWork:
    """Everything waiting for ``user``, by the same definitions as the admin's filters:
    articles assigned to them (soonest due first), their claims sent back with the
    editor's comment (longest waiting first), their drafts (latest first) and, for
    editors, the claims waiting for their decision (oldest submission first)."""
    counts = inbox_counts(user)
    articles = list(
        Article.objects.filter(assigned_articles(user))
        .defer("body", "raw_text")
        .order_by(F("due_date").asc(nulls_last=True), "-priority", "imported_at", "id")[:limit]
    )
    sent_back = list(_claims().filter(sent_back_to(user)).order_by("updated_at", "id")[:limit])
    drafts = list(_claims().filter(my_drafts(user)).order_by("-updated_at", "-id")[:limit])
    to_review = None
    if counts.to_review is not None:
        to_review = list(
            _claims()
            .select_related("author")
            .filter(waiting_for_review(user))
            .order_by("submitted_at", "id")[:limit]
        )
    return MyWork(counts, articles, _with_comments(sent_back), drafts, to_review)


def _with_comments(claims: list[Claim]) -> list[SentBack]:
    """Each claim with the comment of the request that sent it back (one query)."""
    requests = (
        ClaimEvent.objects.filter(
            claim__in=claims,
            kind=ClaimEvent.Kind.TRANSITION,
            to_status=S.CHANGES_REQUESTED,
        )
        .select_related("actor")
        .order_by("claim_id", "at", "id")
    )
    latest = {event.claim_id: event for event in requests}  # the last one per claim wins
    result = []
    for claim in claims:
        event = latest.get(claim.pk)
        by = ""
        if event is not None and event.actor is not None:
            by = event.actor.get_full_name() or event.actor.get_username()
        result.append(
            SentBack(claim, event.comment if event else "", by, event.at if event else None)
        )
    return result
