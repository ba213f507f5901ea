"""What the API accepts (validated input) and what it documents (the OpenAPI shapes).

The representations themselves are built by ``annotations.publishing`` from rows;
the output serializers here are the schema's description of them only, and
``tests/test_api_schema_agrees.py`` holds the schema and the builders to the same
field names.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from annotations import workflow
from annotations.models import (
    AnchorState,
    Appearance,
    Article,
    Claim,
    Claimant,
    ClaimEvent,
    Source,
    Verdict,
    http_url_validator,
)
from annotations.publishing.rows import APPEARANCE_ARTICLE_FIELDS, ARTICLE_FIELDS, SOURCE_FIELDS
from annotations.publishing.workspace import EXPANDABLE, LEAN_FIELDS
from annotations.richtext import MAX_MARKDOWN

MAX_SOURCES = 30


# Documented shapes ---------------------------------------------------------------------------


class VerdictSerializer(serializers.ModelSerializer):
    best_rating = serializers.IntegerField(allow_null=True)
    worst_rating = serializers.IntegerField(allow_null=True)

    class Meta:
        model = Verdict
        fields = ["label", "slug", "rating_value", "best_rating", "worst_rating", "colour"]


class QuoteSerializer(serializers.Serializer):
    exact = serializers.CharField()
    prefix = serializers.CharField()
    suffix = serializers.CharField()
    start = serializers.IntegerField(
        allow_null=True,
        help_text="Code-point offset into the article body; null when the article's text "
        "changed and the quote is no longer in it.",
    )
    end = serializers.IntegerField(allow_null=True, help_text="Code-point offset, exclusive.")


class TextChangedSerializer(serializers.Serializer):
    """The article was edited under the quoted words after the check was published."""

    at = serializers.DateTimeField(help_text="When the changed text was imported.")
    quote_as_checked = serializers.CharField(help_text="The words as they were checked.")
    now_reads = serializers.CharField(
        allow_null=True, help_text="What those words now read; null when they are gone."
    )


class ArticleRefSerializer(serializers.ModelSerializer):
    url = serializers.URLField(help_text="The original page, else the article's public page.")

    class Meta:
        model = Article
        fields = list(ARTICLE_FIELDS)


class SourceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Source
        fields = list(SOURCE_FIELDS)


class ClaimantSerializer(serializers.ModelSerializer):
    same_as = serializers.ListField(child=serializers.URLField(), help_text="sameAs links.")

    class Meta:
        model = Claimant
        fields = ["name", "kind", "same_as"]


class AppearanceArticleSerializer(serializers.ModelSerializer):
    url = serializers.URLField(help_text="The original page, else the article's public page.")

    class Meta:
        model = Article
        fields = list(APPEARANCE_ARTICLE_FIELDS)


class AppearanceSerializer(serializers.Serializer):
    """One place the claim was made (confirmed ones only in the export)."""

    id = serializers.IntegerField()
    article = AppearanceArticleSerializer()
    quote = QuoteSerializer()


class WorkspaceAppearanceSerializer(AppearanceSerializer):
    state = serializers.ChoiceField(
        choices=Appearance.State.choices,
        help_text="proposed: waits for a second editor before it is published.",
    )
    primary = serializers.BooleanField(help_text="The claim's own span (its first appearance).")
    anchor_state = serializers.ChoiceField(choices=Appearance.Anchor.choices)


class CorrectionSerializer(serializers.Serializer):
    previous_verdict = serializers.CharField()
    date = serializers.DateTimeField()
    note = serializers.CharField()


class ClaimSerializer(serializers.ModelSerializer):
    """A claim as the export shows it (built by ``publishing.rows.ClaimBuilder``)."""

    uri = serializers.URLField(help_text="Its public fact-check page (a stable address).")
    claimant = ClaimantSerializer(allow_null=True, help_text="Who made the claim.")
    claim_date = serializers.DateField(allow_null=True, help_text="When it was said.")
    verdict = VerdictSerializer(allow_null=True)
    rationale_html = serializers.CharField(help_text="Sanitised HTML.")
    rationale_text = serializers.CharField()
    quote = QuoteSerializer(help_text="The first appearance's quote.")
    text_changed = TextChangedSerializer(
        allow_null=True,
        help_text="Null, unless the article was edited under the quoted words after the "
        "check (its updated_at moves then too).",
    )
    article = ArticleRefSerializer(help_text="The article of the first appearance.")
    appearances = AppearanceSerializer(many=True, help_text="Every place the claim was made.")
    sources = SourceSerializer(many=True)
    author = serializers.CharField(allow_null=True)
    approved_by = serializers.CharField(allow_null=True)
    corrections = CorrectionSerializer(many=True)

    class Meta:
        model = Claim
        fields = [
            "id",
            "uri",
            "claim",
            "claimant",
            "claim_date",
            "verdict",
            "rationale_html",
            "rationale_text",
            "quote",
            "text_changed",
            "article",
            "appearances",
            "sources",
            "author",
            "approved_by",
            "created_at",
            "approved_at",
            "updated_at",
            "corrections",
        ]


@extend_schema_field({"type": "string", "enum": ["retracted"]})
class WithdrawnField(serializers.CharField):
    """Retracted or reopened: for a consumer both mean withdrawn."""


class TombstoneSerializer(serializers.Serializer):
    """A claim that was published and no longer is: consumers of a sync delete it."""

    id = serializers.IntegerField()
    uri = serializers.URLField()
    status = WithdrawnField()
    updated_at = serializers.DateTimeField()


class EventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(allow_null=True)

    class Meta:
        model = ClaimEvent
        fields = ["at", "actor", "kind", "from_status", "to_status", "comment", "changes"]


class BlockedActionSerializer(serializers.Serializer):
    action = serializers.CharField()
    reason = serializers.CharField(help_text="Why it is refused now, and what to do about it.")


class PermissionsSerializer(serializers.Serializer):
    edit = serializers.BooleanField()
    delete = serializers.BooleanField()
    actions = serializers.ListField(
        child=serializers.CharField(), help_text="The transitions you may take now."
    )
    blocked = BlockedActionSerializer(
        many=True,
        help_text="Transitions that apply to the claim's state but are refused now, with why.",
    )
    anchor = serializers.BooleanField(
        help_text="Whether you may accept or re-select a quote the article's new text moved."
    )


class WorkspaceClaimSerializer(ClaimSerializer):
    """A claim as the reviewer workspace shows it: its state, history and what you may do."""

    author_id = serializers.IntegerField()
    assignee = serializers.CharField(allow_null=True)
    rationale_markdown = serializers.CharField(
        help_text="The rationale as Markdown, for editing: as typed, or made from a rationale "
        "written as HTML before Markdown (rationale_html is what it shows)."
    )
    appearances = WorkspaceAppearanceSerializer(
        many=True, help_text="Every place the claim was made, proposed ones too."
    )
    anchor_state = serializers.ChoiceField(
        choices=AnchorState.choices,
        help_text="anchored: the quote is on the current text; fuzzy: found approximately, "
        "to confirm; orphaned: not found (no offsets).",
    )
    anchor_score = serializers.FloatField(allow_null=True)
    events = EventSerializer(many=True)
    permissions = PermissionsSerializer()

    class Meta(ClaimSerializer.Meta):
        fields = [
            *ClaimSerializer.Meta.fields,
            "status",
            "version",
            "author_id",
            "assignee",
            "submitted_at",
            "retracted_at",
            "retraction_reason",
            "rationale_markdown",
            "anchor_state",
            "anchor_score",
            "events",
            "permissions",
        ]


class LeanClaimSerializer(serializers.ModelSerializer):
    """A claim in the workspace's list: what highlights, counts and card summaries need."""

    verdict = serializers.SlugField(allow_null=True, help_text="The verdict's slug.")
    author = serializers.CharField(allow_null=True)
    source_count = serializers.IntegerField()
    start = serializers.IntegerField(help_text="Where the claim appears in this article.")
    end = serializers.IntegerField()
    appearance = serializers.IntegerField(help_text="That appearance's id.")
    appearance_state = serializers.ChoiceField(choices=Appearance.State.choices)
    anchor_state = serializers.ChoiceField(choices=Appearance.Anchor.choices)

    class Meta:
        model = Claim
        fields = list(LEAN_FIELDS)


class ArticleClaimSerializer(ClaimSerializer):
    """A claim inside its article: the article is the parent, so it is not repeated."""

    class Meta(ClaimSerializer.Meta):
        fields = [name for name in ClaimSerializer.Meta.fields if name != "article"]


class ExportArticleSerializer(serializers.ModelSerializer):
    """An article with its approved claims."""

    uri = serializers.URLField(help_text="The article's public page.")
    url = serializers.URLField(help_text="The original page, else the article's public page.")
    body = serializers.CharField(
        required=False,
        help_text="The cleaned text quote offsets index (code points): only with ?expand=body.",
    )
    claims = ArticleClaimSerializer(many=True)

    class Meta:
        model = Article
        fields = [
            "id",
            "uri",
            "title",
            "subtitle",
            "url",
            "publisher",
            "byline",
            "published_at",
            "body",
            "claims",
        ]


# Input -----------------------------------------------------------------------------------


class SourceInputSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(required=False, help_text="Keep and update this source.")
    # The model's own http(s)-only validator, with its message, not DRF's generic URL check.
    url = serializers.CharField(max_length=1000, validators=[http_url_validator])
    archived_url = serializers.CharField(
        max_length=1000, required=False, allow_blank=True, validators=[http_url_validator]
    )

    class Meta:
        model = Source
        fields = list(SOURCE_FIELDS)
        extra_kwargs = {"title": {"required": False}}


class ClaimantInputSerializer(serializers.Serializer):
    """A claimant: an existing one by ``id``, or by name (found whatever the spelling or
    case, made if new)."""

    id = serializers.IntegerField(required=False, min_value=1)
    name = serializers.CharField(required=False, max_length=200)
    kind = serializers.ChoiceField(choices=Claimant.Kind.choices, required=False)
    description = serializers.CharField(required=False, allow_blank=True, max_length=300)
    same_as = serializers.ListField(
        child=serializers.CharField(max_length=1000, validators=[http_url_validator]),
        required=False,
        max_length=10,
    )

    def validate(self, data):
        if "id" not in data and not data.get("name", "").strip():
            raise serializers.ValidationError(
                {"name": "Give the claimant's name, or the id of an existing claimant."}
            )
        return data


class ClaimWriteSerializer(serializers.Serializer):
    """What the workspace sends to create or change a claim."""

    start = serializers.IntegerField(min_value=0, help_text="Code-point offset into the body.")
    end = serializers.IntegerField(min_value=1, help_text="Code-point offset, exclusive.")
    exact = serializers.CharField(
        required=False,
        trim_whitespace=False,
        help_text="body[start:end] as the client saw it; a mismatch is refused (stale page).",
    )
    claim = serializers.CharField(
        required=False, allow_blank=True, max_length=5000, help_text="Defaults to the quote."
    )
    verdict = serializers.SlugRelatedField(
        slug_field="slug", queryset=Verdict.objects.all(), required=False, allow_null=True
    )
    rationale = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=MAX_MARKDOWN,
        trim_whitespace=False,
        help_text="Markdown (CommonMark: paragraphs, **bold**, *italic*, lists, > quotes, "
        "`code`, [links](https://…)); raw HTML is shown as text. Stored rendered and "
        "sanitised: rationale_html. POST it to /api/v1/workspace/preview/ to see the HTML first.",
    )
    # many=True hands max_length to the ListSerializer (DRF 3.14+); the stubs miss it.
    sources = SourceInputSerializer(  # type: ignore[call-arg]
        many=True, required=False, max_length=MAX_SOURCES
    )
    claimant = ClaimantInputSerializer(required=False, allow_null=True)
    claim_date = serializers.DateField(required=False, allow_null=True)
    article = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="When moving a claim (start/end): the article whose appearance moves "
        "(default: the claim's first appearance).",
    )
    version = serializers.IntegerField(
        required=False, help_text="The version you read (or send If-Match)."
    )

    def validate(self, data):
        if self.partial and ("start" in data) != ("end" in data):
            raise serializers.ValidationError(
                {"end": "Send start and end together when you move a claim."}
            )
        return data


class TextField(serializers.CharField):
    """A string, and only a string: DRF's CharField would take 0 or true as text."""

    default_error_messages = {"not_a_string": "Send text (a JSON string), not {kind}."}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("not_a_string", kind=type(data).__name__)
        return super().to_internal_value(data)


class PreviewSerializer(serializers.Serializer):
    markdown = TextField(
        allow_blank=True,
        max_length=MAX_MARKDOWN,
        trim_whitespace=False,
        help_text="A rationale in Markdown, as the write field rationale takes it.",
    )


class PreviewResultSerializer(serializers.Serializer):
    html = serializers.CharField(
        help_text="The sanitised HTML the rationale would be stored and published as."
    )


class ClaimantOutSerializer(serializers.ModelSerializer):
    class Meta:
        model = Claimant
        fields = ["id", "name", "kind", "description", "same_as"]


class AttachSerializer(serializers.Serializer):
    """Where else the claim is made: a span of another article."""

    article = serializers.IntegerField(min_value=1)
    start = serializers.IntegerField(min_value=0)
    end = serializers.IntegerField(min_value=1)
    exact = serializers.CharField(required=False, trim_whitespace=False)


class SimilarQuerySerializer(serializers.Serializer):
    text = serializers.CharField(max_length=1000, help_text="The wording to match.")
    limit = serializers.IntegerField(required=False, min_value=1, max_value=20, default=5)


class SimilarClaimSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    claim = serializers.CharField()
    status = serializers.ChoiceField(choices=Claim.Status.choices)
    verdict = serializers.CharField(allow_null=True, help_text="The verdict's label.")
    claimant = serializers.CharField(allow_null=True, help_text="The claimant's name.")
    score = serializers.FloatField(help_text="0 to 1, higher is closer.")
    appearances = serializers.IntegerField(help_text="How many articles it appears in.")
    url = serializers.CharField(allow_null=True, help_text="Its public page, once published.")


class SimilarAnswerSerializer(serializers.Serializer):
    results = SimilarClaimSerializer(many=True)


class AnchorSerializer(serializers.Serializer):
    """The answer to a quote the article's new text moved: accept the place found (send
    nothing but the version), or select the words again (start, end and exact)."""

    start = serializers.IntegerField(
        required=False, min_value=0, max_value=10**9, help_text="Code-point offset."
    )
    end = serializers.IntegerField(
        required=False, min_value=1, max_value=10**9, help_text="Code-point offset, exclusive."
    )
    exact = serializers.CharField(required=False, trim_whitespace=False)
    version = serializers.IntegerField(required=False)

    def validate(self, data):
        if ("start" in data) != ("end" in data):
            raise serializers.ValidationError({"end": "Send start and end together."})
        return data


class TransitionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=list(workflow.TRANSITIONS))
    comment = serializers.CharField(required=False, allow_blank=True, max_length=10_000)
    version = serializers.IntegerField(required=False)


class ExpandSerializer(serializers.Serializer):
    expand = serializers.CharField(
        required=False,
        help_text="Comma-separated: sources, events. Without it each claim is lean (id, span, "
        "status, claim, verdict slug, author, source count); with it each claim is the full "
        "workspace representation, with the parts named.",
    )

    def validate_expand(self, value: str) -> list[str]:
        parts = [part.strip() for part in value.split(",") if part.strip()]
        unknown = [part for part in parts if part not in EXPANDABLE]
        if unknown or not parts:
            raise serializers.ValidationError(
                f"Expand one or more of {', '.join(EXPANDABLE)} (comma-separated), not {value!r}."
            )
        return parts
