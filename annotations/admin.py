"""The desk: articles and their import, the verdict scale, claims and their history."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from annotations.forms import ArticleUploadForm
from annotations.importers import FAILED, NOT_TXT, ImportResult, ImportSummary, import_bytes
from annotations.models import Article, Verdict


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "publisher", "published_at", "imported_at", "queue_status"]
    list_filter = ["queue_status", "publisher", "imported_at"]
    search_fields = ["title", "body"]
    date_hierarchy = "imported_at"
    list_select_related = ["assignee"]
    readonly_fields = ["origin", "content_hash", "imported_at", "imported_by", "raw_text"]
    fieldsets = [
        (
            None,
            {"fields": ["title", "subtitle", "byline", "source_url", "publisher", "published_at"]},
        ),
        ("Queue", {"fields": ["queue_status", "assignee", "priority", "due_date"]}),
        ("Text", {"fields": ["body"]}),
        (
            "As imported",
            {
                "classes": ["collapse"],
                "fields": ["origin", "content_hash", "imported_at", "imported_by", "raw_text"],
            },
        ),
    ]
    change_list_template = "admin/annotations/article/change_list.html"

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.claims.exists():
            # Claims anchor to the body by offsets: editing it would move every highlight.
            fields.append("body")
        return fields

    def get_urls(self):
        urls = super().get_urls()
        upload = path(
            "import/",
            self.admin_site.admin_view(self.import_view),
            name="annotations_article_import",
        )
        return [upload, *urls]

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
                if not upload.name.lower().endswith(".txt"):
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


@admin.register(Verdict)
class VerdictAdmin(admin.ModelAdmin):
    list_display = ["label", "slug", "rating_value", "order", "colour"]
    list_editable = ["order"]
    prepopulated_fields = {"slug": ["label"]}
