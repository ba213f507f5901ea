"""Reviewer pages: the article list and the workspace for one article."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from annotations import access, desk, notifications, workflow
from annotations.forms import NotificationSettingsForm
from annotations.listing import bad_page_link, keyset_list
from annotations.models import Article, Claim, Notification, Source, Verdict
from annotations.publishing.keyset import InvalidCursor
from annotations.publishing.paragraphs import laid_out
from annotations.publishing.workspace import lean_claims
from annotations.sanitize import ALLOWED_TAGS

ARTICLES_PER_PAGE = 25


def home(request: HttpRequest) -> HttpResponse:
    """My work for people who are signed in; the published checks for everyone else."""
    if not request.user.is_authenticated:
        return redirect("checks:list")
    return my_work(request)


def my_work(request: HttpRequest) -> HttpResponse:
    """Everyone's inbox (``desk.my_work``): what waits for this person, and the newest
    notifications. A fixed number of queries whatever the size of the desk."""
    work = desk.my_work(request.user)
    context = {
        "work": work,
        "inbox": work.counts,
        "desk_role": access.can_use_workspace(request.user),
        "today": timezone.localdate(),
        "notifications": notifications.for_list(
            Notification.objects.filter(notifications.unread(request.user))[:NEWEST_UNREAD]
        ),
    }
    return render(request, "annotations/my_work.html", context)


# How many unread notifications My work shows; the list has them all.
NEWEST_UNREAD = 5
NOTIFICATIONS_PER_PAGE = 50


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    mine = Notification.objects.filter(recipient=request.user.pk)  # login_required: a user
    page = Paginator(mine, NOTIFICATIONS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "shown": notifications.for_list(cast(QuerySet, page.object_list)),  # a queryset's page
        "inbox": desk.inbox_counts(request.user),
    }
    return render(request, "annotations/notifications.html", context)


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one read; with ``open``, go where it leads."""
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    notifications.mark_read(user=request.user, notification_id=notification.pk)
    if "open" in request.POST:
        return redirect(notifications.target_path(notification))
    return redirect("annotations:notifications")


@login_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    count = notifications.mark_read(user=request.user)
    messages.success(request, MARKED_READ.format(count=count, s="" if count == 1 else "s"))
    return redirect("annotations:notifications")


MARKED_READ = "{count} notification{s} marked as read."
PREFERENCES_SAVED = "Saved: you get email for the kinds ticked, and every notification here."


@login_required
def notification_settings(request: HttpRequest) -> HttpResponse:
    """Email on or off, kind by kind; the list in the app always shows everything."""
    muted = notifications.muted_kinds(request.user)
    initial = {kind: kind not in muted for kind in Notification.Kind.values}
    form = NotificationSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        notifications.set_email_preferences(user=request.user, emailed=form.emailed())
        messages.success(request, PREFERENCES_SAVED)
        return redirect("annotations:notification-settings")
    return render(request, "annotations/notification_settings.html", {"form": form})


@login_required
def article_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    # Counted per article shown, and only the claims this reader may see.
    visible = (
        Claim.objects.filter(article=OuterRef("pk"))
        .visible_to(request.user)
        .order_by()
        .values("article")
        .annotate(n=Count("id"))
        .values("n")
    )
    articles = (
        Article.objects.defer("body", "raw_text")
        .select_related("assignee")
        .annotate(claim_count=Coalesce(Subquery(visible, output_field=IntegerField()), 0))
        .order_by("-imported_at", "-id")
    )
    if query:
        articles = articles.search(query)
    try:
        listed = keyset_list(
            request,
            articles,
            fields=("imported_at", "id"),
            size=ARTICLES_PER_PAGE,
            estimate=bool(query),
        )
    except InvalidCursor:
        return bad_page_link(request)
    return render(request, "annotations/article_list.html", {"page": listed, "query": query})


@login_required
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The workspace: the article with its claims, which the page's module then edits via the API.

    The claims are embedded (as a JSON data block) so the page draws every highlight
    without a second round trip, but only as a lean list (``publishing.workspace``):
    an opened card fetches the claim's details from the API. A fixed number of queries.
    """
    if not access.can_use_workspace(request.user):
        raise PermissionDenied("You need reviewer or editor rights to use the workspace.")
    article = get_object_or_404(Article.objects.select_related("assignee"), pk=pk)
    workflow.article_opened(article=article, user=request.user)
    paragraphs = laid_out(article)
    verdicts = list(Verdict.objects.all())
    # ".../claims/0/" → ".../claims/{id}/": the page fills in the id.
    per_claim = {
        name: reverse(f"api:{name}", args=[0]).replace("/0/", "/{id}/")
        for name in ("workspace-claim", "claim-transitions", "claim-appearances", "claim-anchor")
    }
    workspace = {
        "articleId": article.pk,
        "claimsUrl": reverse("api:article-claims", args=[article.pk]),
        "claimUrl": per_claim["workspace-claim"],
        "transitionsUrl": per_claim["claim-transitions"],
        "previewUrl": reverse("api:workspace-preview"),
        # What a rationale's HTML may hold: the page keeps only these tags (richtext.js).
        "richTextTags": sorted(ALLOWED_TAGS),
        "appearancesUrl": per_claim["claim-appearances"],
        "similarUrl": reverse("api:similar-claims"),
        "claimantsUrl": reverse("api:claimants"),
        "anchorUrl": per_claim["claim-anchor"],
        "userId": request.user.pk,
        "verdicts": [
            {"slug": v.slug, "label": v.label, "colour": v.colour, "description": v.description}
            for v in verdicts
        ],
        "statuses": [{"value": value, "label": label} for value, label in Claim.Status.choices],
        "transitions": {
            t.action: {"label": t.label, "needsComment": t.needs_comment}
            for t in workflow.TRANSITIONS.values()
        },
    }
    context = {
        "article": article,
        "paragraphs": paragraphs,
        "verdicts": verdicts,
        "statuses": Claim.Status.choices,
        "stances": Source.Stance.choices,
        "workspace": workspace,
        "claims": lean_claims(request.user, article.pk),
    }
    return render(request, "annotations/article_detail.html", context)
