"""The desk: articles and their import, the verdict scale, claims and their history.

The admin is configuration. Every change of state (a transition, an assignment,
an edit of a claim) is handed to ``workflow.py`` or ``claims.py``, which hold the
rules; the admin reports what they answered.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.views.main import PAGE_VAR
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, SuspiciousOperation, ValidationError
from django.db import models, transaction
from django.db.models import Count, QuerySet
from django.db.models.functions import Coalesce
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
    QueryDict,
)
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.timesince import timesince

from annotations import access, appearances, claimants, claims, desk, desk_charts, jobs, workflow
from annotations.admin_lists import (
    ArticleChangeList,
    AutocompleteFilter,
    BoundedLists,
    LabelledAutocompleteSelect,
    PublisherFilter,
    ReadOnly,
    ValidAutocompletes,
    people_filter,
)
from annotations.admin_web import import_urls_view, revision_diff_view, revision_list, say_started
from annotations.csvfiles import csv_response
from annotations.forms import ArticleUploadForm, RationaleField
from annotations.importers import (
    FAILED,
    NOT_TXT,
    ImportResult,
    ImportSummary,
    import_bytes,
    importable,
)
from annotations.models import Appearance, Article, Claim, Claimant, ClaimEvent, Source, Verdict
from annotations.richtext import rationale_source
from annotations.sanitize import html_to_text, sanitize_html
from annotations.spans import CONTEXT_CHARS
from factcheck.middleware import query_problem

STALE_ADMIN = (
    "This claim changed since you loaded it (someone else acted on it first). "
    "The page now shows it as it is: check it and try again."
)
UNKNOWN_STEP = "Choose one of the buttons beside an appearance."
MERGE_TWO = "Select at least two claims to merge."
STALE_FORM = (
    "This claim changed since you loaded it (someone else saved or moved it first). "
    "Reload the page to see the current version, then make your change again."
)

QUEUE_DONE = "That was the last claim in this list: here is the list again."
QUEUE_UNREADABLE = (
    "The list you came from could not be read again (its filters changed or are not "
    "valid), so here is the whole list: choose the next claim there."
)
NEXT_IN_LIST = "This is the next claim in the list."
STALE_CONFIRMATION = (
    "This claim changed after the confirmation page listed it, so it was not approved: "
    "select it again to see it as it is now."
)

UNKNOWN_CHART = "There is no chart called {slug!r}; the desk's charts are: {charts}."

S = Claim.Status


# ---------------------------------------------------------------------------
# Shared pieces: who can be chosen, the intermediate action page, reports.


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        full = obj.get_full_name()
        return f"{full} ({obj.get_username()})" if full else obj.get_username()


class AssignForm(forms.Form):
    assignee = PersonChoiceField(
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label="— nobody (remove the assignment) —",
    )

    def __init__(self, *args, people: QuerySet, label: str, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["assignee"]).queryset = people
        self.fields["assignee"].label = label


class MergeForm(forms.Form):
    survivor: forms.ModelChoiceField = forms.ModelChoiceField(  # of claims, or claimants
        queryset=Claim.objects.none(),
        label="Keep this claim",
        help_text="The others become tombstones pointing to it; their appearances move to it.",
    )

    def __init__(self, *args, choices: QuerySet, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["survivor"]).queryset = choices


class CommentForm(forms.Form):
    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        max_length=10_000,
        help_text="The author sees this comment on their claim card.",
    )

    def __init__(self, *args, label: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comment"].label = label


def action_page(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    queryset: QuerySet,
    *,
    form: forms.Form,
    title: str,
    button: str,
) -> TemplateResponse:
    """The intermediate page of a bulk action: the chosen rows, a small form, one button."""
    opts = modeladmin.model._meta
    context = {
        **modeladmin.admin_site.each_context(request),
        "opts": opts,
        "title": title,
        "button": button,
        "form": form,
        "queryset": queryset,
        "action": request.POST.get("action", ""),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/annotations/action_form.html", context)


def short(obj) -> str:
    return f"#{obj.pk} “{Truncator(str(obj)).chars(50)}”"


def count_of(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def apply_each(
    request: HttpRequest,
    objects: Iterable,
    step: Callable,
    *,
    noun: str,
    done: str,
) -> None:
    """Apply ``step`` to each object in its own transaction and report, grouped by reason.

    One refusal does not undo the others: each object's step commits on its own.
    """
    succeeded = 0
    refused: dict[str, list[str]] = defaultdict(list)
    for obj in objects:
        try:
            with transaction.atomic():
                step(obj)
        except workflow.TransitionError as exc:
            refused[exc.message].append(short(obj))
        except (PermissionDenied, ValidationError) as exc:
            refused[" ".join(getattr(exc, "messages", [str(exc)]))].append(short(obj))
        except claims.StaleVersion:
            refused[STALE_ADMIN].append(short(obj))
        else:
            succeeded += 1
    if succeeded:
        messages.success(request, f"{count_of(succeeded, noun)} {done}.")
    for reason, names in refused.items():
        messages.error(
            request, f"{count_of(len(names), noun)} not {done}: {reason} ({', '.join(names)})"
        )


def assign_each(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    queryset: QuerySet,
    assign: Callable,
    *,
    people: QuerySet,
    label: str,
    title: str,
    noun: str,
) -> TemplateResponse | None:
    """The assign actions: ask whom (an intermediate page), then assign each through ``assign``."""
    form = AssignForm(request.POST if "apply" in request.POST else None, people=people, label=label)
    if not form.is_bound or not form.is_valid():
        return action_page(modeladmin, request, queryset, form=form, title=title, button="Assign")
    assignee = form.cleaned_data["assignee"]

    def step(obj) -> None:
        assign(**{noun: obj}, user=request.user, assignee=assignee)

    done = f"assigned to {assignee.get_username()}" if assignee else "unassigned"
    apply_each(request, queryset, step, noun=noun, done=done)
    return None


# ---------------------------------------------------------------------------
# Articles


class AssignmentFilter(admin.SimpleListFilter):
    title = "assignment"
    parameter_name = "assigned"

    def lookups(self, request, model_admin):
        return [("no", "Unassigned"), ("yes", "Assigned")]

    def queryset(self, request, queryset):
        if self.value() in ("no", "yes"):
            return queryset.filter(assignee__isnull=self.value() == "no")
        return queryset


class DueFilter(admin.SimpleListFilter):
    """Overdue: the due date has passed and the article is not done."""

    title = "due"
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return [("overdue", "Overdue")]

    def queryset(self, request, queryset):
        if self.value() == "overdue":
            return queryset.filter(desk.overdue())
        return queryset


class ArticleAdminForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = [
            "title", "subtitle", "byline", "source_url", "publisher", "published_at",
            "queue_status", "assignee", "priority", "due_date", "body", "monitored",
        ]  # fmt: skip

    def clean(self):
        cleaned = super().clean()
        moving_to_done = (
            "queue_status" in self.changed_data
            and cleaned.get("queue_status") == Article.Queue.DONE
            and self.instance.pk
        )
        if moving_to_done:
            try:
                workflow.check_article_done(self.instance)
            except workflow.TransitionError as exc:
                raise ValidationError({"queue_status": exc.message}) from None
        return cleaned


@admin.register(Article)
class ArticleAdmin(BoundedLists, admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = [
        "title",
        "publisher",
        "queue_status",
        "assignee",
        "priority",
        "due_date",
        "claim_counts",
    ]
    list_filter = [
        "queue_status",
        AssignmentFilter,
        DueFilter,
        "priority",
        ("publisher", PublisherFilter),
        "imported_at",
    ]
    search_fields = ["title", "body"]
    # Only orders an index serves (admin_lists.py); the claims are counted per page.
    sortable_by = ["priority", "due_date"]
    changelist_class = ArticleChangeList
    list_select_related = ["assignee"]
    readonly_fields = [
        "origin", "content_hash", "imported_at", "imported_by", "raw_text",
        "fetched_url", "fetched_at", "checked_at", "revised_at", "revisions",
    ]  # fmt: skip
    fieldsets = [
        (
            None,
            {"fields": ["title", "subtitle", "byline", "source_url", "publisher", "published_at"]},
        ),
        ("Queue", {"fields": ["queue_status", "assignee", "priority", "due_date"]}),
        ("Text", {"fields": ["body"]}),
        (
            "From the web",
            {"fields": ["monitored", "fetched_url", "fetched_at", "checked_at", "revised_at"]},
        ),
        ("Revisions", {"fields": ["revisions"]}),
        (
            "As imported",
            {
                "classes": ["collapse"],
                "fields": ["origin", "content_hash", "imported_at", "imported_by", "raw_text"],
            },
        ),
    ]
    actions = ["assign_articles", "mark_done", "refresh_from_source", "monitor", "stop_monitoring"]
    change_list_template = "admin/annotations/article/change_list.html"

    def get_queryset(self, request):
        return super().get_queryset(request).defer("body", "raw_text")

    def get_search_results(self, request, queryset, search_term):
        if request.path == reverse("admin:autocomplete"):
            # Typing in the claim list's article filter: titles only (trigram-indexed).
            term = search_term.strip()
            return (queryset.filter(title__icontains=term) if term else queryset), False
        # Title and text through the articles' full-text index, as /articles/ searches.
        term = search_term.strip()
        return (queryset.search(term) if term else queryset), False

    @admin.display(description="claims")
    def claim_counts(self, article: Article) -> str:
        parts = [
            f"{getattr(article, f'claims_{status.value}')} {status.label.lower()}"
            for status in S
            if getattr(article, f"claims_{status.value}", 0)
        ]
        return ", ".join(parts) or "–"

    def save_model(self, request, obj, form, change):
        """An assignment made on the form goes through ``workflow.article_assign``, which
        checks who may assign and tells the assignee."""
        reassigned = "assignee" in form.changed_data
        if reassigned:
            obj.assignee_id = form.initial.get("assignee")
        super().save_model(request, obj, form, change)
        if reassigned:
            try:
                workflow.article_assign(
                    article=obj, user=request.user, assignee=form.cleaned_data["assignee"]
                )
            except workflow.TransitionError as exc:
                raise PermissionDenied(exc.message) from None

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.claims.exists():
            # Claims anchor to the body by offsets: editing it would move every highlight.
            fields.append("body")
        return fields

    def has_assign_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("annotations.assign_claim")

    def has_review_permission(self, request: HttpRequest) -> bool:
        return access.is_editor(request.user)

    @admin.action(permissions=["assign"], description="Assign selected articles to a reviewer…")
    def assign_articles(self, request: HttpRequest, queryset: QuerySet):
        return assign_each(
            self, request, queryset, workflow.article_assign,
            people=access.people_with_perm("add_claim"), label="Reviewer",
            title="Assign articles to a reviewer", noun="article",
        )  # fmt: skip

    @admin.action(permissions=["review"], description="Mark selected articles done")
    def mark_done(self, request: HttpRequest, queryset: QuerySet) -> None:
        def step(article: Article) -> None:
            workflow.article_mark_done(article=article, user=request.user)

        apply_each(request, queryset, step, noun="article", done="marked done")

    @admin.display(description="revisions")
    def revisions(self, article: Article) -> str:
        return revision_list(article)

    @admin.action(permissions=["review"], description="Refresh selected articles from source")
    def refresh_from_source(self, request: HttpRequest, queryset: QuerySet):
        try:
            job = jobs.job_refresh(articles=queryset, user=request.user)
        except jobs.JobError as exc:
            messages.error(request, str(exc))
            return None
        started = f"{job} was started for {count_of(queryset.count(), 'article')}."
        say_started(request, job, started)
        return redirect(reverse("admin:annotations_job_change", args=[job.pk]))

    @admin.action(permissions=["review"], description="Monitor selected articles for changes")
    def monitor(self, request: HttpRequest, queryset: QuerySet) -> None:
        web = [a.pk for a in queryset if a.from_the_web]
        Article.objects.filter(pk__in=web).update(monitored=True)
        messages.success(request, f"{count_of(len(web), 'article')} monitored.")
        if len(web) < queryset.count():
            messages.warning(request, "Articles imported from files cannot be monitored.")

    @admin.action(permissions=["review"], description="Stop monitoring selected articles")
    def stop_monitoring(self, request: HttpRequest, queryset: QuerySet) -> None:
        n = queryset.update(monitored=False)
        messages.success(request, f"{count_of(n, 'article')} no longer monitored.")

    def get_urls(self):
        urls = super().get_urls()
        upload = path(
            "import/",
            self.admin_site.admin_view(self.import_view),
            name="annotations_article_import",
        )
        from_web = path(
            "import-urls/",
            self.admin_site.admin_view(lambda request: import_urls_view(self, request)),
            name="annotations_article_import_urls",
        )
        diff = path(
            "<int:object_id>/revisions/<int:number>/",
            self.admin_site.admin_view(
                lambda request, object_id, number: revision_diff_view(
                    self, request, object_id, number
                )
            ),
            name="annotations_article_revision_diff",
        )
        return [upload, from_web, diff, *urls]

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            form = ArticleUploadForm(request.POST, request.FILES)
        else:
            form = ArticleUploadForm()
        if form.is_bound and form.is_valid():
            summary = ImportSummary()
            for upload in form.cleaned_data["files"]:
                if not importable(upload.name):
                    summary.results.append(ImportResult(upload.name, FAILED, NOT_TXT))
                    continue
                summary.results.append(
                    import_bytes(
                        upload.read(),
                        origin=upload.name,
                        user=request.user,
                        update=form.cleaned_data["update"],
                    )
                )
            for result in summary.results:
                level = messages.ERROR if result.status == FAILED else messages.SUCCESS
                messages.add_message(request, level, str(result))
            level = messages.WARNING if summary.failed else messages.INFO
            messages.add_message(request, level, str(summary))
            return redirect(reverse("admin:annotations_article_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "title": "Import articles",
        }
        return TemplateResponse(request, "admin/annotations/article/import.html", context)


# ---------------------------------------------------------------------------
# The verdict scale


@admin.register(Verdict)
class VerdictAdmin(admin.ModelAdmin):
    list_display = ["label", "swatch", "slug", "rating_value", "order", "colour"]
    list_display_links = ["label"]
    list_editable = ["rating_value", "order", "colour"]
    fields = ["label", "slug", "rating_value", "order", "colour", "description"]
    prepopulated_fields = {"slug": ["label"]}
    search_fields = ["label", "description"]

    @admin.display(description="")
    def swatch(self, verdict: Verdict) -> str:
        return format_html(
            '<span style="display:inline-block;width:1em;height:1em;background:{}"></span>',
            verdict.colour,
        )


# ---------------------------------------------------------------------------
# Claims


class WaitingForMeFilter(admin.SimpleListFilter):
    """What needs the signed-in person's attention.

    "To review" (editors only): submitted claims that are assigned to me, or
    assigned to nobody, and that I did not write: the four-eyes rule means I
    could never approve my own, so they are not waiting for me.
    "Sent back to me": my own claims on which an editor requested changes.
    """

    title = "waiting for me"
    parameter_name = "waiting"

    def lookups(self, request, model_admin):
        choices = []
        if access.is_editor(request.user):
            choices.append(("review", "To review"))
        choices.append(("changes", "Sent back to me"))
        return choices

    def queryset(self, request, queryset):
        if self.value() == "review":
            return queryset.filter(desk.waiting_for_review(request.user))
        if self.value() == "changes":
            return queryset.filter(desk.sent_back_to(request.user))
        return queryset


class NamedAutocomplete(LabelledAutocompleteSelect):
    """The admin's search-as-you-type select with a placeholder: select2's box takes its
    accessible name from what it shows, and an empty one would have none."""

    def __init__(self, *args, placeholder: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.placeholder = placeholder

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        attrs["data-placeholder"] = self.placeholder
        return attrs


class ClaimAdminForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    # Markdown with its preview, like the workspace: claims.claim_update renders it.
    rationale = RationaleField(label="Rationale")

    class Meta:
        model = Claim
        fields = ["claim", "claimant", "claim_date", "verdict", "rationale", "assignee"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        claim = self.instance
        self.initial["rationale"] = rationale_source(claim.rationale_markdown, claim.rationale)
        # Not in the fieldsets (change_form.html renders it), so not read from the
        # instance by the admin's form factory: the version the page is loaded with.
        if self.instance.pk is not None:
            self.initial.setdefault("version", self.instance.version)

    def clean(self):
        cleaned = super().clean()
        # The instance was read at this request; the hidden field holds the version the
        # page was loaded with. claims.claim_update checks it again when it writes.
        if self.instance.pk and cleaned.get("version") != self.instance.version:
            raise ValidationError(STALE_FORM, code="stale")
        return cleaned


class SourceInline(admin.StackedInline):
    """One block per source: seven fields side by side made the page twice a laptop's width."""

    model = Source
    fields = [
        ("url", "stance"),
        ("title", "publisher"),
        "excerpt",
        ("accessed_on", "archived_url"),
    ]
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2})}}
    extra = 0

    def _claim_editable(self, request, obj) -> bool:
        return obj is None or access.can_edit_claim(request.user, obj)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self._claim_editable(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._claim_editable(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._claim_editable(request, obj)


class AppearanceInline(admin.TabularInline):
    """Where the claim was made. Read-only here: appearances are added from the workspace,
    confirmed, split off or removed with the buttons (each through appearances.py)."""

    model = Appearance
    fk_name = "claim"
    fields = ["article", "quote", "primary", "state", "anchor_state", "proposed_by", "actions"]
    readonly_fields = fields  # type: ignore[assignment]  # plain names, which both accept
    extra = 0
    can_delete = False
    verbose_name_plural = "where the claim was made"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("article", "proposed_by")
            .defer("article__body", "article__raw_text")
            .order_by("-primary", "id")
        )

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="quote")
    def quote(self, appearance: Appearance) -> str:
        return Truncator(appearance.exact).chars(120)

    @admin.display(description="")
    def actions(self, appearance: Appearance) -> str:
        url = reverse("admin:annotations_claim_appearance", args=[appearance.claim_id])
        buttons = []
        if appearance.state == Appearance.State.PROPOSED:
            buttons.append(("confirm", "Confirm"))
        if not appearance.primary or appearance.claim.appearances.count() > 1:
            buttons += [("split", "Split off as a new claim"), ("remove", "Remove")]
        return format_html_join(
            " ",
            '<button type="submit" form="appearance-form" formaction="{}" name="do" '
            'value="{}:{}" class="button">{}</button>',
            ((url, action, appearance.pk, label) for action, label in buttons),
        )


SOURCE_FIELDS = ["url", "title", "publisher", "stance", "excerpt", "accessed_on", "archived_url"]


class ClaimEventInline(ReadOnly, admin.TabularInline):
    """The history, read-only: events are an audit trail nobody edits."""

    model = ClaimEvent
    verbose_name = "event"
    verbose_name_plural = "history"
    fields = ["at", "actor", "kind", "step", "comment", "change_summary"]
    readonly_fields = fields  # type: ignore[assignment]  # plain names, which both accept
    extra = 0
    can_delete = False
    show_change_link = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor").order_by("at", "id")

    @admin.display(description="from → to")
    def step(self, event: ClaimEvent) -> str:
        return f"{status_label(event.from_status)} → {status_label(event.to_status)}"

    @admin.display(description="changes")
    def change_summary(self, event: ClaimEvent) -> str:
        return describe_changes(event)


def status_label(value: str) -> str:
    return S(value).label if value in S.values else value or "–"


def describe_changes(event: ClaimEvent) -> str:
    if event.kind != ClaimEvent.Kind.EDIT or not event.changes:
        return ""
    parts = []
    for field, values in event.changes.items():
        if field == "sources":
            parts.append("sources changed")
        else:
            before, after = values
            parts.append(f"{field}: {Truncator(str(before)).chars(40)} → {after}")
    return "; ".join(parts)


class TextChangedFilter(admin.SimpleListFilter):
    """The desk's queue "Text changed under these claims": quotes the article's new text
    holds only approximately or not at all, published checks first."""

    title = "text changed"
    parameter_name = desk.TEXT_CHANGED_PARAMETER

    def lookups(self, request, model_admin):
        return [("yes", "Text changed under these claims")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.text_changed()
        return queryset


@admin.register(Claim)
class ClaimAdmin(BoundedLists, ValidAutocompletes, admin.ModelAdmin):
    form = ClaimAdminForm
    list_display = [
        "__str__", "quote_and_rationale", "status", "verdict", "article_title", "author",
        "assignee", "age", "anchor",
    ]  # fmt: skip
    # The article is found by typing its title; authors are the people who may write
    # claims, assignees the editors (admin_lists.py): no filter lists a whole table.
    list_filter = [
        WaitingForMeFilter,
        TextChangedFilter,
        "status",
        "anchor_state",
        "verdict",
        ("article", AutocompleteFilter),
        ("author", people_filter("add_claim")),
        ("assignee", people_filter("review_claim")),
        "approved_at",
    ]
    sortable_by = ["age"]  # the queue by waiting time; the default is the newest change
    # The search box searches as ClaimQuerySet.search does everywhere (get_search_results).
    search_fields = ["claim", "exact", "rationale"]
    list_select_related = ["verdict", "article", "author", "assignee"]
    ordering = ["-updated_at", "-id"]
    actions = ["assign_claims", "approve", "reject", "request_changes", "merge_claims"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "article",
                    "quote_in_context",
                    "claim",
                    ("claimant", "claim_date"),
                    "verdict",
                    "rationale",
                ]
            },
        ),
        (
            "Workflow",
            {
                "fields": [
                    "status",
                    "author",
                    "assignee",
                    "created_at",
                    "submitted_at",
                    "approved_by",
                    "approved_at",
                    "retracted_at",
                    "retraction_reason",
                ]
            },
        ),
    ]
    # The form's hidden version is rendered by change_form.html, outside the fieldsets:
    # a fieldset would give it a label pointing at an input nobody sees.
    readonly_fields = [
        "article",
        "quote_in_context",
        "status",
        "author",
        "created_at",
        "submitted_at",
        "approved_by",
        "approved_at",
        "retracted_at",
        "retraction_reason",
    ]
    inlines = [SourceInline, AppearanceInline, ClaimEventInline]
    autocomplete_fields = ["claimant"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "claimant":
            kwargs["widget"] = NamedAutocomplete(
                db_field, self.admin_site, placeholder="Claimant: type a name"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    change_form_template = "admin/annotations/claim/change_form.html"

    # -- reading

    def changelist_view(self, request, extra_context=None):
        # The article filter's search box brings the admin's autocomplete scripts.
        media = self.media + AutocompleteFilter.media_for(Claim._meta.get_field("article"))
        return super().changelist_view(request, {"media": media, **(extra_context or {})})

    def get_queryset(self, request):
        # Drafts stay private to their authors (and editors), as everywhere else.
        queryset = super().get_queryset(request).defer("article__body", "article__raw_text")
        return access.visible_claims(request.user, queryset)

    def get_ordering(self, request):
        if request.GET.get(desk.TEXT_CHANGED_PARAMETER) == "yes":
            return [desk.published_first().asc(), "-text_changed_at", "-updated_at", "-id"]
        return super().get_ordering(request)

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        return (queryset.search(term) if term else queryset), False

    @admin.display(description="article", ordering="article__title")
    def article_title(self, claim: Claim) -> str:
        return Truncator(claim.article.title).chars(60)

    @admin.display(description="quote and rationale")
    def quote_and_rationale(self, claim: Claim) -> str:
        """The words quoted, then the first words of the rationale as text (never its markup)."""
        rationale = Truncator(" ".join(html_to_text(claim.rationale).split())).chars(100)
        return format_html(
            '<q class="claim-quote">{}</q><br><span class="rationale-start">{}</span>',
            Truncator(claim.exact).chars(80),
            rationale or "–",
        )

    @admin.display(description="quote on the text", ordering="anchor_state")
    def anchor(self, claim: Claim) -> str:
        if claim.anchor_state == "anchored":
            return "anchored"
        if claim.anchor_state == "fuzzy":
            return f"found approximately ({claim.anchor_score or 0:.0%})"
        return "not found"

    @admin.display(description="age", ordering=Coalesce("submitted_at", "created_at"))
    def age(self, claim: Claim) -> str:
        """How long it has waited: since submission, or since creation for drafts."""
        return timesince(claim.submitted_at or claim.created_at)

    @admin.display(description="rationale")
    def formatted_rationale(self, claim: Claim) -> SafeString:
        """The rationale as published (for those who may not change it), not its HTML."""
        html = sanitize_html(claim.rationale)
        return mark_safe(f'<div class="rationale">{html}</div>')  # noqa: S308 - sanitised

    @admin.display(description="quote in context")
    def quote_in_context(self, claim: Claim) -> str:
        before = "…" if len(claim.prefix) >= CONTEXT_CHARS else ""
        after = "…" if len(claim.suffix) >= CONTEXT_CHARS else ""
        return format_html(
            '<blockquote class="claim-quote">{}{}<strong>{}</strong>{}{}</blockquote>',
            before,
            claim.prefix,
            claim.exact,
            claim.suffix,
            after,
        )

    # -- permissions

    def has_add_permission(self, request):
        # Claims are made by selecting words in the workspace, which builds their quote.
        return False

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or access.can_edit_claim(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        # One claim at a time, by claim_delete's rules: no bulk delete from the list.
        allowed = super().has_delete_permission(request, obj)
        return allowed and obj is not None and access.can_delete_claim(request.user, obj)

    def has_review_permission(self, request: HttpRequest) -> bool:
        return access.is_editor(request.user)

    def has_assign_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("annotations.assign_claim")

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or self.has_change_permission(request, obj):
            return fieldsets
        # Read only: the rationale formatted, as readers will see it.
        return [
            (name, {**options, "fields": [
                "formatted_rationale" if f == "rationale" else f for f in options["fields"]
            ]})
            for name, options in fieldsets
        ]  # fmt: skip

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not self.has_assign_permission(request):
            fields.append("assignee")
        return fields

    # -- writing: everything goes through claims.py and workflow.py

    def save_model(self, request, obj, form, change):
        """Nothing here: save_related writes the claim and its sources in one claim_update."""

    def save_related(self, request, form, formsets, change):
        claim = form.instance
        sources = None
        for formset in formsets:
            if formset.model is Source and formset.has_changed():
                sources = source_items(formset)
        fields = {}
        for name, service_name in [
            ("claim", "text"),
            ("claimant", "claimant"),
            ("claim_date", "claim_date"),
            ("verdict", "verdict"),
            ("rationale", "rationale"),
        ]:
            if name in form.changed_data:
                fields[service_name] = form.cleaned_data[name]
        if fields or sources is not None:
            claims.claim_update(
                claim=claim,
                user=request.user,
                version=form.cleaned_data["version"],
                sources=sources,
                **fields,
            )
        if "assignee" in form.changed_data:
            try:
                workflow.claim_assign(
                    claim=claim, user=request.user, assignee=form.cleaned_data["assignee"]
                )
            except workflow.TransitionError as exc:
                raise PermissionDenied(exc.message) from None

    def delete_model(self, request, obj):
        claims.claim_delete(claim=obj, user=request.user, version=obj.version)

    def construct_change_message(self, request, form, formsets, add=False):
        # The sources were saved by claim_update, not by the formsets.
        message = super().construct_change_message(request, form, None, add)
        if any(f.model is Source and f.has_changed() for f in formsets or []):
            message.append({"changed": {"fields": ["sources"]}})
        return message

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except claims.StaleVersion:
            # Someone wrote between the form's check and our write: nothing was saved.
            messages.error(request, STALE_FORM)
            return HttpResponseRedirect(request.get_full_path())

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            transitions = workflow.allowed_actions(request.user, obj)
            context["transitions"] = transitions
            context["next_actions"] = [
                (t, NEXT_SHORTCUTS[t.action]) for t in transitions if t.action in NEXT_SHORTCUTS
            ]
            context["transition_url"] = reverse("admin:annotations_claim_transition", args=[obj.pk])
            context["next_url"] = reverse("admin:annotations_claim_next", args=[obj.pk])
            context["skip_shortcut"] = SKIP_SHORTCUT
            context["version"] = obj.version
        return super().render_change_form(request, context, add, change, form_url, obj)

    # -- transition buttons on the change page, and the editor's loop through a queue

    def get_urls(self):
        transition = path(
            "<int:object_id>/transition/",
            self.admin_site.admin_view(self.transition_view),
            name="annotations_claim_transition",
        )
        following = path(
            "<int:object_id>/next/",
            self.admin_site.admin_view(self.next_view),
            name="annotations_claim_next",
        )
        chart_csv = path(
            "charts/<slug:slug>.csv",
            self.admin_site.admin_view(self.chart_csv_view),
            name="annotations_claim_chart_csv",
        )
        appearance = path(
            "<int:object_id>/appearance/",
            self.admin_site.admin_view(self.appearance_view),
            name="annotations_claim_appearance",
        )
        return [transition, following, chart_csv, appearance, *super().get_urls()]

    def chart_csv_view(self, request: HttpRequest, slug: str) -> HttpResponse:
        """The numbers of one of the index's charts, as the table beside it shows them."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        chart = desk_charts.chart(slug)
        if chart is None:
            names = ", ".join(desk_charts.CHARTS)
            raise Http404(UNKNOWN_CHART.format(slug=slug[:40], charts=names))
        return csv_response(f"desk-{chart.slug}.csv", chart.header, chart.rows)

    def appearance_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """A button on an appearance: confirm it, split it off, or remove it."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        claim = get_object_or_404(self.get_queryset(request), pk=object_id)
        action, _, pk = request.POST.get("do", "").partition(":")
        appearance = get_object_or_404(Appearance, pk=pk if pk.isdigit() else 0, claim=claim)
        steps = {
            "confirm": (appearances.appearance_confirm, "Appearance confirmed."),
            "remove": (appearances.appearance_remove, "Appearance removed."),
            "split": (appearances.appearance_split, "Split off as a new draft claim."),
        }
        if action not in steps:
            messages.error(request, UNKNOWN_STEP)
            return redirect(reverse("admin:annotations_claim_change", args=[claim.pk]))
        step, done = steps[action]
        try:
            result = step(appearance=appearance, user=request.user)
        except (PermissionDenied, ValidationError) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, done)
            if action == "split":
                new_claim = cast(Claim, result)  # what appearance_split returns
                return redirect(reverse("admin:annotations_claim_change", args=[new_claim.pk]))
        return redirect(reverse("admin:annotations_claim_change", args=[claim.pk]))

    def transition_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """One button on the change page: apply it to the version the page was loaded with.

        The "… and next" buttons (``next_action``) then open the claim that followed this
        one in the list the editor came from, or that list when it was the last.
        """
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        claim = get_object_or_404(self.get_queryset(request), pk=object_id)
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            version = -1  # no version from the page: treat it as stale rather than guess
        go_next = "next_action" in request.POST
        action = request.POST.get("next_action" if go_next else "action", "")
        # The list as the editor saw it, before this decision moves the claim in it.
        queue = self.queue(request) if go_next else None
        after = queue_after(queue, claim.pk) if queue is not None else []
        try:
            workflow.claim_transition(
                claim=claim,
                user=request.user,
                action=action,
                comment=request.POST.get("comment", ""),
                version=version,
            )
        except claims.StaleVersion:
            messages.error(request, STALE_ADMIN)
        except workflow.TransitionError as exc:
            messages.error(request, exc.message)
        else:
            if go_next:
                done = f"Claim {short(claim)} {workflow.DONE[action]}."
                return self.next_or_list(request, queue, after, done)
            messages.success(request, f"Claim {workflow.DONE[action]}.")
        return redirect(self.with_filters(request, self.change_url(claim.pk)))

    def next_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """Skip: the claim after this one in the list the editor came from."""
        claim = get_object_or_404(self.get_queryset(request), pk=object_id)
        queue = self.queue(request)
        after = queue_after(queue, claim.pk) if queue is not None else []
        return self.next_or_list(request, queue, after, None)

    def queue(self, request: HttpRequest) -> QuerySet | None:
        """The claims of the list the editor came from, filtered, searched and sorted as it
        was (Django carries its query as ``_changelist_filters``); None if it cannot be read."""
        listed = copy.copy(request)
        filters = QueryDict(request.GET.get("_changelist_filters", ""), mutable=True)
        filters.pop(PAGE_VAR, None)  # the whole list, not the page it was on
        listed.GET = filters  # type: ignore[assignment]  # a request of our own, to read
        if query_problem(listed) is not None:
            return None
        try:
            return self.get_changelist_instance(listed).queryset
        except (IncorrectLookupParameters, SuspiciousOperation):
            return None

    def next_or_list(
        self, request: HttpRequest, queue: QuerySet | None, after: list[int], done: str | None
    ) -> HttpResponse:
        following = first_still_listed(queue, after) if queue is not None else None
        if following is not None:
            if done:
                messages.success(request, f"{done} {NEXT_IN_LIST}")
            return redirect(self.with_filters(request, self.change_url(following)))
        if done:
            messages.success(request, done)
        messages.info(request, QUEUE_DONE if queue is not None else QUEUE_UNREADABLE)
        changelist = reverse("admin:annotations_claim_changelist")
        return redirect(self.with_filters(request, changelist) if queue is not None else changelist)

    def with_filters(self, request: HttpRequest, url: str) -> str:
        """``url`` carrying the list's filters, as the admin's own links do."""
        context: dict[str, Any] = {
            "preserved_filters": self.get_preserved_filters(request),
            "opts": self.opts,
        }
        return add_preserved_filters(context, url)

    @staticmethod
    def change_url(pk: int) -> str:
        return reverse("admin:annotations_claim_change", args=[pk])

    # -- bulk actions

    @admin.action(permissions=["assign"], description="Assign selected claims to an editor…")
    def assign_claims(self, request: HttpRequest, queryset: QuerySet):
        return assign_each(
            self, request, queryset, workflow.claim_assign,
            people=access.people_with_perm("review_claim"), label="Editor to review",
            title="Assign claims to an editor for review", noun="claim",
        )  # fmt: skip

    @admin.action(permissions=["review"], description="Approve selected claims…")
    def approve(self, request: HttpRequest, queryset: QuerySet):
        """Publishing is shown before it happens: a page lists exactly the claims that will
        be published (and those the rules refuse, with why); each is then approved only
        at the version that page showed."""
        if "apply" not in request.POST:
            return self.approve_confirmation(request, queryset)
        versions: dict[int, int | None] = {}
        for claim in queryset:
            try:
                versions[claim.pk] = int(request.POST.get(f"version_{claim.pk}", ""))
            except ValueError:
                versions[claim.pk] = None  # not on the page that was confirmed

        def step(claim: Claim) -> None:
            if versions[claim.pk] is None:
                raise workflow.TransitionError(STALE_CONFIRMATION, "stale")
            try:
                workflow.claim_transition(
                    claim=claim, user=request.user, action="approve", version=versions[claim.pk]
                )
            except claims.StaleVersion:
                raise workflow.TransitionError(STALE_CONFIRMATION, "stale") from None

        apply_each(request, queryset, step, noun="claim", done=workflow.DONE["approve"])
        return None

    def approve_confirmation(self, request: HttpRequest, queryset: QuerySet) -> TemplateResponse:
        selected = list(
            queryset.select_related("article", "verdict", "author")
            .prefetch_related("sources")
            .defer("article__body", "article__raw_text")
            .order_by("pk")
        )
        publish, refused = [], []
        who = access.capabilities(request.user)
        for claim in selected:
            try:
                workflow.check_transition(who, claim, "approve")
            except workflow.TransitionError as exc:
                refused.append((claim, short(claim), exc.message))
            else:
                publish.append((claim, Truncator(html_to_text(claim.rationale)).chars(300)))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Approve and publish: selected claims",
            "publish": publish,
            "refused": refused,
            "action": request.POST.get("action", ""),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        template = "admin/annotations/claim/approve_confirmation.html"
        return TemplateResponse(request, template, context)

    @admin.action(permissions=["review"], description="Reject selected claims…")
    def reject(self, request: HttpRequest, queryset: QuerySet):
        return self._with_comment(request, queryset, "reject", "Reason for rejecting")

    @admin.action(permissions=["review"], description="Request changes on selected claims…")
    def request_changes(self, request: HttpRequest, queryset: QuerySet):
        return self._with_comment(
            request, queryset, "request_changes", "What should the author change?"
        )

    @admin.action(permissions=["review"], description="Merge selected claims into one…")
    def merge_claims(self, request: HttpRequest, queryset: QuerySet):
        """The selected claims are one claim: keep the chosen one; the others' appearances
        move to it and they become tombstones whose pages lead to it."""
        form = MergeForm(
            request.POST if "apply" in request.POST else None,
            choices=queryset.order_by("pk"),
        )
        if queryset.count() < 2:
            messages.error(request, MERGE_TWO)
            return None
        if not form.is_bound or not form.is_valid():
            return action_page(
                self, request, queryset, form=form, title="Merge claims", button="Merge"
            )
        survivor = form.cleaned_data["survivor"]

        def step(claim: Claim) -> None:
            appearances.claims_merge(survivor=survivor, other=claim, user=request.user)

        apply_each(
            request, queryset.exclude(pk=survivor.pk), step, noun="claim",
            done=f"merged into #{survivor.pk}",
        )  # fmt: skip
        return None

    def _with_comment(self, request, queryset, action: str, label: str):
        form = CommentForm(request.POST if "apply" in request.POST else None, label=label)
        if not form.is_bound or not form.is_valid():
            transition = workflow.TRANSITIONS[action]
            return action_page(
                self,
                request,
                queryset,
                form=form,
                title=f"{transition.label}: selected claims",
                button=transition.label,
            )
        self._transition_each(request, queryset, action, form.cleaned_data["comment"])
        return None

    def _transition_each(self, request, queryset, action: str, comment: str = "") -> None:
        def step(claim: Claim) -> None:
            workflow.claim_transition(
                claim=claim, user=request.user, action=action, comment=comment
            )

        apply_each(request, queryset, step, noun="claim", done=workflow.DONE[action])


# The editor's loop: "… and next" buttons and their keys, and the key that skips a claim.
NEXT_SHORTCUTS = {"approve": "a", "request_changes": "c", "reject": "x"}
SKIP_SHORTCUT = "n"


def queue_after(queue: QuerySet, pk: int) -> list[int]:
    """The ids listed after ``pk``, in the list's order (all of them if ``pk`` is not listed).

    One query reading ids only: the list is the editor's filtered queue.
    """
    ids = list(queue.values_list("pk", flat=True))
    if pk in ids:
        return ids[ids.index(pk) + 1 :]
    return [i for i in ids if i != pk]


def first_still_listed(queue: QuerySet, candidates: list[int], window: int = 100) -> int | None:
    """The first of ``candidates`` the list still holds (another editor may have decided
    the next one meanwhile, and it left a "waiting" list)."""
    for start in range(0, len(candidates), window):
        chunk = candidates[start : start + window]
        still = set(queue.filter(pk__in=chunk).values_list("pk", flat=True))
        for pk in chunk:
            if pk in still:
                return pk
    return None


def source_items(formset) -> list[dict]:
    """The inline's rows as claims.claim_update takes them, in the order shown."""
    items = []
    for form in formset.forms:
        if form in formset.deleted_forms:
            continue
        if form.instance.pk is None and not form.has_changed():
            continue  # an empty extra row
        item = {name: form.cleaned_data.get(name) for name in SOURCE_FIELDS}
        if form.instance.pk is not None:
            item["id"] = form.instance.pk
        items.append(item)
    return items


# ---------------------------------------------------------------------------
# Claim events: the audit trail, read-only for everyone


class StepFilter(admin.SimpleListFilter):
    """The state a step led to, by its label (the column holds raw values)."""

    title = "led to"
    parameter_name = "to_status"

    def lookups(self, request, model_admin):
        return S.choices

    def queryset(self, request, queryset):
        if self.value() in S.values:
            return queryset.filter(to_status=self.value())
        return queryset


@admin.register(ClaimEvent)
class ClaimEventAdmin(ReadOnly, BoundedLists, admin.ModelAdmin):
    """The audit trail, newest first, read-only for everyone."""

    list_display = ["at", "claim_text", "actor", "kind", "step", "note"]
    list_display_links = ["at"]
    list_filter = ["kind", "is_correction", StepFilter]
    list_select_related = ["claim", "actor"]
    search_fields = ["comment"]
    ordering = ["-at", "-id"]
    sortable_by = ["at"]

    @admin.display(description="claim", ordering="claim__claim")
    def claim_text(self, event: ClaimEvent) -> str:
        return Truncator(str(event.claim)).chars(60)

    @admin.display(description="from → to")
    def step(self, event: ClaimEvent) -> str:
        return f"{status_label(event.from_status)} → {status_label(event.to_status)}"

    @admin.display(description="comment or change")
    def note(self, event: ClaimEvent) -> str:
        return event.comment or describe_changes(event) or "–"  # wraps; the reason is the point


# ---------------------------------------------------------------------------
# Claimants: one per real person or organisation; merged by editors


@admin.register(Claimant)
class ClaimantAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "description", "claim_count", "merged_into"]
    list_filter = ["kind"]
    search_fields = ["name", "key", "description"]
    fields = ["name", "kind", "description", "same_as", "merged_into"]
    readonly_fields = ["merged_into"]
    actions = ["merge_claimants"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(claim_total=Count("claims"))

    def get_search_results(self, request, queryset, search_term):
        # The claim form's autocomplete offers only claimants that were not merged away.
        queryset, distinct = super().get_search_results(request, queryset, search_term)
        if request.path.endswith("/autocomplete/"):
            queryset = queryset.filter(merged_into__isnull=True)
        return queryset, distinct

    @admin.display(description="claims", ordering="claim_total")
    def claim_count(self, claimant: Claimant) -> int:
        return claimant.claim_total  # type: ignore[attr-defined]  # get_queryset annotates it

    def has_review_permission(self, request: HttpRequest) -> bool:
        return access.is_editor(request.user)

    @admin.action(permissions=["review"], description="Merge selected claimants into one…")
    def merge_claimants(self, request: HttpRequest, queryset: QuerySet):
        form = ClaimantMergeForm(
            request.POST if "apply" in request.POST else None, choices=queryset.order_by("name")
        )
        if queryset.count() < 2:
            messages.error(request, "Select at least two claimants to merge.")
            return None
        if not form.is_bound or not form.is_valid():
            return action_page(
                self, request, queryset, form=form, title="Merge claimants", button="Merge"
            )
        keep = form.cleaned_data["survivor"]

        def step(claimant: Claimant) -> None:
            claimants.claimants_merge(keep=keep, merge=claimant, user=request.user)

        apply_each(
            request, queryset.exclude(pk=keep.pk), step, noun="claimant",
            done=f"merged into {keep.name}",
        )  # fmt: skip
        return None


class ClaimantMergeForm(MergeForm):
    survivor = forms.ModelChoiceField(
        queryset=Claimant.objects.none(),
        label="Keep this claimant",
        help_text="The others' claims move to it; their names and pages lead to it.",
    )


@admin.register(Appearance)
class AppearanceAdmin(BoundedLists, admin.ModelAdmin):
    """The queue of appearances waiting for a second editor: confirm them in bulk."""

    list_display = ["claim", "article", "quote", "state", "proposed_by", "created_at"]
    list_filter = ["state", "anchor_state"]
    list_select_related = ["claim", "article", "proposed_by"]
    search_fields = ["exact", "claim__claim"]
    actions = ["confirm"]
    ordering = ["-created_at", "-id"]
    sortable_by = ["created_at"]  # the order an index serves (admin_lists.py)

    def get_queryset(self, request):
        queryset = super().get_queryset(request).defer("article__body", "article__raw_text")
        if access.is_editor(request.user):
            return queryset  # editors see every claim: no test of each against all claims
        return queryset.filter(claim__in=Claim.objects.visible_to(request.user))

    @admin.display(description="quote")
    def quote(self, appearance: Appearance) -> str:
        return Truncator(appearance.exact).chars(80)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # Never from this queue; only with a draft claim deleted on its own page (the
        # admin asks every related object's admin before it deletes the claim).
        return obj is not None and access.can_delete_claim(request.user, obj.claim)

    def has_review_permission(self, request: HttpRequest) -> bool:
        return access.is_editor(request.user)

    @admin.action(permissions=["review"], description="Confirm selected appearances")
    def confirm(self, request: HttpRequest, queryset: QuerySet) -> None:
        def step(appearance: Appearance) -> None:
            appearances.appearance_confirm(appearance=appearance, user=request.user)

        apply_each(request, queryset, step, noun="appearance", done="confirmed")
