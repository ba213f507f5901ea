"""The desk's side of living articles: importing from web addresses, background jobs,
article revisions and what changed between two of them.

Configuration and small views, as in ``admin.py`` (which wires the article's pages to
these); every change is made by ``jobs.py`` and ``importers.py``.
"""

from __future__ import annotations

import difflib
import re
from typing import TYPE_CHECKING, TypedDict

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from annotations import access, jobs
from annotations.admin_lists import ReadOnly
from annotations.models import Article, ArticleRevision, Job, JobItem

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations  # a dev dependency: only for mypy


class _JobCounts(TypedDict):
    """What JobAdmin's queryset annotates each job with."""

    total: int
    finished: int
    failed_count: int

# Words and the spaces between them: a diff of words reads like an edit, one of letters
# does not.
_TOKENS = re.compile(r"\s+|[^\s]+")


class ImportUrlsForm(forms.Form):
    urls = forms.CharField(
        label="Web addresses",
        widget=forms.Textarea(attrs={"rows": 8, "cols": 90}),
        help_text="One address per line (http:// or https://). Each page is read and its "
        "article imported on its own; the job shows how far it got and why an address failed.",
    )
    update = forms.BooleanField(
        label="Follow changes",
        required=False,
        help_text="For an address imported before whose text changed: keep the old text as a "
        "revision, move the article to the new one and re-anchor its claims.",
    )

    def clean_urls(self) -> list[str]:
        try:
            return jobs.parse_addresses(self.cleaned_data["urls"])
        except jobs.JobError as exc:
            raise forms.ValidationError(str(exc)) from None


def import_urls_view(model_admin: admin.ModelAdmin, request: HttpRequest) -> HttpResponse:
    """ "Import from web addresses": a job for the addresses, then its page."""
    if not (model_admin.has_add_permission(request) and access.is_editor(request.user)):
        raise PermissionDenied
    form = ImportUrlsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        job = jobs.job_import_urls(
            urls=form.cleaned_data["urls"], user=request.user, update=form.cleaned_data["update"]
        )
        say_started(request, job, f"{job} was started for {job.items.count()} address(es).")
        return redirect(reverse("admin:annotations_job_change", args=[job.pk]))
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": Article._meta,
        "form": form,
        "title": "Import articles from web addresses",
    }
    return TemplateResponse(request, "admin/annotations/article/import_urls.html", context)


def say_started(request: HttpRequest, job: Job, started: str) -> None:
    """``started``, or, when the job queue could not be reached, that the job waits for it
    (the job is saved, queued, and the sweep sends it: jobs.QUEUE_UNREACHABLE)."""
    if job.error == jobs.QUEUE_UNREACHABLE:
        messages.warning(request, f"{job}: {jobs.QUEUE_UNREACHABLE}")
    else:
        messages.info(request, started)


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """(kind, text) pieces turning ``old`` into ``new``: "same", "removed" or "added"."""
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    pieces: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            pieces.append(("same", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            pieces.append(("removed", "".join(a[i1:i2])))
        if j2 > j1:
            pieces.append(("added", "".join(b[j1:j2])))
    return pieces


def revision_diff_view(
    model_admin: admin.ModelAdmin, request: HttpRequest, object_id: int, number: int
) -> HttpResponse:
    """Revision ``number`` against the one before it, changed words marked."""
    article = get_object_or_404(Article, pk=object_id)
    if not model_admin.has_view_permission(request, article):
        raise PermissionDenied
    new = get_object_or_404(ArticleRevision, article=article, number=number)
    old = ArticleRevision.objects.filter(article=article, number=number - 1).first()
    pieces = word_diff(old.body if old else "", new.body)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": Article._meta,
        "original": article,
        "title": f"Revision {new.number} of “{article.title}”",
        "old": old,
        "new": new,
        "pieces": pieces,
        # A run of removed and added words is one change.
        "changes": sum(
            1
            for i, (kind, _) in enumerate(pieces)
            if kind != "same" and (i == 0 or pieces[i - 1][0] == "same")
        ),
    }
    return TemplateResponse(request, "admin/annotations/article/revision_diff.html", context)


def revision_list(article: Article) -> str:
    """Every text the article has had, newest first, each with a link to what changed.

    A read-only field rather than an inline: the article's form then posts no formset.
    """
    rows = []
    for revision in article.revisions.select_related("created_by").order_by("-number"):
        if revision.number == 1:
            change = "first import"
        else:
            url = reverse(
                "admin:annotations_article_revision_diff", args=[article.pk, revision.number]
            )
            change = format_html(
                '<a href="{}">compare with revision {}</a>', url, revision.number - 1
            )
        rows.append(
            (
                revision.number,
                revision.created_at.strftime("%Y-%m-%d %H:%M"),
                revision.created_by or "–",
                revision.fetched_url or "–",
                change,
            )
        )
    if not rows:
        return "–"
    body = format_html_join(
        "", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", rows
    )
    return format_html(
        '<table id="revisions"><thead><tr><th>revision</th><th>when</th><th>by</th>'
        "<th>read from</th><th>what changed</th></tr></thead><tbody>{}</tbody></table>",
        body,
    )


class JobItemInline(ReadOnly, admin.TabularInline):
    model = JobItem
    verbose_name_plural = "addresses"
    fields = ["position", "url", "state", "result", "message", "article"]
    readonly_fields = fields  # type: ignore[assignment]  # plain names, which both accept
    extra = 0
    can_delete = False


@admin.register(Job)
class JobAdmin(ReadOnly, admin.ModelAdmin):
    """Background jobs: what they were asked, how far they got, why an address failed."""

    list_display = ["__str__", "state", "progress", "failures", "created_by", "created_at"]
    list_filter = ["state", "kind"]
    list_select_related = ["created_by"]
    fields = [
        "kind", "state", "progress", "failures", "update", "created_by", "created_at",
        "started_at", "finished_at", "attempts", "error", "sent_at", "lease_until",
    ]  # fmt: skip
    readonly_fields = fields  # type: ignore[assignment]  # plain names, which both accept
    inlines = [JobItemInline]
    actions = ["retry"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                total=Count("items"),
                finished=Count("items", filter=~Q(items__state=JobItem.State.PENDING)),
                failed_count=Count("items", filter=Q(items__state=JobItem.State.FAILED)),
            )
        )

    @admin.display(description="progress")
    def progress(self, job: WithAnnotations[Job, _JobCounts]) -> str:
        """Addresses done (or failed) of all."""
        return f"{job.finished} of {job.total}"

    @admin.display(description="failed")
    def failures(self, job: WithAnnotations[Job, _JobCounts]) -> int:
        return job.failed_count

    def has_retry_permission(self, request: HttpRequest) -> bool:
        return access.is_editor(request.user)

    @admin.action(permissions=["retry"], description="Retry selected unfinished jobs")
    def retry(self, request: HttpRequest, queryset: QuerySet) -> None:
        for job in queryset:
            try:
                job = jobs.job_retry(job=job, user=request.user)
            except jobs.JobError as exc:
                messages.error(request, f"{job}: {exc}")
            else:
                again = f"{job} was started again (its failed and unfinished addresses only)."
                say_started(request, job, again)
