"""Claim representations: one shape for the export, a superset for the workspace.

Read paths must be given querysets from ``claim_queryset`` so that a list costs
the same number of queries whatever its length.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Max, Min, Prefetch
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from annotations import access, workflow
from annotations.models import Article, Claim, ClaimEvent, Source, Verdict, http_url_validator
from annotations.sanitize import html_to_text

MAX_SOURCES = 30


def public_base() -> str:
    return settings.FACTCHECK_PUBLIC_BASE_URL.rstrip("/")


def claim_uri(claim: Claim) -> str:
    """The claim's stable URI: its public fact-check page, which redirects to the slugged URL."""
    return f"{public_base()}/checks/{claim.pk}/"


def article_url(article: Article) -> str:
    return article.source_url or f"{public_base()}/checks/articles/{article.pk}/"


def person(user) -> str | None:
    if user is None:
        return None
    return user.get_full_name() or user.get_username()


def claim_queryset(*, workspace: bool = False):
    """Claims with everything a representation reads, in a fixed number of queries."""
    queryset = Claim.objects.select_related(
        "article", "verdict", "author", "approved_by"
    ).prefetch_related(
        Prefetch("sources", queryset=Source.objects.order_by("order", "id")),
        Prefetch(
            "events",
            queryset=ClaimEvent.objects.filter(is_correction=True).order_by("at", "id"),
            to_attr="correction_events",
        ),
    )
    if workspace:
        queryset = queryset.select_related("assignee").prefetch_related(
            Prefetch(
                "events",
                queryset=ClaimEvent.objects.select_related("actor").order_by("at", "id"),
                to_attr="history",
            )
        )
    return queryset


def scale_bounds_of(verdicts) -> tuple[int | None, int | None]:
    """(worst, best) rating of an already loaded scale: no query."""
    ratings = [v.rating_value for v in verdicts if v.rating_value is not None]
    return (min(ratings), max(ratings)) if ratings else (None, None)


def scale_bounds(context: dict) -> tuple[int | None, int | None]:
    """(worst, best) rating on the scale, read once per request."""
    if "scale_bounds" not in context:
        bounds = Verdict.objects.aggregate(worst=Min("rating_value"), best=Max("rating_value"))
        context["scale_bounds"] = (bounds["worst"], bounds["best"])
    return context["scale_bounds"]


class VerdictSerializer(serializers.ModelSerializer):
    best_rating = serializers.SerializerMethodField()
    worst_rating = serializers.SerializerMethodField()

    class Meta:
        model = Verdict
        fields = ["label", "slug", "rating_value", "best_rating", "worst_rating", "colour"]

    def get_best_rating(self, verdict: Verdict) -> int | None:
        return scale_bounds(self.context)[1] if verdict.rating_value is not None else None

    def get_worst_rating(self, verdict: Verdict) -> int | None:
        return scale_bounds(self.context)[0] if verdict.rating_value is not None else None


class QuoteSerializer(serializers.Serializer):
    exact = serializers.CharField()
    prefix = serializers.CharField()
    suffix = serializers.CharField()
    start = serializers.IntegerField(help_text="Code-point offset into the article body.")
    end = serializers.IntegerField(help_text="Code-point offset, exclusive.")


class ArticleRefSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Article
        fields = ["id", "title", "url", "publisher", "byline", "published_at"]

    def get_url(self, article: Article) -> str:
        return article_url(article)


SOURCE_FIELDS = [
    "id", "url", "title", "publisher", "stance", "excerpt", "accessed_on", "archived_url",
]  # fmt: skip


class SourceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Source
        fields = SOURCE_FIELDS


class CorrectionSerializer(serializers.Serializer):
    previous_verdict = serializers.CharField()
    date = serializers.DateTimeField(source="at")
    note = serializers.CharField(source="comment")


class ClaimSerializer(serializers.ModelSerializer):
    """A claim as the export shows it."""

    uri = serializers.SerializerMethodField()
    verdict = VerdictSerializer(allow_null=True)
    rationale_html = serializers.CharField(source="rationale")
    rationale_text = serializers.SerializerMethodField()
    quote = serializers.SerializerMethodField()
    article = ArticleRefSerializer()
    sources = SourceSerializer(many=True)
    author = serializers.SerializerMethodField()
    approved_by = serializers.SerializerMethodField()
    corrections = serializers.SerializerMethodField()

    class Meta:
        model = Claim
        fields = [
            "id",
            "uri",
            "claim",
            "verdict",
            "rationale_html",
            "rationale_text",
            "quote",
            "article",
            "sources",
            "author",
            "approved_by",
            "approved_at",
            "updated_at",
            "corrections",
        ]

    def get_uri(self, claim: Claim) -> str:
        return claim_uri(claim)

    def get_rationale_text(self, claim: Claim) -> str:
        return html_to_text(claim.rationale)

    @extend_schema_field(QuoteSerializer)
    def get_quote(self, claim: Claim) -> dict:
        return {
            "exact": claim.exact,
            "prefix": claim.prefix,
            "suffix": claim.suffix,
            "start": claim.start,
            "end": claim.end,
        }

    def get_author(self, claim: Claim) -> str | None:
        return person(claim.author)

    def get_approved_by(self, claim: Claim) -> str | None:
        return person(claim.approved_by)

    @extend_schema_field(CorrectionSerializer(many=True))
    def get_corrections(self, claim: Claim) -> list[dict]:
        events = getattr(claim, "correction_events", None)
        if events is None:
            events = claim.events.filter(is_correction=True).order_by("at", "id")
        return CorrectionSerializer(events, many=True).data


class EventSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()

    class Meta:
        model = ClaimEvent
        fields = ["at", "actor", "kind", "from_status", "to_status", "comment", "changes"]

    def get_actor(self, event: ClaimEvent) -> str | None:
        return person(event.actor)


class PermissionsSerializer(serializers.Serializer):
    edit = serializers.BooleanField()
    delete = serializers.BooleanField()
    actions = serializers.ListField(child=serializers.CharField())


class WorkspaceClaimSerializer(ClaimSerializer):
    """A claim as the reviewer workspace shows it: its state, history and what you may do."""

    author_id = serializers.IntegerField(read_only=True)
    assignee = serializers.SerializerMethodField()
    events = serializers.SerializerMethodField()
    permissions = serializers.SerializerMethodField()

    class Meta(ClaimSerializer.Meta):
        fields = [
            *ClaimSerializer.Meta.fields,
            "status",
            "version",
            "author_id",
            "assignee",
            "created_at",
            "submitted_at",
            "retracted_at",
            "retraction_reason",
            "events",
            "permissions",
        ]

    def get_assignee(self, claim: Claim) -> str | None:
        return person(claim.assignee) if claim.assignee_id else None

    @extend_schema_field(EventSerializer(many=True))
    def get_events(self, claim: Claim) -> list[dict]:
        events = getattr(claim, "history", None)
        if events is None:
            events = claim.events.select_related("actor").order_by("at", "id")
        return EventSerializer(events, many=True).data

    @extend_schema_field(PermissionsSerializer)
    def get_permissions(self, claim: Claim) -> dict:
        user = self.context["request"].user
        actions = [t.action for t in workflow.allowed_actions(user, claim)]
        return {
            "edit": access.can_edit_claim(user, claim),
            "delete": access.can_delete_claim(user, claim),
            "actions": actions,
        }


class SourceInputSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(required=False, help_text="Keep and update this source.")
    # The model's own http(s)-only validator, with its message, not DRF's generic URL check.
    url = serializers.CharField(max_length=1000, validators=[http_url_validator])
    archived_url = serializers.CharField(
        max_length=1000, required=False, allow_blank=True, validators=[http_url_validator]
    )

    class Meta:
        model = Source
        fields = SOURCE_FIELDS
        extra_kwargs = {"title": {"required": False}}


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
        required=False, allow_blank=True, max_length=50_000, trim_whitespace=False
    )
    sources = SourceInputSerializer(many=True, required=False, max_length=MAX_SOURCES)
    version = serializers.IntegerField(
        required=False, help_text="The version you read (or send If-Match)."
    )

    def validate(self, data):
        if self.partial and ("start" in data) != ("end" in data):
            raise serializers.ValidationError(
                {"end": "Send start and end together when you move a claim."}
            )
        return data


class TransitionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=list(workflow.TRANSITIONS))
    comment = serializers.CharField(required=False, allow_blank=True, max_length=10_000)
    version = serializers.IntegerField(required=False)


# The export: tombstones for incremental sync, articles with their approved claims.


def article_uri(article: Article) -> str:
    """The article's public page, listing its published fact-checks."""
    return f"{public_base()}/checks/articles/{article.pk}/"


class TombstoneSerializer(serializers.Serializer):
    """A claim that was published and no longer is: consumers of a sync delete it."""

    id = serializers.IntegerField()
    uri = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField()
    updated_at = serializers.DateTimeField()

    def get_uri(self, claim: Claim) -> str:
        return claim_uri(claim)

    @extend_schema_field({"type": "string", "enum": ["retracted"]})
    def get_status(self, claim: Claim) -> str:
        # Retracted or reopened as a draft: for a consumer both mean "withdrawn".
        return Claim.Status.RETRACTED


class ArticleClaimSerializer(ClaimSerializer):
    """A claim inside its article: the article is the parent, so it is not repeated."""

    class Meta(ClaimSerializer.Meta):
        fields = [name for name in ClaimSerializer.Meta.fields if name != "article"]


class ExportArticleSerializer(serializers.ModelSerializer):
    """An article with its approved claims (read from the ``published_claims`` prefetch)."""

    uri = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()
    claims = serializers.SerializerMethodField()

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
            "claims",
        ]

    def get_uri(self, article: Article) -> str:
        return article_uri(article)

    def get_url(self, article: Article) -> str:
        return article_url(article)

    @extend_schema_field(ArticleClaimSerializer(many=True))
    def get_claims(self, article: Article) -> list[dict]:
        approved = [c for c in article.published_claims if c.status == Claim.Status.APPROVED]
        return ArticleClaimSerializer(approved, many=True, context=self.context).data
