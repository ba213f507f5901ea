from __future__ import annotations

from django import forms


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
    files = MultipleFileField(
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
