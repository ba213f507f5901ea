"""Form pieces the admin and pages share: file uploads, the Markdown rationale field."""

from __future__ import annotations

from django import forms
from django.forms import Script
from django.urls import reverse

from annotations.models import Notification
from annotations.richtext import MAX_MARKDOWN, render_markdown
from annotations.sanitize import ALLOWED_TAGS


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple) and data:
            return [single(item, initial) for item in data]
        cleaned = single(data or None, initial)  # raises "required" when nothing came
        return [cleaned] if cleaned else []


class ArticleUploadForm(forms.Form):
    # A field, not BaseForm.files: the form's metaclass moves it into base_fields.
    files = MultipleFileField(  # type: ignore[assignment]
        label="Article files",
        allow_empty_file=True,  # the importer reports empty files itself, by name
        help_text="One or more .txt files (UTF-8) or saved web pages (.html, .htm), up to "
        "the size limit each.",
    )
    update = forms.BooleanField(
        label="Replace changed articles",
        required=False,
        help_text="Move an article imported earlier from a file of the same name to the "
        "changed text, keeping the old one as a revision and re-anchoring its claims.",
    )


class NotificationSettingsForm(forms.Form):
    """One tick box per kind of notification: email me when…"""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in Notification.Kind.choices:
            self.fields[kind] = forms.BooleanField(label=label, required=False)

    def emailed(self) -> set[str]:
        return {kind for kind, on in self.cleaned_data.items() if on}


class MarkdownPreviewWidget(forms.Textarea):
    """A Markdown text area with the formatted text beside it, as it will be published.

    The preview is rendered here when the page is built (it works without script) and
    then, as one types, by the workspace API's preview endpoint: the same function
    (``richtext.render_markdown``) makes the preview and what is stored.
    """

    template_name = "annotations/widgets/markdown_preview.html"

    class Media:
        js = [Script("annotations/rationale-admin.js", type="module")]
        css = {"all": ["annotations/rationale.css"]}

    def __init__(self, attrs=None):
        super().__init__({"rows": 8, "cols": 60, **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"].update(
            preview_html=render_markdown(value or ""),
            preview_url=reverse("api:workspace-preview"),
            allowed_tags=" ".join(sorted(ALLOWED_TAGS)),
        )
        return context


class RationaleField(forms.CharField):
    """A rationale as its writer types it: Markdown, rendered and sanitised on save."""

    widget = MarkdownPreviewWidget

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", MAX_MARKDOWN)
        kwargs.setdefault("required", False)
        kwargs.setdefault("strip", False)
        kwargs.setdefault("help_text", MARKDOWN_HELP)
        super().__init__(**kwargs)


MARKDOWN_HELP = (
    "Markdown: a blank line between paragraphs, **bold**, *italic*, lists (- or 1.), "
    "> quotes, `code`, [link text](https://…). The preview shows it as it will be published."
)
